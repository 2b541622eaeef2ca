/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lab-peer-private.h"
#include "lab-protocol.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* A real server on an ephemeral loopback port, real libsoup clients, and a
 * hand-written client for what libsoup's cannot do. */

typedef struct
{
  LabServer *server;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = lab_test_server_new_started ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  lab_server_stop (fixture->server);
  /* Let closing handshakes finish so nothing outlives the test. */
  lab_test_run_for (50);
  g_clear_object (&fixture->server);
}

static SoupWebsocketConnection *
connect_to (Fixture    *fixture,
            const char *path)
{
  g_autofree char *url = lab_test_url (fixture->server, path);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection = lab_test_connect (url, &error);

  g_assert_no_error (error);
  return connection;
}

static void
assert_receive (SoupWebsocketConnection *connection,
                const char              *expected)
{
  g_autofree char *text = lab_test_receive (connection);

  g_assert_cmpstr (text, ==, expected);
}

/* Skips what comes before @expected; the wait for each message is bounded. */
static void
receive_until (SoupWebsocketConnection *connection,
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

static void
close_and_wait (SoupWebsocketConnection *connection)
{
  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  lab_test_wait_closed (connection);
}

/* Sends an action and waits for its state broadcast to come back. */
static void
click (SoupWebsocketConnection *connection,
       LabAction                action,
       gint64                   expected_value)
{
  g_autofree char *text = lab_protocol_format_action (action);
  g_autofree char *expected = lab_protocol_format_state (expected_value);

  soup_websocket_connection_send_text (connection, text);
  assert_receive (connection, expected);
}

static void
test_counter_users_on_join_and_leave (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) a = connect_to (fixture, "/");
  g_autoptr(SoupWebsocketConnection) b = NULL;

  /* The tutorial's order: users to all, then the state to the newcomer. */
  assert_receive (a, "{\"type\":\"users\",\"count\":1}");
  assert_receive (a, "{\"type\":\"state\",\"value\":0}");

  b = connect_to (fixture, "/counter");
  assert_receive (b, "{\"type\":\"users\",\"count\":2}");
  assert_receive (b, "{\"type\":\"state\",\"value\":0}");
  assert_receive (a, "{\"type\":\"users\",\"count\":2}");
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (fixture->server)), ==, 2);

  close_and_wait (b);
  assert_receive (a, "{\"type\":\"users\",\"count\":1}");
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (fixture->server)), ==, 1);

  close_and_wait (a);
}

static void
test_counter_plus_minus_reach_everyone (Fixture       *fixture,
                                        gconstpointer  data)
{
  SoupWebsocketConnection *clients[3];

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      clients[i] = connect_to (fixture, i == 1 ? "/counter" : "/");
      g_free (lab_test_receive (clients[i]));  /* users */
      g_free (lab_test_receive (clients[i]));  /* state */
      for (guint j = 0; j < i; j++)
        g_free (lab_test_receive (clients[j]));  /* users again */
    }

  click (clients[0], LAB_ACTION_PLUS, 1);
  assert_receive (clients[1], "{\"type\":\"state\",\"value\":1}");
  assert_receive (clients[2], "{\"type\":\"state\",\"value\":1}");

  click (clients[2], LAB_ACTION_MINUS, 0);
  assert_receive (clients[0], "{\"type\":\"state\",\"value\":0}");
  assert_receive (clients[1], "{\"type\":\"state\",\"value\":0}");

  click (clients[1], LAB_ACTION_MINUS, -1);
  assert_receive (clients[0], "{\"type\":\"state\",\"value\":-1}");
  assert_receive (clients[2], "{\"type\":\"state\",\"value\":-1}");
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (fixture->server)), ==, -1);

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      close_and_wait (clients[i]);
      g_object_unref (clients[i]);
    }
}

static void
test_counter_burst_is_coalesced (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) clicker = connect_to (fixture, "/");
  g_autoptr(SoupWebsocketConnection) watcher = NULL;
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  guint states = 0;

  g_free (lab_test_receive (clicker));
  g_free (lab_test_receive (clicker));
  watcher = connect_to (fixture, "/");
  g_free (lab_test_receive (watcher));
  g_free (lab_test_receive (watcher));
  g_free (lab_test_receive (clicker));

  /* 50 clicks sent at once arrive in one read: the watcher gets the result
   * without 50 messages, and no click is lost. */
  for (guint i = 0; i < 50; i++)
    soup_websocket_connection_send_text (clicker, plus);

  for (;;)
    {
      g_autofree char *text = lab_test_receive (watcher);

      g_assert_nonnull (text);
      states++;
      if (g_str_equal (text, "{\"type\":\"state\",\"value\":50}"))
        break;
    }

  g_assert_cmpuint (states, <, 50);
  close_and_wait (clicker);
  close_and_wait (watcher);
}

static void
test_counter_bad_input (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char * const bad[] = {
    "plus",
    "{\"action\":\"reset\"}",
    "{\"action\":1}",
    "[]",
    "{}",
    "{\"action\":\"plus\"",
    "",
  };
  g_autoptr(SoupWebsocketConnection) sender = connect_to (fixture, "/");
  g_autoptr(SoupWebsocketConnection) other = NULL;

  g_free (lab_test_receive (sender));
  g_free (lab_test_receive (sender));
  other = connect_to (fixture, "/");
  g_free (lab_test_receive (other));
  g_free (lab_test_receive (other));
  g_free (lab_test_receive (sender));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *reply = NULL;
      LabServerEvent event;

      g_test_message ("sending: %s", bad[i]);
      soup_websocket_connection_send_text (sender, bad[i]);
      reply = lab_test_receive (sender);

      g_assert_true (lab_protocol_parse_server_event (reply, -1, &event, NULL));
      g_assert_cmpint (event.type, ==, LAB_SERVER_EVENT_ERROR);
      g_assert_cmpuint (strlen (event.message), >, 0);
      lab_server_event_clear (&event);
    }

  /* Nothing changed, the connection is kept, the other client heard nothing:
   * its next message is the state of the next real click. */
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (fixture->server)), ==, 0);
  click (sender, LAB_ACTION_PLUS, 1);
  assert_receive (other, "{\"type\":\"state\",\"value\":1}");

  close_and_wait (sender);
  close_and_wait (other);
}

static void
test_binary_closes_1003 (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = connect_to (fixture, "/");
  g_autoptr(SoupWebsocketConnection) other = connect_to (fixture, "/");

  soup_websocket_connection_send_binary (client, "\x01\x02", 2);
  lab_test_wait_closed (client);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client), ==,
                    SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA);

  /* The server is still there for everyone else. */
  g_assert_cmpint (soup_websocket_connection_get_state (other), ==, SOUP_WEBSOCKET_STATE_OPEN);
  receive_until (other, "{\"type\":\"users\",\"count\":1}");
  click (other, LAB_ACTION_PLUS, 1);
  close_and_wait (other);
}

static char *
padded_action (gsize size)
{
  /* {"action":"plus","pad":"xxx…"} of exactly @size bytes */
  const char *head = "{\"action\":\"plus\",\"pad\":\"";
  gsize fill = size - strlen (head) - 2;
  g_autofree char *pad = g_strnfill (fill, 'x');

  return g_strconcat (head, pad, "\"}", NULL);
}

static void
test_message_limit (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = connect_to (fixture, "/");
  g_autofree char *at_limit = padded_action (LAB_PEER_MESSAGE_LIMIT);
  g_autofree char *over_limit = padded_action (LAB_PEER_MESSAGE_LIMIT + 1);

  g_assert_cmpuint (strlen (at_limit), ==, 4096);
  g_free (lab_test_receive (client));
  g_free (lab_test_receive (client));

  /* 4 KiB is allowed... */
  soup_websocket_connection_send_text (client, at_limit);
  assert_receive (client, "{\"type\":\"state\",\"value\":1}");

  /* ...one byte more is not. */
  soup_websocket_connection_send_text (client, over_limit);
  lab_test_wait_closed (client);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client), ==,
                    SOUP_WEBSOCKET_CLOSE_TOO_BIG);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (fixture->server)), ==, 1);
}

static guint16
read_close_code (GSocket *socket)
{
  guint8 opcode;

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GBytes) payload = NULL;
      const guint8 *data;

      g_assert_true (lab_test_raw_read_frame (socket, &opcode, &payload));
      if (opcode != 0x8)
        continue;

      g_assert_cmpuint (g_bytes_get_size (payload), >=, 2);
      data = g_bytes_get_data (payload, NULL);
      return (data[0] << 8) | data[1];
    }

  g_assert_not_reached ();
}

static void
test_fragmented_message_limit (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GSocket) socket = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  g_autoptr(SoupWebsocketConnection) other = connect_to (fixture, "/");
  g_autofree char *fragment = g_strnfill (1024, 'x');

  /* 1 MiB as 1024 fragments of 1 KiB: libsoup alone would assemble it all. */
  for (guint i = 0; i < 1024; i++)
    lab_test_raw_send_frame (socket, i == 0 ? 0x1 : 0x0, i == 1023, fragment, 1024);

  g_assert_cmpuint (read_close_code (socket), ==, SOUP_WEBSOCKET_CLOSE_TOO_BIG);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (fixture->server)), ==, 0);

  g_socket_close (socket, NULL);
  receive_until (other, "{\"type\":\"users\",\"count\":1}");
  click (other, LAB_ACTION_PLUS, 1);
  close_and_wait (other);
}

static void
test_hello (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = connect_to (fixture, "/hello");
  g_autoptr(SoupWebsocketConnection) big = connect_to (fixture, "/hello");
  g_autofree char *long_name = g_strnfill (LAB_PEER_MESSAGE_LIMIT + 1, 'n');

  soup_websocket_connection_send_text (client, "Ada Lovelace \xe2\x9c\x93");
  assert_receive (client, "Hello Ada Lovelace \xe2\x9c\x93!");
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
  client = connect_to (fixture, "/time");

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

  close_and_wait (client);
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
  client = connect_to (fixture, "/time");

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

  close_and_wait (client);
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

static LabPeer *
find_peer (LabServer *server,
           LabRoute   route)
{
  GListModel *peers = lab_server_get_peers (server);

  for (guint i = 0; i < g_list_model_get_n_items (peers); i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (peers, i);

      if (lab_peer_get_route (peer) == route)
        return peer;
    }

  return NULL;
}

static gboolean
has_no_peers (gpointer data)
{
  return g_list_model_get_n_items (lab_server_get_peers (data)) == 0;
}

static void
test_peers_model (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) counter = connect_to (fixture, "/counter");
  g_autoptr(SoupWebsocketConnection) time_client = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  LabPeer *peer;

  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_peers (fixture->server)), ==, 1);
  time_client = connect_to (fixture, "/time");
  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_peers (fixture->server)), ==, 2);

  peer = find_peer (fixture->server, LAB_ROUTE_COUNTER);
  g_assert_nonnull (peer);
  g_assert_cmpstr (lab_peer_get_path (peer), ==, "/counter");
  g_assert_true (g_str_has_prefix (lab_peer_get_remote_address (peer), "127.0.0.1:"));
  g_assert_cmpint (g_date_time_difference (now, lab_peer_get_connected_since (peer)), <,
                   G_TIME_SPAN_MINUTE);
  /* The handshake, kept for the teaching views. */
  g_assert_nonnull (strstr (lab_peer_get_request_headers (peer), "Sec-WebSocket-Key: "));
  g_assert_nonnull (strstr (lab_peer_get_response_headers (peer), "Sec-WebSocket-Accept: "));
  g_assert_true (lab_peer_is_open (peer));

  close_and_wait (counter);
  close_and_wait (time_client);
  g_assert_true (lab_test_wait_until (has_no_peers, fixture->server, LAB_TEST_TIMEOUT_MS));
}

static void
test_origin_is_recorded (Fixture       *fixture,
                         gconstpointer  data)
{
  GListModel *peers = lab_server_get_peers (fixture->server);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(LabPeer) peer = NULL;

  socket = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  g_assert_cmpuint (g_list_model_get_n_items (peers), ==, 1);
  peer = g_list_model_get_item (peers, 0);
  /* The hand-written client sends no Origin, as a script would not. */
  g_assert_null (lab_peer_get_origin (peer));
}

static gint64
rss_bytes (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
  fields = g_strsplit (statm, " ", -1);
  return g_ascii_strtoll (fields[1], NULL, 10) * sysconf (_SC_PAGESIZE);
}

static void
test_slow_reader_is_bounded (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) clicker = connect_to (fixture, "/");
  g_autoptr(SoupWebsocketConnection) bystander = NULL;
  g_autoptr(GSocket) slow = NULL;
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  g_autofree char *last_state = NULL;
  g_autoptr(LabPeer) slow_peer = NULL;
  guint64 most_buffered = 0;
  guint frames_read = 0;
  gint64 rss_before;
  gint64 rss_after;
  const guint updates = 10000;

  /* Slow, not stuck: however long this machine takes, it is not closed. */
  lab_server_set_stall_timeout (fixture->server, 3600 * 1000);
  g_free (lab_test_receive (clicker));
  g_free (lab_test_receive (clicker));

  /* A small receive buffer keeps the kernel from absorbing the backlog. */
  slow = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 4096);
  /* Peers are listed in the order they joined: the slow one came second. */
  slow_peer = g_list_model_get_item (lab_server_get_peers (fixture->server), 1);
  bystander = connect_to (fixture, "/");
  receive_until (clicker, "{\"type\":\"users\",\"count\":3}");
  receive_until (bystander, "{\"type\":\"state\",\"value\":0}");

  rss_before = rss_bytes ();

  /* Each click is its own broadcast: the next waits for the last to return. */
  for (guint i = 1; i <= updates; i++)
    {
      g_autofree char *expected = lab_protocol_format_state (i);
      GListModel *peers = lab_server_get_peers (fixture->server);

      soup_websocket_connection_send_text (clicker, plus);
      assert_receive (clicker, expected);
      assert_receive (bystander, expected);

      for (guint j = 0; j < g_list_model_get_n_items (peers); j++)
        {
          g_autoptr(LabPeer) peer = g_list_model_get_item (peers, j);

          if (peer != slow_peer)
            g_assert_false (lab_peer_get_backed_up (peer));
        }
      most_buffered = MAX (most_buffered, lab_peer_get_buffered_amount (slow_peer));
    }

  rss_after = rss_bytes ();
  g_test_message ("slow peer: most buffered %" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT
                  " messages replaced, RSS grew %" G_GINT64_FORMAT " KiB",
                  most_buffered, lab_peer_get_messages_dropped (slow_peer),
                  (rss_after - rss_before) / 1024);

  /* The slow peer's backlog stayed bounded, older states gave way to newer. */
  g_assert_true (lab_peer_get_backed_up (slow_peer));
  g_assert_cmpuint (lab_peer_get_messages_dropped (slow_peer), >, 0);
  g_assert_cmpuint (most_buffered, <=, LAB_PEER_HIGH_WATER + 64);
#ifndef __SANITIZE_ADDRESS__
  /* AddressSanitizer holds freed memory in quarantine: RSS says nothing there. */
  g_assert_cmpint (rss_after - rss_before, <, 16 * 1024 * 1024);
#endif

  /* Once it reads, it catches up to the newest state. */
  g_socket_set_option (slow, SOL_SOCKET, SO_RCVBUF, 256 * 1024, NULL);
  for (;;)
    {
      g_autoptr(GBytes) payload = NULL;
      guint8 opcode;

      g_assert_true (lab_test_raw_read_frame (slow, &opcode, &payload));
      g_assert_cmpuint (opcode, ==, 0x1);
      frames_read++;
      g_free (last_state);
      last_state = g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
      if (g_str_equal (last_state, "{\"type\":\"state\",\"value\":10000}"))
        break;
    }

  g_test_message ("slow peer read %u frames for %u updates", frames_read, updates);
  g_assert_cmpuint (frames_read, <, updates);
  g_assert_true (lab_peer_is_open (slow_peer));

  close_and_wait (clicker);
  close_and_wait (bystander);
}

static LabEvent *
find_event (LabServer    *server,
            LabEventKind  kind,
            guint         code)
{
  GListModel *log = G_LIST_MODEL (lab_server_get_event_log (server));

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (log, i);

      if (lab_event_get_kind (event) == kind && lab_event_get_code (event) == code)
        return event;
    }

  return NULL;
}

static gboolean
peer_is_closed (gpointer data)
{
  return !lab_peer_is_open (data);
}

static void
test_stuck_reader_closed_1008 (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) clicker = connect_to (fixture, "/");
  g_autoptr(GSocket) stuck = NULL;
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  g_autoptr(LabPeer) stuck_peer = NULL;
  guint clicks = 0;

  lab_server_set_stall_timeout (fixture->server, 300);
  g_free (lab_test_receive (clicker));
  g_free (lab_test_receive (clicker));
  stuck = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/counter", 4096);
  /* Peers are listed in the order they joined: the stuck one came last. */
  stuck_peer = g_list_model_get_item (lab_server_get_peers (fixture->server), 1);
  g_assert_cmpstr (lab_peer_get_path (stuck_peer), ==, "/counter");

  while (!lab_peer_get_backed_up (stuck_peer))
    {
      g_autofree char *expected = lab_protocol_format_state (++clicks);

      soup_websocket_connection_send_text (clicker, plus);
      receive_until (clicker, expected);
      g_assert_cmpuint (clicks, <, 100000);
    }

  /* Backed up and never drained: closed with 1008 after the bound. */
  g_assert_true (lab_test_wait_until (peer_is_closed, stuck_peer, LAB_TEST_TIMEOUT_MS));
  g_assert_nonnull (find_event (fixture->server, LAB_EVENT_CLOSE,
                                SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION));

  /* The clicker never noticed. */
  g_assert_cmpint (soup_websocket_connection_get_state (clicker), ==, SOUP_WEBSOCKET_STATE_OPEN);
  close_and_wait (clicker);
}

static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(LabServer) second = lab_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", lab_server_get_bound_port (fixture->server));
  g_autoptr(SoupWebsocketConnection) client = NULL;

  lab_server_set_port (second, lab_server_get_bound_port (fixture->server));
  g_assert_false (lab_server_start (second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, port_text));
  g_assert_false (lab_server_get_running (second));

  /* The first one did not notice. */
  client = connect_to (fixture, "/");
  assert_receive (client, "{\"type\":\"users\",\"count\":1}");
  close_and_wait (client);
}

static void
test_stop_closes_1001 (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = connect_to (fixture, "/");
  g_autoptr(SoupWebsocketConnection) time_client = connect_to (fixture, "/time");
  g_autofree char *url = lab_test_url (fixture->server, "/");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) refused = NULL;

  lab_server_stop (fixture->server);
  g_assert_false (lab_server_get_running (fixture->server));

  lab_test_wait_closed (client);
  lab_test_wait_closed (time_client);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client), ==,
                    SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (time_client), ==,
                    SOUP_WEBSOCKET_CLOSE_GOING_AWAY);

  refused = lab_test_connect (url, &error);
  g_assert_null (refused);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
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
  assert_receive (hello, "Hello Grace!");
  lab_test_wait_closed (hello);

  close_and_wait (time_client);
  lab_server_stop (server);
  lab_test_run_for (50);

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

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/server/counter/users-on-join-and-leave", test_counter_users_on_join_and_leave);
  ADD ("/server/counter/plus-minus-reach-everyone", test_counter_plus_minus_reach_everyone);
  ADD ("/server/counter/burst-is-coalesced", test_counter_burst_is_coalesced);
  ADD ("/server/counter/bad-input", test_counter_bad_input);
  ADD ("/server/limits/binary-closes-1003", test_binary_closes_1003);
  ADD ("/server/limits/message-limit", test_message_limit);
  ADD ("/server/limits/fragmented-message-limit", test_fragmented_message_limit);
  ADD ("/server/limits/slow-reader-is-bounded", test_slow_reader_is_bounded);
  ADD ("/server/limits/stuck-reader-closed-1008", test_stuck_reader_closed_1008);
  ADD ("/server/hello", test_hello);
  ADD ("/server/time/format", test_time);
  ADD ("/server/time/intervals", test_time_intervals);
  ADD ("/server/http", test_http);
  ADD ("/server/unknown-path-refuses-upgrade", test_unknown_path_refuses_upgrade);
  ADD ("/server/peers-model", test_peers_model);
  ADD ("/server/origin-is-recorded", test_origin_is_recorded);
  ADD ("/server/port-in-use", test_port_in_use);
  ADD ("/server/stop-closes-1001", test_stop_closes_1001);
  g_test_add_func ("/server/classic-ports", test_classic_ports);

#undef ADD

  return g_test_run ();
}
