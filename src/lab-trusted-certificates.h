/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GHashTable *lab_trusted_certificates_load  (GSettings  *settings);
void        lab_trusted_certificates_store (GSettings  *settings,
                                            GHashTable *trusted);

G_END_DECLS
