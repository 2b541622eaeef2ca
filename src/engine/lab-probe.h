/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     lab_probe_websocket_lab_async  (const char           *url,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean lab_probe_websocket_lab_finish (GAsyncResult         *result,
                                         gboolean             *tls,
                                         GError              **error);

G_END_DECLS
