/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-protocol.h"
#include "lab-test-utils.h"

/* The server facing a room of curious students, over real sockets: too
 * many tabs get 503, a silent socket is closed, a flooding script is closed
 * with 1008 while everyone else goes on, pages of other sites get 403, and
 * what is not JSON changes nothing. */

typedef LabTestServerFixture Fixture;

static void
apply_limits (LabServer  *server,
              guint       max_clients,
              guint       max_rate,
              guint       request_timeout,
              const char *allowed_origin)
{
  g_autoptr(LabServerConfig) config = lab_server_config_new ();

  config->max_clients = max_clients;
  config->max_rate = max_rate;
  config->request_timeout = request_timeout;
  if (allowed_origin != NULL)
    config->allowed_origins = g_strsplit (allowed_origin, " ", -1);
  lab_server_limits_apply_config (lab_server_get_limits (server), config);
}

/* An upgrade with @host and @origin (NULL: no such header); the response's
 * status line and headers. */
static char *
upgrade (LabServer   *server,
         const char  *host,
         const char  *origin,
         GSocket    **socket_out)
{
  guint port = lab_server_get_bound_port (server);
  g_autofree char *default_host = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *origin_line = origin != NULL ? g_strdup_printf ("Origin: %s\r\n", origin)
                                                : g_strdup ("");
  g_autofree char *request = g_strdup_printf ("GET / HTTP/1.1\r\n"
                                              "Host: %s\r\n"
                                              "%s"
                                              "Upgrade: websocket\r\n"
                                              "Connection: Upgrade\r\n"
                                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                              "Sec-WebSocket-Version: 13\r\n"
                                              "\r\n",
                                              host != NULL ? host : default_host, origin_line);

  return lab_test_raw_request (port, request, socket_out);
}

static guint
status_of (const char *response)
{
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 "));
  return (guint) g_ascii_strtoull (response + strlen ("HTTP/1.1 "), NULL, 10);
}

static gboolean
log_has (LabServer  *server,
         const char *text)
{
  GListModel *log = G_LIST_MODEL (lab_server_get_event_log (server));

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (log, i);
      g_autofree char *line = lab_event_describe (event);

      if (strstr (line, text) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_client_limit (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) first = NULL;
  g_autoptr(SoupWebsocketConnection) second = NULL;
  g_autoptr(SoupWebsocketConnection) later = NULL;
  g_autofree char *refused = NULL;

  apply_limits (fixture->server, 2, LAB_MAX_RATE_DEFAULT, LAB_REQUEST_TIMEOUT_DEFAULT, NULL);
  first = lab_test_fixture_connect (fixture, "/");
  second = lab_test_fixture_connect (fixture, "/");
  lab_test_receive_until (first, "{\"type\":\"users\",\"count\":2}");

  /* The third tab: 503, told when to retry, and the log says why. */
  refused = upgrade (fixture->server, NULL, NULL, NULL);
  g_assert_cmpuint (status_of (refused), ==, 503);
  g_assert_nonnull (strstr (refused, "\r\nRetry-After: "));
  g_assert_true (log_has (fixture->server, "the server is full (2 clients)"));
  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_peers (fixture->server)), ==, 2);

  /* One leaves; someone else gets in. */
  lab_test_close_and_wait (second);
  lab_test_receive_until (first, "{\"type\":\"users\",\"count\":1}");
  later = lab_test_fixture_connect (fixture, "/");
  lab_test_receive_until (first, "{\"type\":\"users\",\"count\":2}");

  lab_test_close_and_wait (first);
  lab_test_close_and_wait (later);
}

static gboolean
socket_closed_by_peer (gpointer data)
{
  char c;
  gssize n = g_socket_receive (data, &c, 1, NULL, NULL);

  return n == 0;
}

/* A socket that says nothing is closed at the deadline; one that spoke in
 * time stays. */
static void
test_silent_socket (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) silent = NULL;
  g_autoptr(SoupWebsocketConnection) talker = NULL;
  g_autoptr(GError) error = NULL;
  gint64 opened;

  apply_limits (fixture->server, LAB_MAX_CLIENTS_DEFAULT, LAB_MAX_RATE_DEFAULT, 1, NULL);
  talker = lab_test_fixture_connect (fixture, "/");
  lab_test_receive_until (talker, "{\"type\":\"state\",\"value\":0}");

  address = g_inet_socket_address_new (loopback, lab_server_get_bound_port (fixture->server));
  silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_connect (silent, address, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (silent, FALSE);
  opened = g_get_monotonic_time ();

  g_assert_true (lab_test_wait_until (socket_closed_by_peer, silent, 10000));
  /* Not before its second was up (the check runs once a second). */
  g_assert_cmpint (g_get_monotonic_time () - opened, >=, G_USEC_PER_SEC);
  g_assert_true (log_has (fixture->server, "no request within 1 second"));

  /* The one that sent its request long ago is still there. */
  g_assert_cmpint (soup_websocket_connection_get_state (talker), ==, SOUP_WEBSOCKET_STATE_OPEN);
  lab_test_click (talker, LAB_ACTION_PLUS, 1);
  lab_test_close_and_wait (talker);
}

/* A script in a loop is told, then closed with 1008; the class goes on. */
static void
test_flood (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) flooder = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) student = lab_test_fixture_connect (fixture, "/");
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  g_autofree char *last = NULL;
  gint64 value;
  gboolean told = FALSE;

  apply_limits (fixture->server, LAB_MAX_CLIENTS_DEFAULT, 10, LAB_REQUEST_TIMEOUT_DEFAULT, NULL);
  lab_test_receive_until (student, "{\"type\":\"users\",\"count\":2}");
  lab_test_receive_until (student, "{\"type\":\"state\",\"value\":0}");

  /* Burst of 50 (5 s at 10 a second), then over. */
  for (guint i = 0; i < 200; i++)
    soup_websocket_connection_send_text (flooder, plus);

  while (soup_websocket_connection_get_state (flooder) == SOUP_WEBSOCKET_STATE_OPEN ||
         lab_test_has_pending (flooder))
    {
      g_autofree char *text = NULL;

      if (!lab_test_has_pending (flooder))
        {
          lab_test_run_for (10);
          continue;
        }
      text = lab_test_receive (flooder);
      if (g_str_equal (text, "{\"type\":\"error\",\"message\":\"Too many messages: more than 10 a second\"}"))
        told = TRUE;
    }
  lab_test_wait_closed (flooder);
  g_assert_true (told);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (flooder), ==,
                    SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);

  /* The student heard every accepted click, and still counts. */
  value = lab_counter_get_value (lab_server_get_counter (fixture->server));
  g_assert_cmpint (value, >=, 50);
  g_assert_cmpint (value, <, 200);
  last = lab_protocol_format_state (value);
  lab_test_receive_until (student, last);
  lab_test_receive_until (student, "{\"type\":\"users\",\"count\":1}");
  lab_test_click (student, LAB_ACTION_PLUS, value + 1);
  lab_test_close_and_wait (student);
}

static void
assert_upgrade_status (LabServer  *server,
                       const char *host,
                       const char *origin,
                       guint       expected)
{
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *response = upgrade (server, host, origin, &socket);

  g_test_message ("Origin %s, Host %s: %s", origin, host, response);
  g_assert_cmpuint (status_of (response), ==, expected);
  if (socket != NULL)
    g_socket_close (socket, NULL);
}

static void
test_origin (Fixture       *fixture,
             gconstpointer  data)
{
  LabServer *server = fixture->server;
  guint port = lab_server_get_bound_port (server);
  g_autofree char *served = g_strdup_printf ("http://192.0.2.50:%u", port);
  g_autofree char *served_host = g_strdup_printf ("192.0.2.50:%u", port);
  g_autofree char *other_port = g_strdup_printf ("http://192.0.2.50:%u", port + 1);

  /* A native client; a page opened from a file; this server's own page
   * (Origin matches Host); pages on this computer, any port. */
  assert_upgrade_status (server, NULL, NULL, 101);
  assert_upgrade_status (server, NULL, "null", 101);
  assert_upgrade_status (server, served_host, served, 101);
  assert_upgrade_status (server, NULL, "http://localhost:3000", 101);
  assert_upgrade_status (server, NULL, "http://127.0.0.1:8080", 101);
  assert_upgrade_status (server, NULL, "https://[::1]:8443", 101);

  /* Another site, or this host on another port or scheme: 403, logged. */
  assert_upgrade_status (server, NULL, "https://evil.example", 403);
  g_assert_true (log_has (server, "Origin https://evil.example is not allowed"));
  assert_upgrade_status (server, served_host, other_port, 403);
  assert_upgrade_status (server, served_host, "https://192.0.2.50", 403);
  assert_upgrade_status (server, NULL, "http://localhost.evil.example", 403);
  assert_upgrade_status (server, NULL, "not an origin", 403);

  /* Listed, it may. */
  apply_limits (server, LAB_MAX_CLIENTS_DEFAULT, LAB_MAX_RATE_DEFAULT, LAB_REQUEST_TIMEOUT_DEFAULT,
                "https://friend.example");
  assert_upgrade_status (server, NULL, "https://friend.example", 101);
  assert_upgrade_status (server, NULL, "https://FRIEND.example:443", 101);
  assert_upgrade_status (server, NULL, "http://friend.example", 403);

  /* And with the check off, anyone may. */
  {
    g_autoptr(LabServerConfig) config = lab_server_config_new ();

    config->allow_any_origin = TRUE;
    lab_server_limits_apply_config (lab_server_get_limits (server), config);
    assert_upgrade_status (server, NULL, "https://evil.example", 101);
  }
}

/* Only RFC 8259 JSON is an action: the single quotes json-glib alone would
 * take get the error reply, and nobody hears of a change. */
static void
test_strict_json (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) other = NULL;
  LabCounter *counter = lab_server_get_counter (fixture->server);
  const char *not_json[] = {
    "{'action':'plus'}",
    "{\"action\":\"plus\",}",
    "{\"action\":\"plus\"} // again",
  };

  /* One greeting at a time: two joins in one turn are greeted together. */
  lab_test_receive_until (client, "{\"type\":\"state\",\"value\":0}");
  other = lab_test_fixture_connect (fixture, "/");
  lab_test_receive_until (client, "{\"type\":\"users\",\"count\":2}");
  lab_test_receive_until (other, "{\"type\":\"state\",\"value\":0}");

  for (guint i = 0; i < G_N_ELEMENTS (not_json); i++)
    {
      g_autofree char *reply = NULL;

      soup_websocket_connection_send_text (client, not_json[i]);
      reply = lab_test_receive (client);
      g_assert_true (g_str_has_prefix (reply, "{\"type\":\"error\",\"message\":\"Message is not valid JSON"));
      g_assert_cmpint (lab_counter_get_value (counter), ==, 0);
    }

  /* The other client heard nothing; a real action still works. */
  g_assert_false (lab_test_has_pending (other));
  lab_test_click (client, LAB_ACTION_PLUS, 1);
  lab_test_assert_receive (other, "{\"type\":\"state\",\"value\":1}");

  lab_test_close_and_wait (client);
  lab_test_close_and_wait (other);
}

static void
test_origin_texts (void)
{
  const char *good[] = { "https://example.org", "http://192.168.1.20:8000", "http://[fd00::2]:80",
                         "https://example.org/" };
  const char *bad[] = { "example.org", "ftp://example.org", "https://example.org/page",
                        "https://user@example.org", "", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (lab_server_limits_check_origin_text (good[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (lab_server_limits_check_origin_text (bad[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

int
main (int    argc,
      char **argv)
{
  lab_test_init (&argc, &argv);

#define ADD LAB_TEST_ADD_WITH_SERVER
  ADD ("/admission/client-limit", test_client_limit);
  ADD ("/admission/silent-socket", test_silent_socket);
  ADD ("/admission/flood", test_flood);
  ADD ("/admission/origin", test_origin);
  ADD ("/admission/strict-json", test_strict_json);
#undef ADD
  g_test_add_func ("/admission/origin-texts", test_origin_texts);

  return g_test_run ();
}
