/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-protocol.h"
#include "lab-server.h"

G_BEGIN_DECLS

/* Every wait in the tests is bounded: a hung test fails instead of hanging. Three times
 * longer under AddressSanitizer, as CI triples the tests' timeouts there. */
#ifdef __SANITIZE_ADDRESS__
#define LAB_TEST_TIMEOUT_MS 30000
#else
#define LAB_TEST_TIMEOUT_MS 10000
#endif

typedef gboolean (*LabTestCondition) (gpointer data);

void                     lab_test_init               (int                      *argc,
                                                      char                   ***argv);
gboolean                 lab_test_wait_until         (LabTestCondition          condition,
                                                      gpointer                  data,
                                                      guint                     timeout_ms);
void                     lab_test_run_for            (guint                     milliseconds);
guint                    lab_test_free_port          (void);
LabServer               *lab_test_server_new_started (void);
void                     lab_test_server_set_max_rate (LabServer               *server,
                                                      guint                     max_rate);
char                    *lab_test_url                (LabServer                *server,
                                                      const char               *path);
SoupWebsocketConnection *lab_test_connect            (const char               *url,
                                                      GError                  **error);
SoupWebsocketConnection *lab_test_connect_with       (SoupSession              *session,
                                                      const char               *url,
                                                      GError                  **error);
SoupWebsocketConnection *lab_test_connect_with_origin (SoupSession             *session,
                                                      const char               *url,
                                                      const char               *origin,
                                                      GError                  **error);
SoupWebsocketConnection *lab_test_connect_as_page    (LabServer                *server,
                                                      const char               *path);
char                    *lab_test_receive            (SoupWebsocketConnection  *connection);
gboolean                 lab_test_has_pending        (SoupWebsocketConnection  *connection);
void                     lab_test_wait_closed        (SoupWebsocketConnection  *connection);
SoupWebsocketConnection *lab_test_connect_path       (LabServer                *server,
                                                      const char               *path);
void                     lab_test_assert_receive     (SoupWebsocketConnection  *connection,
                                                      const char               *expected);
void                     lab_test_receive_until      (SoupWebsocketConnection  *connection,
                                                      const char               *expected);
void                     lab_test_close_and_wait     (SoupWebsocketConnection  *connection);
void                     lab_test_click              (SoupWebsocketConnection  *connection,
                                                      LabAction                 action,
                                                      gint64                    expected_value);
void                     lab_test_server_shutdown    (LabServer                *server);

typedef struct
{
  LabServer *server;
} LabTestServerFixture;

void                     lab_test_server_fixture_setup    (LabTestServerFixture *fixture,
                                                           gconstpointer         data);
void                     lab_test_server_fixture_teardown (LabTestServerFixture *fixture,
                                                           gconstpointer         data);
SoupWebsocketConnection *lab_test_fixture_connect         (LabTestServerFixture *fixture,
                                                           const char           *path);

/* g_test_add() for a test that gets a started server */
#define LAB_TEST_ADD_WITH_SERVER(path, func) \
  g_test_add (path, LabTestServerFixture, NULL, lab_test_server_fixture_setup, func, \
              lab_test_server_fixture_teardown)
guint                    lab_test_soup_server_listen (SoupServer               *server);
guint                    lab_test_listen_loopback    (GSocketListener          *listener);
void                     lab_test_service_free       (gpointer                  service);
guint                    lab_test_http_get           (LabServer                *server,
                                                      const char               *method,
                                                      const char               *path,
                                                      char                    **body);
guint                    lab_test_fetch              (SoupSession              *session,
                                                      const char               *method,
                                                      const char               *url,
                                                      char                    **body);

/* A WebSocket client written by hand on a plain socket, for what libsoup's
 * client cannot do: send fragments, or stop reading. */
char                    *lab_test_raw_format_upgrade (guint                     port,
                                                      const char               *path);
GSocket                 *lab_test_raw_connect        (guint                     port,
                                                      const char               *path,
                                                      int                       receive_buffer);
char                    *lab_test_raw_request        (guint                     port,
                                                      const char               *request,
                                                      GSocket                 **socket_out);
void                     lab_test_raw_append_frame   (GByteArray               *frame,
                                                      guint8                    opcode,
                                                      gboolean                  fin,
                                                      const void               *payload,
                                                      gsize                     length);
void                     lab_test_raw_send_frame     (GSocket                  *socket,
                                                      guint8                    opcode,
                                                      gboolean                  fin,
                                                      const void               *payload,
                                                      gsize                     length);
gboolean                 lab_test_raw_read_frame     (GSocket                  *socket,
                                                      guint8                   *opcode,
                                                      GBytes                  **payload);

/* A server's peers and the frames they captured */
LabPeer                 *lab_test_peer_at            (LabServer                *server,
                                                      guint                     position);
void                     lab_test_wait_frames        (GListModel               *frames,
                                                      guint                     n);
LabFrame                *lab_test_nth_frame          (GListModel               *frames,
                                                      LabFrameDirection         direction,
                                                      guint                     nth);
guint                    lab_test_count_direction    (GListModel               *frames,
                                                      LabFrameDirection         direction);
void                     lab_test_wait_incoming      (GListModel               *frames,
                                                      guint                     n);

/* A child process (the headless server, a Python peer) whose output lines,
 * standard error merged in, are collected as they come. */
typedef struct _LabTestProcess LabTestProcess;

LabTestProcess          *lab_test_process_spawn      (const char * const       *argv,
                                                      const char               *stdin_text);
LabTestProcess          *lab_test_process_spawn_in   (const char * const       *argv,
                                                      const char * const       *environment);
gboolean                 lab_test_process_has_exited (LabTestProcess           *process);
const char              *lab_test_process_wait_line  (LabTestProcess           *process,
                                                      const char               *substring);
gboolean                 lab_test_process_has_line   (LabTestProcess           *process,
                                                      const char               *substring);
guint                    lab_test_process_wait_listening (LabTestProcess       *process);
int                      lab_test_process_wait_exit  (LabTestProcess           *process);
void                     lab_test_process_signal     (LabTestProcess           *process,
                                                      int                       signal_number);
char                    *lab_test_process_dup_output (LabTestProcess           *process);
void                     lab_test_process_free       (LabTestProcess           *process);
const char              *lab_test_websocket_lab      (void);
const char              *lab_test_python             (void);
char                    *lab_test_interop_script     (const char               *name);
gboolean                 lab_test_require_python_websockets (void);
LabTestProcess          *lab_test_headless_start     (guint                    *port,
                                                      const char               *first_option,
                                                      ...);
void                     lab_test_headless_stop      (LabTestProcess           *server);

gboolean                 lab_test_require_zbarimg    (void);
char                    *lab_test_qr_decode_image    (const char               *path);
char                    *lab_test_qr_decode_terminal (const char               *drawing);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTestProcess, lab_test_process_free)

/* Many counter clients joining at once, as a class does. */
typedef struct _LabTestCrowd LabTestCrowd;

LabTestCrowd            *lab_test_crowd_join         (const char               *url,
                                                      guint                     size);
void                     lab_test_crowd_wait_all_see (LabTestCrowd             *crowd,
                                                      guint                     users,
                                                      gint64                    value);
guint                    lab_test_crowd_count_users_messages
                                                     (LabTestCrowd             *crowd);
void                     lab_test_crowd_send         (LabTestCrowd             *crowd,
                                                      guint                     member,
                                                      const char               *text);
void                     lab_test_crowd_free         (LabTestCrowd             *crowd);

/* Asynchronous results */
void                     lab_test_keep_result_cb     (GObject                  *object,
                                                      GAsyncResult             *result,
                                                      gpointer                  user_data);
GAsyncResult            *lab_test_wait_result        (GAsyncResult            **result);

G_END_DECLS
