/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-handshake.h"
#include "lab-trust-store.h"

G_BEGIN_DECLS

/* Private to the client: not installed, not for the UI. */

/* A handshake stuck this long will not finish: better to fail and try again. */
#define LAB_CLIENT_ATTEMPT_TIMEOUT_S 10

void                     lab_client_attempt_async      (GSocketClient         *socket_client,
                                                        LabTrustStore         *trust_store,
                                                        GUri                  *uri,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
GIOStream               *lab_client_attempt_finish     (GAsyncResult          *result,
                                                        LabHandshake         **handshake,
                                                        GTlsCertificate      **refused,
                                                        GTlsCertificateFlags  *refused_errors,
                                                        char                 **peer,
                                                        GError               **error);
void                     lab_client_release_connection (SoupWebsocketConnection *connection);

G_END_DECLS
