/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-server.h"

G_BEGIN_DECLS

/* Every wait in the tests is bounded: a hung test fails instead of hanging. */
#define LAB_TEST_TIMEOUT_MS 10000

typedef gboolean (*LabTestCondition) (gpointer data);

void                     lab_test_init               (int                      *argc,
                                                      char                   ***argv);
gboolean                 lab_test_wait_until         (LabTestCondition          condition,
                                                      gpointer                  data,
                                                      guint                     timeout_ms);
void                     lab_test_run_for            (guint                     milliseconds);
LabServer               *lab_test_server_new_started (void);
char                    *lab_test_url                (LabServer                *server,
                                                      const char               *path);
SoupWebsocketConnection *lab_test_connect            (const char               *url,
                                                      GError                  **error);
char                    *lab_test_receive            (SoupWebsocketConnection  *connection);
gboolean                 lab_test_has_pending        (SoupWebsocketConnection  *connection);
void                     lab_test_wait_closed        (SoupWebsocketConnection  *connection);
guint                    lab_test_http_get           (LabServer                *server,
                                                      const char               *method,
                                                      const char               *path,
                                                      char                    **body);

/* A WebSocket client written by hand on a plain socket, for what libsoup's
 * client cannot do: send fragments, or stop reading. */
GSocket                 *lab_test_raw_connect        (guint                     port,
                                                      const char               *path,
                                                      int                       receive_buffer);
void                     lab_test_raw_send_frame     (GSocket                  *socket,
                                                      guint8                    opcode,
                                                      gboolean                  fin,
                                                      const void               *payload,
                                                      gsize                     length);
gboolean                 lab_test_raw_read_frame     (GSocket                  *socket,
                                                      guint8                   *opcode,
                                                      GBytes                  **payload);

G_END_DECLS
