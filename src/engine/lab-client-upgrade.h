/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-handshake.h"

G_BEGIN_DECLS

/* Longest response head a client reads before giving up on a server. */
#define LAB_CLIENT_UPGRADE_MAX_RESPONSE (16 * 1024)

void          lab_client_upgrade_async  (GIOStream            *stream,
                                         GUri                 *uri,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
LabHandshake *lab_client_upgrade_finish (GAsyncResult         *result,
                                         guint                *http_status,
                                         GError              **error);

G_END_DECLS
