/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-trust-store.h"

G_BEGIN_DECLS

/* Private to the client: not installed, not for the UI. */

void                     lab_client_attempt_async      (SoupSession           *session,
                                                        LabTrustStore         *trust_store,
                                                        GUri                  *uri,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
SoupWebsocketConnection *lab_client_attempt_finish     (GAsyncResult          *result,
                                                        GTlsCertificate      **refused,
                                                        GTlsCertificateFlags  *refused_errors,
                                                        char                 **peer,
                                                        GError               **error);
void                     lab_client_release_connection (SoupWebsocketConnection *connection);

G_END_DECLS
