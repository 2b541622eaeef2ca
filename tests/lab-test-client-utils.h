/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-client.h"
#include "lab-server.h"

G_BEGIN_DECLS

/* Clients: waits, fakes and teardown shared by the client tests. */
typedef struct _LabTestTinyServer LabTestTinyServer;

void                     lab_test_wait_client_state  (LabClient                *client,
                                                      LabClientState            state);
void                     lab_test_wait_client_value  (LabClient                *client,
                                                      gint64                    value);
void                     lab_test_wait_client_users  (LabClient                *client,
                                                      guint                     users);
void                     lab_test_wait_peers         (LabServer                *server,
                                                      guint                     n_peers);
void                     lab_test_wait_finalized     (GPtrArray                *objects);
LabClient               *lab_test_client_new_connected (LabServer              *server,
                                                      gboolean                  with_time);
void                     lab_test_client_free        (LabClient                *client);
void                     lab_test_server_apply       (LabServer                *server,
                                                      LabAction                 action);
guint                    lab_test_unused_port        (void);
LabTrustStore           *lab_test_trust_store_new    (LabTrustMode              mode,
                                                      const char               *ca_file);
LabServer               *lab_test_tls_server_new_started (char                **certificate_file);
LabTestTinyServer       *lab_test_tiny_server_new    (const char * const       *script,
                                                      gushort                   close_code);
const char              *lab_test_tiny_server_get_url (LabTestTinyServer       *tiny);
void                     lab_test_tiny_server_free   (LabTestTinyServer        *tiny);
GSocketService          *lab_test_threaded_server_new (GCallback               run,
                                                      char                   **url);
char                    *lab_test_read_upgrade       (GSocketConnection        *connection);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTestTinyServer, lab_test_tiny_server_free)

G_END_DECLS
