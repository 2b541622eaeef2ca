/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lab-counter-private.h"
#include "lab-peer-private.h"
#include "lab-protocol.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* A real server on an ephemeral loopback port, real libsoup clients, and a
 * hand-written client for what libsoup's cannot do. */

typedef LabTestServerFixture Fixture;

static void
test_counter_users_on_join_and_leave (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) a = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) b = NULL;

  /* The tutorial's order: users to all, then the state to the newcomer. */
  lab_test_assert_receive (a, "{\"type\":\"users\",\"count\":1}");
  lab_test_assert_receive (a, "{\"type\":\"state\",\"value\":0}");

  b = lab_test_fixture_connect (fixture, "/counter");
  lab_test_assert_receive (b, "{\"type\":\"users\",\"count\":2}");
  lab_test_assert_receive (b, "{\"type\":\"state\",\"value\":0}");
  lab_test_assert_receive (a, "{\"type\":\"users\",\"count\":2}");
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (fixture->server)), ==, 2);

  lab_test_close_and_wait (b);
  lab_test_assert_receive (a, "{\"type\":\"users\",\"count\":1}");
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (fixture->server)), ==, 1);

  lab_test_close_and_wait (a);
}

static void
test_counter_plus_minus_reach_everyone (Fixture       *fixture,
                                        gconstpointer  data)
{
  SoupWebsocketConnection *clients[3];

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      clients[i] = lab_test_fixture_connect (fixture, i == 1 ? "/counter" : "/");
      g_free (lab_test_receive (clients[i]));  /* users */
      g_free (lab_test_receive (clients[i]));  /* state */
      for (guint j = 0; j < i; j++)
        g_free (lab_test_receive (clients[j]));  /* users again */
    }

  lab_test_click (clients[0], LAB_ACTION_PLUS, 1);
  lab_test_assert_receive (clients[1], "{\"type\":\"state\",\"value\":1}");
  lab_test_assert_receive (clients[2], "{\"type\":\"state\",\"value\":1}");

  lab_test_click (clients[2], LAB_ACTION_MINUS, 0);
  lab_test_assert_receive (clients[0], "{\"type\":\"state\",\"value\":0}");
  lab_test_assert_receive (clients[1], "{\"type\":\"state\",\"value\":0}");

  lab_test_click (clients[1], LAB_ACTION_MINUS, -1);
  lab_test_assert_receive (clients[0], "{\"type\":\"state\",\"value\":-1}");
  lab_test_assert_receive (clients[2], "{\"type\":\"state\",\"value\":-1}");
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (fixture->server)), ==, -1);

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      lab_test_close_and_wait (clients[i]);
      g_object_unref (clients[i]);
    }
}

static void
test_counter_burst_is_coalesced (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) clicker = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) watcher = NULL;
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  guint states = 0;

  g_free (lab_test_receive (clicker));
  g_free (lab_test_receive (clicker));
  watcher = lab_test_fixture_connect (fixture, "/");
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
  lab_test_close_and_wait (clicker);
  lab_test_close_and_wait (watcher);
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
  g_autoptr(SoupWebsocketConnection) sender = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) other = NULL;

  g_free (lab_test_receive (sender));
  g_free (lab_test_receive (sender));
  other = lab_test_fixture_connect (fixture, "/");
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
  lab_test_click (sender, LAB_ACTION_PLUS, 1);
  lab_test_assert_receive (other, "{\"type\":\"state\",\"value\":1}");

  lab_test_close_and_wait (sender);
  lab_test_close_and_wait (other);
}

/* In a small room every change of the count is heard, as the tutorial's
 * server sends it: also someone who came and went at once. */
static void
test_counter_small_room_hears_every_count (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) watcher = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) visitor = NULL;

  lab_test_assert_receive (watcher, "{\"type\":\"users\",\"count\":1}");
  lab_test_assert_receive (watcher, "{\"type\":\"state\",\"value\":0}");

  visitor = lab_test_fixture_connect (fixture, "/");
  lab_test_close_and_wait (visitor);

  lab_test_assert_receive (watcher, "{\"type\":\"users\",\"count\":2}");
  lab_test_assert_receive (watcher, "{\"type\":\"users\",\"count\":1}");
  lab_test_close_and_wait (watcher);
}

/* The counter broadcasts when it changes, whatever changed it. */
static void
test_counter_change_reaches_everyone (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) first = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) second = lab_test_fixture_connect (fixture, "/counter");
  LabCounter *counter = lab_server_get_counter (fixture->server);
  g_autoptr(GError) error = NULL;

  lab_test_receive_until (first, "{\"type\":\"users\",\"count\":2}");
  lab_test_receive_until (second, "{\"type\":\"state\",\"value\":0}");

  g_assert_true (lab_counter_apply (counter, LAB_ACTION_MINUS, &error));
  g_assert_no_error (error);
  lab_test_receive_until (first, "{\"type\":\"state\",\"value\":-1}");
  lab_test_assert_receive (second, "{\"type\":\"state\",\"value\":-1}");

  lab_test_close_and_wait (first);
  lab_test_close_and_wait (second);
}

/* A client may send its first frame in the same packet as its upgrade request:
 * libsoup reads it along with the request, into a buffer the socket knows
 * nothing of. The action is still taken, and everyone hears it. */
static void
test_counter_action_with_the_request (Fixture       *fixture,
                                      gconstpointer  data)
{
  static const char action[] = "{\"action\":\"plus\"}";
  guint port = lab_server_get_bound_port (fixture->server);
  g_autoptr(GSocket) raw = NULL;
  g_autofree char *response = NULL;
  g_autofree char *upgrade = lab_test_raw_format_upgrade (port, "/");
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autoptr(GBytes) expected = g_bytes_new_static ("{\"type\":\"state\",\"value\":1}", 26);
  gboolean heard = FALSE;

  g_byte_array_append (request, (const guint8 *) upgrade, strlen (upgrade));
  lab_test_raw_append_frame (request, 0x1 /* text */, TRUE, action, sizeof action - 1);
  /* Sent as a string: the frame's masked bytes hold no zero. */
  g_byte_array_append (request, (const guint8 *) "", 1);
  g_assert_cmpuint (strlen ((const char *) request->data), ==, request->len - 1);

  response = lab_test_raw_request (port, (const char *) request->data, &raw);
  g_assert_true (g_str_has_prefix (response, "HTTP/1.1 101"));

  /* The greeting (users, state 0), then the action's state 1; a bounded wait. */
  for (guint i = 0; i < 4 && !heard; i++)
    {
      g_autoptr(GBytes) payload = NULL;
      guint8 opcode;

      g_assert_true (lab_test_raw_read_frame (raw, &opcode, &payload));
      heard = g_bytes_equal (payload, expected);
    }
  g_assert_true (heard);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (fixture->server)), ==, 1);
}

/* At the end of the range the value stays, and the client is told why. */
static void
test_counter_range_limit (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) other = lab_test_fixture_connect (fixture, "/");
  LabCounter *counter = lab_server_get_counter (fixture->server);
  g_autofree char *at_max = lab_protocol_format_state (LAB_COUNTER_MAX);
  g_autofree char *below_max = lab_protocol_format_state (LAB_COUNTER_MAX - 1);
  g_autofree char *reply = NULL;

  lab_test_receive_until (client, "{\"type\":\"users\",\"count\":2}");
  _lab_counter_set_value (counter, LAB_COUNTER_MAX);
  lab_test_receive_until (client, at_max);

  soup_websocket_connection_send_text (client, "{\"action\":\"plus\"}");
  reply = lab_test_receive (client);
  g_assert_cmpstr (reply, ==, "{\"type\":\"error\",\"message\":\"The counter is at its largest value\"}");
  g_assert_cmpint (lab_counter_get_value (counter), ==, LAB_COUNTER_MAX);

  /* Nothing went to anyone else, and the way back down works. */
  lab_test_receive_until (other, at_max);
  g_assert_false (lab_test_has_pending (other));
  lab_test_click (client, LAB_ACTION_MINUS, LAB_COUNTER_MAX - 1);
  lab_test_assert_receive (other, below_max);

  lab_test_close_and_wait (client);
  lab_test_close_and_wait (other);
}

/* Shutdown completes once every connection has closed, each with 1001. */
static void
test_shutdown (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) counter = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) time_client = lab_test_fixture_connect (fixture, "/time");
  g_autoptr(SoupWebsocketConnection) hello = lab_test_fixture_connect (fixture, "/hello");

  /* It waits for every peer to be gone, and says so when it completes. */
  lab_test_server_shutdown (fixture->server);
  g_assert_false (lab_server_get_running (fixture->server));

  lab_test_wait_closed (counter);
  lab_test_wait_closed (time_client);
  lab_test_wait_closed (hello);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (counter), ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (time_client), ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (hello), ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
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
  g_autoptr(SoupWebsocketConnection) counter = lab_test_fixture_connect (fixture, "/counter");
  g_autoptr(SoupWebsocketConnection) time_client = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  LabPeer *peer;

  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_peers (fixture->server)), ==, 1);
  time_client = lab_test_fixture_connect (fixture, "/time");
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

  lab_test_close_and_wait (counter);
  lab_test_close_and_wait (time_client);
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
  client = lab_test_fixture_connect (fixture, "/");
  lab_test_assert_receive (client, "{\"type\":\"users\",\"count\":1}");
  lab_test_close_and_wait (client);
}

static void
test_stop_closes_1001 (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) time_client = lab_test_fixture_connect (fixture, "/time");
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

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

#define ADD LAB_TEST_ADD_WITH_SERVER

  ADD ("/server/counter/users-on-join-and-leave", test_counter_users_on_join_and_leave);
  ADD ("/server/counter/plus-minus-reach-everyone", test_counter_plus_minus_reach_everyone);
  ADD ("/server/counter/burst-is-coalesced", test_counter_burst_is_coalesced);
  ADD ("/server/counter/bad-input", test_counter_bad_input);
  ADD ("/server/counter/change-reaches-everyone", test_counter_change_reaches_everyone);
  ADD ("/server/counter/small-room-hears-every-count", test_counter_small_room_hears_every_count);
  ADD ("/server/counter/range-limit", test_counter_range_limit);
  ADD ("/server/counter/action-with-the-request", test_counter_action_with_the_request);
  ADD ("/server/shutdown", test_shutdown);
  ADD ("/server/peers-model", test_peers_model);
  ADD ("/server/origin-is-recorded", test_origin_is_recorded);
  ADD ("/server/port-in-use", test_port_in_use);
  ADD ("/server/stop-closes-1001", test_stop_closes_1001);

#undef ADD

  return g_test_run ();
}
