/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-protocol.h"
#include "lab-test-utils.h"

void
lab_test_init (int    *argc,
               char ***argv)
{
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
lab_test_wait_until (LabTestCondition condition,
                     gpointer         data,
                     guint            timeout_ms)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (source);

  return condition (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
lab_test_run_for (guint milliseconds)
{
  lab_test_wait_until (never, NULL, milliseconds);
}

LabServer *
lab_test_server_new_started (void)
{
  g_autoptr(LabServer) server = lab_server_new ();
  g_autoptr(GError) error = NULL;

  lab_server_set_port (server, 0);
  lab_server_start (server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab_server_get_bound_port (server), >, 0);

  return g_steal_pointer (&server);
}

/* For tests that click faster than any person on purpose: no message rate. */
void
lab_test_server_set_max_rate (LabServer *server,
                              guint      max_rate)
{
  g_autoptr(LabServerConfig) config = lab_server_config_new ();

  config->max_rate = max_rate;
  lab_server_limits_apply_config (lab_server_get_limits (server), config);
}

char *
lab_test_url (LabServer  *server,
              const char *path)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s",
                          lab_server_get_tls_certificate (server) ? "wss" : "ws",
                          lab_server_get_bound_port (server), path);
}

typedef struct
{
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 done;
} ConnectData;

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConnectData *data = user_data;

  data->connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result,
                                                            &data->error);
  data->done = TRUE;
}

static gboolean
connect_done (gpointer data)
{
  return ((ConnectData *) data)->done;
}

static void
queue_message_cb (SoupWebsocketConnection *connection,
                  SoupWebsocketDataType    type,
                  GBytes                  *message,
                  gpointer                 user_data)
{
  GQueue *queue = g_object_get_data (G_OBJECT (connection), "lab-test-queue");
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_queue_push_tail (queue, g_strndup (data, size));
}

static void
free_queue (gpointer data)
{
  g_queue_free_full (data, g_free);
}

SoupWebsocketConnection *
lab_test_connect (const char  *url,
                  GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();

  return lab_test_connect_with (session, url, error);
}

/* As lab_test_connect(), through @session (to trust a test certificate, say). */
SoupWebsocketConnection *
lab_test_connect_with (SoupSession  *session,
                       const char   *url,
                       GError      **error)
{
  return lab_test_connect_with_origin (session, url, NULL, error);
}

/* As lab_test_connect_with(), sending @origin as a browser's page does. */
SoupWebsocketConnection *
lab_test_connect_with_origin (SoupSession  *session,
                              const char   *url,
                              const char   *origin,
                              GError      **error)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  ConnectData data = { 0 };

  soup_session_websocket_connect_async (session, message, origin, NULL, G_PRIORITY_DEFAULT,
                                        NULL, connected_cb, &data);
  g_assert_true (lab_test_wait_until (connect_done, &data, LAB_TEST_TIMEOUT_MS));

  if (data.error != NULL)
    {
      g_propagate_error (error, data.error);
      return NULL;
    }

  /* Messages are queued from the start so none is missed between waits. */
  g_object_set_data_full (G_OBJECT (data.connection), "lab-test-queue", g_queue_new (), free_queue);
  g_signal_connect (data.connection, "message", G_CALLBACK (queue_message_cb), NULL);

  return data.connection;
}

/* Connects to @path of @server as a browser's page does: with the Origin
 * it was served from (the app's own clients send none). */
SoupWebsocketConnection *
lab_test_connect_as_page (LabServer  *server,
                          const char *path)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = lab_test_url (server, path);
  g_autofree char *origin = g_strdup_printf ("http://127.0.0.1:%u",
                                             lab_server_get_bound_port (server));
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = lab_test_connect_with_origin (session, url, origin, &error);
  g_assert_no_error (error);
  return connection;
}

gboolean
lab_test_has_pending (SoupWebsocketConnection *connection)
{
  GQueue *queue = g_object_get_data (G_OBJECT (connection), "lab-test-queue");

  return !g_queue_is_empty (queue);
}

static gboolean
has_pending_or_closed (gpointer data)
{
  SoupWebsocketConnection *connection = data;

  return lab_test_has_pending (connection) ||
         soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_CLOSED;
}

/* Returns: (transfer full) (nullable): the next text, or NULL once closed */
char *
lab_test_receive (SoupWebsocketConnection *connection)
{
  GQueue *queue = g_object_get_data (G_OBJECT (connection), "lab-test-queue");

  g_assert_true (lab_test_wait_until (has_pending_or_closed, connection, LAB_TEST_TIMEOUT_MS));

  return g_queue_pop_head (queue);
}

static gboolean
is_closed (gpointer data)
{
  return soup_websocket_connection_get_state (data) == SOUP_WEBSOCKET_STATE_CLOSED;
}

void
lab_test_wait_closed (SoupWebsocketConnection *connection)
{
  g_assert_true (lab_test_wait_until (is_closed, connection, LAB_TEST_TIMEOUT_MS));
}

/* A libsoup client of @server's @path; fails the test if it cannot connect. */
SoupWebsocketConnection *
lab_test_connect_path (LabServer  *server,
                       const char *path)
{
  g_autofree char *url = lab_test_url (server, path);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection = lab_test_connect (url, &error);

  g_assert_no_error (error);
  return connection;
}

void
lab_test_assert_receive (SoupWebsocketConnection *connection,
                         const char              *expected)
{
  g_autofree char *text = lab_test_receive (connection);

  g_assert_cmpstr (text, ==, expected);
}

/* Skips what comes before @expected; the wait for each message is bounded. */
void
lab_test_receive_until (SoupWebsocketConnection *connection,
                        const char              *expected)
{
  for (;;)
    {
      g_autofree char *text = lab_test_receive (connection);

      g_assert_nonnull (text);
      if (g_str_equal (text, expected))
        return;
    }
}

/* Closes cleanly and waits for the closing handshake to finish. */
void
lab_test_close_and_wait (SoupWebsocketConnection *connection)
{
  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  lab_test_wait_closed (connection);
}

/* Sends an action and waits for its state broadcast to come back. */
void
lab_test_click (SoupWebsocketConnection *connection,
                LabAction                action,
                gint64                   expected_value)
{
  g_autofree char *text = lab_protocol_format_action (action);
  g_autofree char *expected = lab_protocol_format_state (expected_value);

  soup_websocket_connection_send_text (connection, text);
  lab_test_assert_receive (connection, expected);
}

static void
shut_down_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (lab_server_shutdown_finish (LAB_SERVER (object), result, NULL));
  /* Done means every connection has closed, not that closing began. */
  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_peers (LAB_SERVER (object))), ==, 0);
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Stops @server and waits until every connection has closed. */
void
lab_test_server_shutdown (LabServer *server)
{
  gboolean done = FALSE;

  lab_server_shutdown_async (server, NULL, shut_down_cb, &done);
  g_assert_true (lab_test_wait_until (is_true, &done, LAB_TEST_TIMEOUT_MS));
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             SoupServer        *server)
{
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  if (local != NULL && remote != NULL)
    soup_server_accept_iostream (server, G_IO_STREAM (connection), local, remote, NULL);

  return TRUE;
}

/* Stops a test's own socket service and lets it go. */
void
lab_test_service_free (gpointer service)
{
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_object_unref (service);
}

/* Listens on 127.0.0.1, on a port the system picks.
 *
 * Returns: the port */
guint
lab_test_listen_loopback (GSocketListener *listener)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A libsoup server of a test's own on 127.0.0.1, accepting as LabServer does:
 * libsoup 3.2's listener loses a socket per connection, which the leak check
 * would count against the tests.
 *
 * Returns: the port */
guint
lab_test_soup_server_listen (SoupServer *server)
{
  GSocketService *service = g_socket_service_new ();
  guint port = lab_test_listen_loopback (G_SOCKET_LISTENER (service));

  g_signal_connect_object (service, "incoming", G_CALLBACK (incoming_cb), server, 0);
  g_object_set_data_full (G_OBJECT (server), "lab-test-service", service, lab_test_service_free);

  return port;
}

typedef struct
{
  GBytes  *body;
  GError  *error;
  gboolean done;
} GetData;

static void
got_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GetData *data = user_data;

  data->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &data->error);
  data->done = TRUE;
}

static gboolean
get_done (gpointer data)
{
  return ((GetData *) data)->done;
}

/* Returns: the HTTP status */
guint
lab_test_http_get (LabServer   *server,
                   const char  *method,
                   const char  *path,
                   char       **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s",
                                          lab_server_get_bound_port (server), path);

  return lab_test_fetch (session, method, url, body);
}

/* Returns: the HTTP status of @url, fetched through @session */
guint
lab_test_fetch (SoupSession  *session,
                const char   *method,
                const char   *url,
                char        **body)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  GetData data = { 0 };

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, got_cb, &data);
  g_assert_true (lab_test_wait_until (get_done, &data, LAB_TEST_TIMEOUT_MS));
  g_assert_no_error (data.error);

  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (data.body, NULL), g_bytes_get_size (data.body));
  g_bytes_unref (data.body);

  return soup_message_get_status (message);
}

/* A started server on an ephemeral port for each test of a suite. */
void
lab_test_server_fixture_setup (LabTestServerFixture *fixture,
                               gconstpointer         data)
{
  fixture->server = lab_test_server_new_started ();
}

void
lab_test_server_fixture_teardown (LabTestServerFixture *fixture,
                                  gconstpointer         data)
{
  /* Every closing handshake finished: nothing outlives the test. */
  lab_test_server_shutdown (fixture->server);
  g_clear_object (&fixture->server);
}

SoupWebsocketConnection *
lab_test_fixture_connect (LabTestServerFixture *fixture,
                          const char           *path)
{
  return lab_test_connect_path (fixture->server, path);
}

/* A port nobody listens on right now (another process may take it before the caller). */
guint
lab_test_free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any_port, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Asynchronous results */

/* A GAsyncReadyCallback: keeps the result where @user_data (a GAsyncResult **) points. */
void
lab_test_keep_result_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **kept = user_data;

  g_assert_null (*kept);
  *kept = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Returns: (transfer none): the result lab_test_keep_result_cb() kept, once it has */
GAsyncResult *
lab_test_wait_result (GAsyncResult **result)
{
  /* Long enough for an RSA key under valgrind. */
  g_assert_true (lab_test_wait_until (has_result, result, 3 * LAB_TEST_TIMEOUT_MS));
  return *result;
}
