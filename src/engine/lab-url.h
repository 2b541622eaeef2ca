/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GUri     *lab_url_parse_websocket  (const char  *url,
                                    GError     **error);
char     *lab_url_build            (const char  *scheme,
                                    const char  *host,
                                    guint        port,
                                    const char  *path);
char     *lab_url_with_path        (const char  *url,
                                    const char  *path);
char     *lab_url_format_host_port (const char  *host,
                                    guint        port);
char     *lab_url_dup_host_port    (GUri        *uri);
gboolean  lab_url_is_secure        (GUri        *uri);
int       lab_url_get_port         (GUri        *uri);

G_END_DECLS
