/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "lab-client.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"
#include "lab-timestamp.h"

/* The headless server against Debian's python3-websockets running the
 * tutorial's clients, as separate processes; and LabClient against the
 * tutorial's own servers. The tutorial's scripts hard-code ports 5678, 6789
 * and 8765: those tests need the ports free, and fail (never skip) if some
 * other program holds one. */

/* A port held by a manual run of the app may be let go in a moment. */
#define PORT_FREE_TIMEOUT_MS 15000

/* For conditions no event announces: checks every 100 ms, the main loop running meanwhile. */
static gboolean
poll_until (LabTestCondition condition,
            gpointer         data,
            guint            timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      lab_test_run_for (100);
    }

  return TRUE;
}

static gboolean
port_is_free_on (const char *host,
                 guint       port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, port);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  if (socket == NULL)
    return TRUE;  /* no IPv6 here: nothing can hold ::1 either */

  /* Reuse as servers do: a connection of a previous test in TIME_WAIT is no obstacle. */
  if (g_socket_bind (socket, socket_address, TRUE, &error))
    return TRUE;

  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
}

static gboolean
ports_are_free (gpointer data)
{
  const guint *ports = data;

  for (guint i = 0; ports[i] != 0; i++)
    if (!port_is_free_on ("127.0.0.1", ports[i]) || !port_is_free_on ("::1", ports[i]))
      return FALSE;

  return TRUE;
}

/* @ports: zero-terminated. Returns: FALSE, with the test failed, if one stays taken */
static gboolean
require_free_ports (const guint *ports,
                    const char  *who)
{
  if (poll_until (ports_are_free, (gpointer) ports, PORT_FREE_TIMEOUT_MS))
    return TRUE;

  for (guint i = 0; ports[i] != 0; i++)
    if (!port_is_free_on ("127.0.0.1", ports[i]) || !port_is_free_on ("::1", ports[i]))
      g_test_fail_printf ("Port %u on this computer is in use by another program, but it must "
                          "be free for %s: stop that program (ss -ltnp shows it) and run the "
                          "tests again", ports[i], who);
  return FALSE;
}

static gboolean
accepts_connections (gpointer data)
{
  guint port = GPOINTER_TO_UINT (data);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  if (connection == NULL)
    return FALSE;

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

/* The tutorial's servers print nothing when ready: wait until they accept. */
static void
wait_accepting (guint port)
{
  if (!poll_until (accepts_connections, GUINT_TO_POINTER (port), LAB_TEST_TIMEOUT_MS))
    g_error ("Nothing accepts connections on port %u: see the server's output above", port);
}

static LabTestProcess *
start_python_script (const char *name)
{
  g_autofree char *script = lab_test_interop_script (name);
  const char *argv[] = { lab_test_python (), script, NULL };

  return lab_test_process_spawn (argv, NULL);
}

static void
test_hello_client (void)
{
  g_autofree char *script = lab_test_interop_script ("hello_client.py");
  g_autofree char *url = NULL;
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(LabTestProcess) client = NULL;
  guint port;

  if (!lab_test_require_python_websockets ())
    return;

  server = lab_test_headless_start (&port, NULL);
  url = g_strdup_printf ("ws://localhost:%u/hello", port);

  {
    const char *argv[] = { lab_test_python (), script, url, NULL };

    client = lab_test_process_spawn (argv, "Ada\n");
  }

  g_assert_cmpint (lab_test_process_wait_exit (client), ==, 0);
  g_assert_true (lab_test_process_has_line (client, "> Ada"));
  g_assert_true (lab_test_process_has_line (client, "< Hello Ada!"));

  lab_test_process_wait_line (server, "left /hello (close code 1000");
  lab_test_headless_stop (server);
}

static void
test_two_counter_clients_in_sync (void)
{
  g_autofree char *script = lab_test_interop_script ("counter_client.py");
  g_autofree char *url = NULL;
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(LabTestProcess) clicker = NULL;
  g_autoptr(LabTestProcess) watcher = NULL;
  guint port;

  if (!lab_test_require_python_websockets ())
    return;

  server = lab_test_headless_start (&port, NULL);
  url = g_strdup_printf ("ws://127.0.0.1:%u/", port);

  {
    /* Clicks from one, once both are online; 3 is reached only at the end. */
    const char *clicker_argv[] = { lab_test_python (), script, url, "2", "plus,plus,minus,plus,plus", "3", NULL };
    const char *watcher_argv[] = { lab_test_python (), script, url, "2", "", "3", NULL };

    clicker = lab_test_process_spawn (clicker_argv, NULL);
    watcher = lab_test_process_spawn (watcher_argv, NULL);
  }

  g_assert_cmpint (lab_test_process_wait_exit (clicker), ==, 0);
  g_assert_cmpint (lab_test_process_wait_exit (watcher), ==, 0);

  g_assert_true (lab_test_process_has_line (clicker, "users 2"));
  g_assert_true (lab_test_process_has_line (watcher, "users 2"));
  g_assert_true (lab_test_process_has_line (watcher, "final 3"));
  g_assert_true (lab_test_process_has_line (clicker, "final 3"));
  g_assert_false (lab_test_process_has_line (watcher, "unsupported event"));

  lab_test_process_wait_line (server, "sent {\"action\": \"minus\"}");
  lab_test_headless_stop (server);
}

/* The tutorial's hello client as it is, ws://localhost:8765 and all. */
static void
test_tutorial_hello_client (void)
{
  static const guint classic_ports[] = { 5678, 8765, 0 };
  g_autofree char *script = lab_test_interop_script ("tutorial_hello_client.py");
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(LabTestProcess) client = NULL;

  if (!lab_test_require_python_websockets ())
    return;

  if (!require_free_ports (classic_ports, "websocket-lab --classic-ports"))
    return;

  {
    const char *argv[] = { lab_test_websocket_lab (), "--headless", "--port", "0",
                           "--classic-ports", NULL };

    server = lab_test_process_spawn (argv, NULL);
  }
  lab_test_process_wait_listening (server);
  lab_test_process_wait_line (server, "Listening on ws://127.0.0.1:8765/");

  {
    const char *argv[] = { lab_test_python (), script, NULL };

    client = lab_test_process_spawn (argv, "Ada\n");
  }

  g_assert_cmpint (lab_test_process_wait_exit (client), ==, 0);
  g_assert_true (lab_test_process_has_line (client, "> Ada"));
  g_assert_true (lab_test_process_has_line (client, "< Hello Ada!"));

  lab_test_process_wait_line (server, "Sent Hello Ada! to #1");
  lab_test_process_wait_line (server, "left / (hello) (close code 1000");
  lab_test_headless_stop (server);
}

/* Conditions on a LabClient */

typedef struct
{
  LabClient *client;
  guint      n_timestamps;
} TimestampsExpect;

static gboolean
client_has_timestamps (gpointer data)
{
  TimestampsExpect *expect = data;

  return g_list_model_get_n_items (lab_client_get_timestamps (expect->client)) >=
         expect->n_timestamps;
}

static void
assert_timestamp (const char *text)
{
  g_autoptr(GRegex) iso = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$",
                                       0, 0, NULL);

  if (!g_regex_match (iso, text, 0, NULL))
    g_error ("Not an ISO-8601 UTC timestamp: “%s”", text);
}

/* LabClient against the tutorial's time server as it is, and its counter
 * server with only the Python 3.11 fix: what the client pane shows. */
static void
test_lab_client_tutorial_servers (void)
{
  static const guint tutorial_ports[] = { 5678, 6789, 0 };
  g_autofree char *watcher_script = lab_test_interop_script ("counter_client.py");
  g_autoptr(LabTestProcess) time_server = NULL;
  g_autoptr(LabTestProcess) counter_server = NULL;
  g_autoptr(LabTestProcess) watcher = NULL;
  g_autoptr(LabClient) client = NULL;
  TimestampsExpect expect = { 0 };
  GListModel *timestamps;

  if (!lab_test_require_python_websockets ())
    return;

  if (!require_free_ports (tutorial_ports, "the tutorial's time and counter servers"))
    return;

  time_server = start_python_script ("time_server.py");
  counter_server = start_python_script ("counter_server.py");
  wait_accepting (5678);
  wait_accepting (6789);

  client = lab_client_new ("ws://127.0.0.1:6789/", "ws://127.0.0.1:5678/");
  lab_client_connect (client);

  /* The tutorial's counter starts at 0, and this client is alone. */
  lab_test_wait_client_value (client, 0);
  lab_test_wait_client_users (client, 1);

  /* A second user: the tutorial's server tells everyone. The watcher leaves
   * once it has seen the value this client's plus makes. */
  {
    const char *argv[] = { lab_test_python (), watcher_script, "ws://127.0.0.1:6789/", "2", "", "1",
                           NULL };

    watcher = lab_test_process_spawn (argv, NULL);
  }
  lab_test_wait_client_users (client, 2);

  g_assert_true (lab_client_plus (client));
  lab_test_wait_client_value (client, 1);

  g_assert_cmpint (lab_test_process_wait_exit (watcher), ==, 0);
  g_assert_true (lab_test_process_has_line (watcher, "users 2"));
  g_assert_true (lab_test_process_has_line (watcher, "final 1"));
  lab_test_wait_client_users (client, 1);

  g_assert_true (lab_client_minus (client));
  lab_test_wait_client_value (client, 0);

  /* The time server pushes at random intervals of up to 3 s. */
  expect.client = client;
  expect.n_timestamps = 2;
  g_assert_true (lab_test_wait_until (client_has_timestamps, &expect, LAB_TEST_TIMEOUT_MS));

  timestamps = lab_client_get_timestamps (client);
  {
    g_autoptr(LabTimestamp) newest = g_list_model_get_item (timestamps, 0);
    g_autoptr(LabTimestamp) older = g_list_model_get_item (timestamps, 1);
    const char *newest_text = lab_timestamp_get_text (newest);
    const char *older_text = lab_timestamp_get_text (older);

    assert_timestamp (newest_text);
    assert_timestamp (older_text);
    /* Newest first; ISO-8601 sorts as text. */
    g_assert_cmpstr (newest_text, >=, older_text);
  }

  lab_client_disconnect (client);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
  lab_test_run_for (100);
  /* The tutorial's servers run until killed: lab_test_process_free() does it. */
}

/* Skip Pongs against the tutorial's counter server with its keepalive on:
 * websockets closes with 1011 once a ping goes unanswered. */
static void
test_skip_pongs_tutorial_keepalive (void)
{
  g_autofree char *script = lab_test_interop_script ("counter_server_keepalive.py");
  g_autofree char *port_text = NULL;
  g_autofree char *url = NULL;
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(LabClient) client = NULL;
  guint port;

  if (!lab_test_require_python_websockets ())
    return;

  port = lab_test_free_port ();
  port_text = g_strdup_printf ("%u", port);
  {
    const char *argv[] = { lab_test_python (), script, port_text, NULL };

    server = lab_test_process_spawn (argv, NULL);
  }
  wait_accepting (port);

  url = g_strdup_printf ("ws://127.0.0.1:%u/", port);
  client = lab_client_new (url, NULL);
  lab_client_set_keepalive_interval (client, 0);
  lab_client_connect (client);
  lab_test_wait_client_value (client, 0);

  /* Pongs answered: the connection outlives a few pings. */
  lab_test_run_for (2500);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);

  lab_client_set_skip_pongs (client, TRUE);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpuint (lab_client_get_close_code_received (client), ==, 1011);
  g_assert_cmpstr (lab_client_get_close_reason_received (client), ==, "keepalive ping timeout");

  lab_client_disconnect (client);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/interop/python/hello-client", test_hello_client);
  g_test_add_func ("/interop/python/two-counter-clients-in-sync", test_two_counter_clients_in_sync);
  g_test_add_func ("/interop/tutorial/hello-client-on-classic-ports", test_tutorial_hello_client);
  g_test_add_func ("/interop/tutorial/lab-client-on-tutorial-servers", test_lab_client_tutorial_servers);
  g_test_add_func ("/interop/tutorial/skip-pongs-keepalive-1011",
                   test_skip_pongs_tutorial_keepalive);

  return g_test_run ();
}
