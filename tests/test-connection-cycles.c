/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "lab-peer.h"
#include "lab-server-private.h"
#include "lab-tls.h"
#include "lab-test-utils.h"

/* Clients joining and leaving all day, as a classroom server sees them: each
 * kind of connection opened and closed a few hundred times must give back all
 * it took. Every socket the server accepted must be gone at the end (a stream
 * kept anywhere keeps its socket); CI also runs this under valgrind
 * (`meson test --setup valgrind`), where any other leak fails. */

/* Enough for a per-connection leak to stand out, quick enough under valgrind. */
#define N_CYCLES 300
/* Under valgrind a TLS connection costs half a second (glib-networking reads
 * the system's CA list for each one, on both ends). */
#define N_TLS_CYCLES 200

/* Clients that connect before the server runs its main loop once. */
#define N_JOIN_STORM 300

typedef struct
{
  char            *certificate_file;
  GTlsCertificate *certificate;
  GTlsDatabase    *database;
  LabServer       *server;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  gboolean tls = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;

  fixture->server = lab_server_new ();
  lab_server_set_port (fixture->server, 0);

  if (tls)
    {
      g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "tls", NULL);
      g_autofree char *key_file = NULL;

      lab_tls_generate (directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                        &fixture->certificate_file, &key_file, &error);
      g_assert_no_error (error);
      fixture->certificate = lab_tls_load (fixture->certificate_file, key_file, &error);
      g_assert_no_error (error);
      fixture->database = g_tls_file_database_new (fixture->certificate_file, &error);
      g_assert_no_error (error);
      lab_server_set_tls_certificate (fixture->server, fixture->certificate);
    }

  lab_server_start (fixture->server, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  lab_test_server_shutdown (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->database);
  g_clear_object (&fixture->certificate);
  g_clear_pointer (&fixture->certificate_file, g_free);
}

/* A new session each time: a new connection, as from another student's phone. */
static SoupSession *
session_new (Fixture *fixture)
{
  if (fixture->database != NULL)
    return soup_session_new_with_options ("tls-database", fixture->database, NULL);

  return soup_session_new ();
}

static char *
url_for (Fixture    *fixture,
         const char *scheme,
         const char *host,
         const char *path)
{
  return g_strdup_printf ("%s%s://%s:%u%s",
                          scheme, fixture->certificate != NULL ? "s" : "",
                          host, lab_server_get_bound_port (fixture->server), path);
}

static gboolean
no_peers (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (lab_server_get_peers (fixture->server)) == 0;
}

static gboolean
no_sockets (gpointer data)
{
  Fixture *fixture = data;

  return _lab_server_get_n_sockets (fixture->server) == 0;
}

/* Every peer has left, and every socket accepted for one is gone. */
static void
assert_all_given_back (Fixture *fixture)
{
  g_assert_true (lab_test_wait_until (no_peers, fixture, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (fixture->server)), ==, 0);

  /* libsoup lets go of a page's connection a little after the response. */
  lab_test_wait_until (no_sockets, fixture, LAB_TEST_TIMEOUT_MS);
  g_assert_cmpuint (_lab_server_get_n_sockets (fixture->server), ==, 0);
}

static void
websocket_cycle (Fixture    *fixture,
                 const char *url)
{
  g_autoptr(SoupSession) session = session_new (fixture);
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *users = NULL;

  connection = lab_test_connect_with (session, url, &error);
  g_assert_no_error (error);

  /* The server has taken the connection over once it speaks. */
  users = lab_test_receive (connection);
  g_assert_true (g_str_has_prefix (users, "{\"type\":\"users\""));
  g_assert_cmpuint (_lab_server_get_n_sockets (fixture->server), >=, 1);

  soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  lab_test_wait_closed (connection);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (connection), ==,
                    SOUP_WEBSOCKET_CLOSE_NORMAL);
}

static void
page_cycle (Fixture    *fixture,
            const char *url)
{
  g_autoptr(SoupSession) session = session_new (fixture);
  g_autofree char *body = NULL;

  g_assert_cmpuint (lab_test_fetch (session, "GET", url, &body), ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (body, "<html"));
}

static void
test_websocket_clean_close (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "ws", "127.0.0.1", "/");

  for (guint i = 0; i < N_CYCLES; i++)
    websocket_cycle (fixture, url);

  assert_all_given_back (fixture);
}

static void
test_websocket_reset_by_peer (Fixture       *fixture,
                              gconstpointer  data)
{
  guint port = lab_server_get_bound_port (fixture->server);

  for (guint i = 0; i < N_CYCLES; i++)
    {
      g_autoptr(GSocket) socket = lab_test_raw_connect (port, "/", 0);
      g_autoptr(GBytes) payload = NULL;
      struct linger reset = { .l_onoff = 1, .l_linger = 0 };
      guint8 opcode;

      g_assert_true (lab_test_raw_read_frame (socket, &opcode, &payload));

      /* A zero linger time makes close() send RST: a phone dropping off the Wi-Fi. */
      g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER,
                                   &reset, sizeof reset), ==, 0);
      g_socket_close (socket, NULL);
      g_assert_true (lab_test_wait_until (no_peers, fixture, LAB_TEST_TIMEOUT_MS));
    }

  assert_all_given_back (fixture);
}

static void
test_http_page (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "http", "127.0.0.1", "/");

  for (guint i = 0; i < N_CYCLES; i++)
    page_cycle (fixture, url);

  assert_all_given_back (fixture);
}

static void
test_tls (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *websocket_url = url_for (fixture, "ws", "127.0.0.1", "/");
  g_autofree char *page_url = url_for (fixture, "http", "127.0.0.1", "/");

  g_assert_true (g_str_has_prefix (websocket_url, "wss://"));

  /* One port, both kinds, as a browser uses it. */
  for (guint i = 0; i < N_TLS_CYCLES; i++)
    {
      if (i % 2 == 0)
        websocket_cycle (fixture, websocket_url);
      else
        page_cycle (fixture, page_url);
    }

  assert_all_given_back (fixture);
}

/* What Connected Clients shows: the address and port the peer came from. */
static void
assert_remote_address (Fixture    *fixture,
                       const char *host,
                       const char *expected_prefix)
{
  g_autofree char *url = url_for (fixture, "ws", host, "/");
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(LabPeer) peer = NULL;
  g_autoptr(GError) error = NULL;
  const char *address;

  connection = lab_test_connect (url, &error);
  g_assert_no_error (error);
  g_free (lab_test_receive (connection));

  peer = g_list_model_get_item (lab_server_get_peers (fixture->server), 0);
  address = lab_peer_get_remote_address (peer);
  g_test_message ("%s came from %s", url, address);
  g_assert_true (g_str_has_prefix (address, expected_prefix));
  g_assert_cmpuint (g_ascii_strtoull (address + strlen (expected_prefix), NULL, 10), >, 0);

  soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  lab_test_wait_closed (connection);
}

static gboolean
has_ipv6_loopback (guint port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, NULL);

  return probe != NULL && g_socket_connect (probe, address, NULL, NULL);
}

static void
test_remote_address (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_remote_address (fixture, "127.0.0.1", "127.0.0.1:");

  if (has_ipv6_loopback (lab_server_get_bound_port (fixture->server)))
    assert_remote_address (fixture, "[::1]", "[::1]:");
  else
    g_test_message ("No IPv6 loopback here: IPv4 only");

  assert_all_given_back (fixture);
}

typedef struct
{
  GSocket *sockets[N_JOIN_STORM];
  GString *responses[N_JOIN_STORM];
} Storm;

static gboolean
storm_answered (gpointer data)
{
  Storm *storm = data;
  gboolean all = TRUE;

  for (guint i = 0; i < N_JOIN_STORM; i++)
    {
      char buffer[1024];
      gssize n;

      while ((n = g_socket_receive (storm->sockets[i], buffer, sizeof buffer, NULL, NULL)) > 0)
        g_string_append_len (storm->responses[i], buffer, n);

      if (!g_str_has_prefix (storm->responses[i]->str, "HTTP/1.1 200"))
        all = FALSE;
    }

  return all;
}

/* A class joining at once: the kernel queues every connection the server has
 * not accepted yet (a queue of 10 would leave most waiting for a SYN retry,
 * a second or more), and the server then serves them all. */
static void
test_join_storm (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char request[] = "GET /style.css HTTP/1.1\r\n"
                                "Host: 127.0.0.1\r\n"
                                "Connection: close\r\n"
                                "\r\n";
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  Storm storm = { 0 };
  gint64 start = g_get_monotonic_time ();

  address = g_inet_socket_address_new (loopback, lab_server_get_bound_port (fixture->server));

  for (guint i = 0; i < N_JOIN_STORM; i++)
    {
      g_autoptr(GError) error = NULL;

      storm.sockets[i] = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                       G_SOCKET_PROTOCOL_TCP, &error);
      g_assert_no_error (error);
      g_socket_set_blocking (storm.sockets[i], FALSE);
      storm.responses[i] = g_string_new (NULL);

      if (!g_socket_connect (storm.sockets[i], address, NULL, &error))
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
    }

  /* No main-loop turn yet: the handshakes complete in the kernel's queue alone. */
  for (guint i = 0; i < N_JOIN_STORM; i++)
    {
      g_autoptr(GError) error = NULL;

      g_socket_set_timeout (storm.sockets[i], 1);
      g_assert_true (g_socket_condition_wait (storm.sockets[i], G_IO_OUT, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_socket_check_connect_result (storm.sockets[i], &error));
      g_assert_no_error (error);
      g_socket_set_timeout (storm.sockets[i], 0);
    }
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  for (guint i = 0; i < N_JOIN_STORM; i++)
    g_assert_cmpint (g_socket_send (storm.sockets[i], request, strlen (request), NULL, NULL), ==,
                     strlen (request));

  g_assert_true (lab_test_wait_until (storm_answered, &storm, LAB_TEST_TIMEOUT_MS));
  g_test_message ("%u connections queued and served in %.2f s", N_JOIN_STORM,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  for (guint i = 0; i < N_JOIN_STORM; i++)
    {
      /* libsoup keeps no connection alive for a server that accepts its own. */
      g_assert_nonnull (strstr (storm.responses[i]->str, "\r\nConnection: close\r\n"));
      g_socket_close (storm.sockets[i], NULL);
      g_clear_object (&storm.sockets[i]);
      g_string_free (storm.responses[i], TRUE);
    }

  assert_all_given_back (fixture);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

#define add(path, tls, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (tls), fixture_setup, func, fixture_teardown)

  add ("/connection-cycles/websocket-clean-close", FALSE, test_websocket_clean_close);
  add ("/connection-cycles/websocket-reset-by-peer", FALSE, test_websocket_reset_by_peer);
  add ("/connection-cycles/http-page", FALSE, test_http_page);
  add ("/connection-cycles/tls", TRUE, test_tls);
  add ("/connection-cycles/remote-address", FALSE, test_remote_address);
  add ("/connection-cycles/join-storm", FALSE, test_join_storm);

#undef add

  return g_test_run ();
}
