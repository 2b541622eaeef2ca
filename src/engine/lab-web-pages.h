/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-types.h"

G_BEGIN_DECLS

gboolean    lab_web_find_route   (LabListenerRole    role,
                                  const char        *path,
                                  LabRoute          *route);
const char *lab_web_find_page    (LabListenerRole    role,
                                  const char        *path);
void        lab_web_serve_page   (SoupServerMessage *message,
                                  const char        *page);
void        lab_web_respond_text (SoupServerMessage *message,
                                  guint              status,
                                  const char        *text);

G_END_DECLS
