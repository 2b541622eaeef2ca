/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lab-peer-private.h"
#include "lab-protocol.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* Where each request goes: hello, the time stream, the pages, a path that
 * is none of them, and the tutorial's classic ports. */

typedef LabTestServerFixture Fixture;

static void
test_hello (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = lab_test_fixture_connect (fixture, "/hello");
  g_autoptr(SoupWebsocketConnection) big = lab_test_fixture_connect (fixture, "/hello");
  g_autofree char *long_name = g_strnfill (LAB_PEER_MESSAGE_LIMIT + 1, 'n');

  soup_websocket_connection_send_text (client, "Ada Lovelace \xe2\x9c\x93");
  lab_test_assert_receive (client, "Hello Ada Lovelace \xe2\x9c\x93!");
  lab_test_wait_closed (client);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client), ==,
                    SOUP_WEBSOCKET_CLOSE_NORMAL);

  soup_websocket_connection_send_text (big, long_name);
  lab_test_wait_closed (big);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (big), ==,
                    SOUP_WEBSOCKET_CLOSE_TOO_BIG);
  g_assert_false (lab_test_has_pending (big));
}

static void
test_time (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = NULL;
  g_autoptr(GRegex) format = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$",
                                          0, 0, NULL);
  g_autoptr(GDateTime) previous = NULL;
  const double max = 0.2;

  /* The tutorial's pace by default; shortened here to keep the test quick. */
  g_assert_cmpfloat (lab_server_get_time_interval_max (fixture->server), ==, 3.0);
  lab_server_set_time_interval_max (fixture->server, max);
  client = lab_test_fixture_connect (fixture, "/time");

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *text = lab_test_receive (client);
      g_autoptr(GDateTime) stamp = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      g_assert_nonnull (text);
      g_assert_true (g_regex_match (format, text, 0, NULL));
      stamp = g_date_time_new_from_iso8601 (text, NULL);
      g_assert_nonnull (stamp);
      g_assert_cmpint (g_date_time_get_utc_offset (stamp), ==, 0);

      /* Stamps are the time of sending: never in the future, never going back. */
      g_assert_cmpint (g_date_time_difference (now, stamp), >=, 0);
      if (previous != NULL)
        g_assert_cmpint (g_date_time_difference (stamp, previous), >=, 0);

      g_clear_pointer (&previous, g_date_time_unref);
      previous = g_steal_pointer (&stamp);
    }

  lab_test_close_and_wait (client);
}

static void
test_time_intervals (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = NULL;
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (GTimeSpan));
  g_autoptr(GDateTime) previous = NULL;
  const double max = 0.3;
  GTimeSpan smallest = G_MAXINT64;
  GTimeSpan largest = 0;

  lab_server_set_time_interval_max (fixture->server, max);
  client = lab_test_fixture_connect (fixture, "/time");

  for (guint i = 0; i < 21; i++)
    {
      g_autofree char *text = lab_test_receive (client);
      g_autoptr(GDateTime) stamp = g_date_time_new_from_iso8601 (text, NULL);

      if (previous != NULL)
        {
          GTimeSpan gap = g_date_time_difference (stamp, previous);

          smallest = MIN (smallest, gap);
          largest = MAX (largest, gap);
        }
      g_clear_pointer (&previous, g_date_time_unref);
      previous = g_steal_pointer (&stamp);
    }

  /* Drawn in [0, max]: the server's own stamps show the gaps it chose (a busy
   * machine only adds a little to each), and random ones are not all equal. */
  g_assert_cmpint (largest, <=, (GTimeSpan) (max * G_TIME_SPAN_SECOND) + 250 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (smallest, <, largest);

  lab_test_close_and_wait (client);
}

static void
test_http (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *index = NULL;
  g_autofree char *time_page = NULL;
  g_autofree char *not_found = NULL;

  g_assert_cmpuint (lab_test_http_get (fixture->server, "GET", "/", &index), ==, 200);
  g_assert_nonnull (strstr (index, "<!DOCTYPE html>"));
  g_assert_nonnull (strstr (index, "counter.js"));
  g_assert_cmpuint (lab_test_http_get (fixture->server, "GET", "/time.html", &time_page), ==, 200);
  g_assert_nonnull (strstr (time_page, "time.js"));
  g_assert_cmpuint (lab_test_http_get (fixture->server, "GET", "/style.css", NULL), ==, 200);
  g_assert_cmpuint (lab_test_http_get (fixture->server, "GET", "/counter.js", NULL), ==, 200);
  g_assert_cmpuint (lab_test_http_get (fixture->server, "HEAD", "/", NULL), ==, 200);

  g_assert_cmpuint (lab_test_http_get (fixture->server, "GET", "/nope", &not_found), ==, 404);
  g_assert_cmpuint (lab_test_http_get (fixture->server, "GET", "/../etc/passwd", NULL), ==, 404);
  g_assert_cmpuint (lab_test_http_get (fixture->server, "POST", "/", NULL), ==, 405);
  g_assert_cmpuint (lab_test_http_get (fixture->server, "DELETE", "/time.html", NULL), ==, 405);
  /* A WebSocket endpoint asked for without an upgrade says what it is. */
  g_assert_cmpuint (lab_test_http_get (fixture->server, "GET", "/time", NULL), ==, 426);
  g_assert_cmpuint (lab_test_http_get (fixture->server, "GET", "/hello", NULL), ==, 426);
}

static void
test_unknown_path_refuses_upgrade (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *url = lab_test_url (fixture->server, "/chat");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) connection = lab_test_connect (url, &error);

  g_assert_null (connection);
  g_assert_error (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET);
}

static gboolean
port_is_free (guint port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  return g_socket_bind (socket, address, TRUE, NULL);
}

static void
test_classic_ports (void)
{
  g_autoptr(LabServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) time_client = NULL;
  g_autoptr(SoupWebsocketConnection) hello = NULL;
  g_autoptr(GDateTime) stamp = NULL;
  g_autofree char *text = NULL;

  if (!port_is_free (LAB_CLASSIC_TIME_PORT) || !port_is_free (LAB_CLASSIC_HELLO_PORT))
    {
      g_test_skip ("Port 5678 or 8765 is taken by another program on this machine");
      return;
    }

  server = lab_server_new ();
  lab_server_set_port (server, 0);
  lab_server_set_classic_ports (server, TRUE);
  lab_server_set_time_interval_max (server, 0.1);
  lab_server_start (server, &error);
  g_assert_no_error (error);

  /* The tutorial's URLs, unchanged. */
  time_client = lab_test_connect ("ws://127.0.0.1:5678/", &error);
  g_assert_no_error (error);
  text = lab_test_receive (time_client);
  stamp = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (stamp);

  /* The log says which endpoint "/" was on that port. */
  {
    GListModel *log = G_LIST_MODEL (lab_server_get_event_log (server));
    gboolean found = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (log); i++)
      {
        g_autoptr(LabEvent) event = g_list_model_get_item (log, i);

        if (lab_event_get_kind (event) == LAB_EVENT_JOIN)
          found = g_str_equal (lab_event_get_path (event), "/ (time)");
      }
    g_assert_true (found);
  }

  hello = lab_test_connect ("ws://localhost:8765/", &error);
  g_assert_no_error (error);
  soup_websocket_connection_send_text (hello, "Grace");
  lab_test_assert_receive (hello, "Hello Grace!");
  lab_test_wait_closed (hello);

  lab_test_close_and_wait (time_client);
  lab_test_server_shutdown (server);

  /* A classic port in use fails the whole start, naming the port. */
  {
    g_autoptr(LabServer) first = lab_server_new ();
    g_autoptr(LabServer) second = lab_server_new ();

    lab_server_set_port (first, LAB_CLASSIC_HELLO_PORT);
    lab_server_start (first, &error);
    g_assert_no_error (error);

    lab_server_set_port (second, 0);
    lab_server_set_classic_ports (second, TRUE);
    g_assert_false (lab_server_start (second, &error));
    g_assert_error (error, LAB_SERVER_ERROR, LAB_SERVER_ERROR_CLASSIC_PORT_IN_USE);
    g_assert_nonnull (strstr (error->message, "8765"));
    g_assert_false (lab_server_get_running (second));
    g_assert_true (port_is_free (LAB_CLASSIC_TIME_PORT));

    lab_server_stop (first);
  }
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

#define ADD LAB_TEST_ADD_WITH_SERVER
  ADD ("/server/hello", test_hello);
  ADD ("/server/time/format", test_time);
  ADD ("/server/time/intervals", test_time_intervals);
  ADD ("/server/http", test_http);
  ADD ("/server/unknown-path-refuses-upgrade", test_unknown_path_refuses_upgrade);
#undef ADD
  g_test_add_func ("/server/classic-ports", test_classic_ports);

  return g_test_run ();
}
