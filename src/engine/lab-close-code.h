/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

const char *lab_close_code_get_meaning           (gushort       code);
char       *lab_close_code_dup_label             (gushort       code);
char       *lab_close_code_describe_end          (gushort       code,
                                                  const GError *failure);
char       *lab_close_code_describe_connect_error (const GError *error,
                                                  guint         http_status,
                                                  const char   *host,
                                                  gboolean      plain_scheme);

G_END_DECLS
