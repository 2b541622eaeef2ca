/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "lab-peer-private.h"
#include "lab-protocol.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* The server's keepalive against real peers: a hand-written one that never
 * answers, a libsoup client that does, and a slow reader whose stream must
 * stay whole while pings are slipped into it. */

typedef LabTestServerFixture Fixture;

#define OP_TEXT 0x1
#define OP_CLOSE 0x8
#define OP_PING 0x9

/* A peer that never answers pings is closed with 1011 by the time its ping
 * interval and pong timeout (the same interval) have passed. */
static void
test_silent_peer_closed_1011 (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) watcher = NULL;
  g_autoptr(GSocket) raw = NULL;
  guint8 reply[2] = { 1011 >> 8, 1011 & 0xff };
  gint64 start;
  gboolean closed = FALSE;
  guint pings = 0;

  lab_server_set_ping_interval (fixture->server, 1);
  watcher = lab_test_fixture_connect (fixture, "/counter");
  lab_test_receive_until (watcher, "{\"type\":\"users\",\"count\":1}");

  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  start = g_get_monotonic_time ();
  lab_test_receive_until (watcher, "{\"type\":\"users\",\"count\":2}");

  while (!closed)
    {
      g_autoptr(GBytes) payload = NULL;
      guint8 opcode;

      g_assert_true (lab_test_raw_read_frame (raw, &opcode, &payload));
      if (opcode == OP_PING)
        pings++;
      if (opcode == OP_CLOSE)
        {
          const guint8 *bytes = g_bytes_get_data (payload, NULL);

          g_assert_cmpuint (g_bytes_get_size (payload), >=, 2);
          g_assert_cmpuint ((bytes[0] << 8) | bytes[1], ==, 1011);
          g_assert_cmpmem (bytes + 2, g_bytes_get_size (payload) - 2, "No pong within 1 s", 18);
          closed = TRUE;
        }
    }

  g_assert_cmpuint (pings, ==, 1);
  /* Interval + timeout is 2 s; the rest is room for a busy machine's scheduler. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);

  lab_test_raw_send_frame (raw, OP_CLOSE, TRUE, reply, sizeof reply);
  lab_test_receive_until (watcher, "{\"type\":\"users\",\"count\":1}");
  g_assert_true (lab_peer_is_open (lab_test_peer_at (fixture->server, 0)));

  lab_test_close_and_wait (watcher);
}

static gboolean
has_rtt (gpointer data)
{
  return lab_peer_get_pong_rtt (data) >= 0;
}

static void
test_rtt_of_libsoup_client (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = NULL;
  LabPeer *peer;
  GListModel *frames;
  LabFrame *ping;
  LabFrame *pong;
  g_autofree char *ping_text = NULL;
  g_autofree char *pong_text = NULL;

  lab_server_set_ping_interval (fixture->server, 0);
  client = lab_test_fixture_connect (fixture, "/counter");
  lab_test_receive_until (client, "{\"type\":\"state\",\"value\":0}");
  peer = lab_test_peer_at (fixture->server, 0);
  lab_peer_set_capture (peer, TRUE);
  frames = lab_peer_get_frames (peer);
  g_assert_cmpint (lab_peer_get_pong_rtt (peer), ==, -1);

  /* Ping Now, between whatever libsoup writes */
  g_assert_true (lab_peer_ping_now (peer));
  g_assert_true (lab_test_wait_until (has_rtt, peer, LAB_TEST_TIMEOUT_MS));
  g_assert_true (lab_peer_is_open (peer));
  lab_test_wait_incoming (frames, 1);

  pong = lab_test_nth_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, 0);
  g_assert_cmpstr (lab_frame_get_opcode_name (pong), ==, "pong");
  g_assert_true (lab_frame_get_masked (pong));
  pong_text = lab_frame_dup_payload_text (pong);
  g_assert_cmpstr (pong_text, ==, "lab-ping 1");
  for (guint i = 0;; i++)
    {
      ping = lab_test_nth_frame (frames, LAB_FRAME_SERVER_TO_CLIENT, i);
      if (lab_frame_get_opcode (ping) == OP_PING)
        break;
    }
  ping_text = lab_frame_dup_payload_text (ping);
  g_assert_cmpstr (ping_text, ==, "lab-ping 1");

  /* And every interval once it is set; the counter keeps working meanwhile. */
  lab_server_set_ping_interval (fixture->server, 1);
  lab_test_click (client, LAB_ACTION_PLUS, 1);
  lab_test_run_for (2500);
  g_assert_true (lab_peer_is_open (peer));
  g_assert_cmpuint (lab_test_count_direction (frames, LAB_FRAME_CLIENT_TO_SERVER), >=, 3);

  lab_test_close_and_wait (client);
}

/* Pings go between libsoup's frames, never inside one, also while a slow
 * reader leaves libsoup half-way through a frame: the stream stays whole. */
static void
test_pings_never_split_frames (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) clicker = NULL;
  g_autoptr(GSocket) slow = NULL;
  g_autofree char *last_state = lab_protocol_format_state (1500);
  const char *plus = "{\"action\":\"plus\"}";
  LabPeer *slow_peer;
  guint pings_sent = 0;
  guint pings_read = 0;
  guint64 next_ping = 1;
  gboolean seen_last = FALSE;

  lab_server_set_ping_interval (fixture->server, 0);
  lab_server_set_stall_timeout (fixture->server, 3600 * 1000);
  lab_test_server_set_max_rate (fixture->server, 0);
  clicker = lab_test_fixture_connect (fixture, "/");
  lab_test_receive_until (clicker, "{\"type\":\"state\",\"value\":0}");
  /* A small receive buffer makes libsoup's writes stop part-way through frames. */
  slow = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 4096);
  slow_peer = lab_test_peer_at (fixture->server, 1);
  lab_test_receive_until (clicker, "{\"type\":\"users\",\"count\":2}");

  for (guint i = 1; i <= 1500; i++)
    {
      g_autofree char *expected = lab_protocol_format_state (i);

      soup_websocket_connection_send_text (clicker, plus);
      lab_test_assert_receive (clicker, expected);
      if (i % 50 == 0 && lab_peer_ping_now (slow_peer))
        pings_sent++;
    }

  g_socket_set_option (slow, SOL_SOCKET, SO_RCVBUF, 256 * 1024, NULL);
  for (;;)
    {
      g_autoptr(GBytes) payload = NULL;
      g_autofree char *text = NULL;
      guint8 opcode;

      g_assert_true (lab_test_raw_read_frame (slow, &opcode, &payload));
      text = g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));

      if (opcode == OP_PING)
        {
          g_autofree char *expected = g_strdup_printf ("lab-ping %" G_GUINT64_FORMAT, next_ping++);

          g_assert_cmpstr (text, ==, expected);
          pings_read++;
          if (seen_last && pings_read == pings_sent)
            break;
          continue;
        }

      g_assert_cmpuint (opcode, ==, OP_TEXT);
      g_assert_true (g_str_has_prefix (text, "{\"type\":"));
      g_assert_true (g_str_has_suffix (text, "}"));
      seen_last = g_str_equal (text, last_state);
      if (seen_last && pings_read == pings_sent)
        break;
    }

  g_assert_cmpuint (pings_sent, >, 0);
  lab_test_close_and_wait (clicker);
}

/* Ping Now just before the keepalive's tick: that ping has not had its
 * chance yet, so the tick waits for it rather than closing at once; a whole
 * interval later, still unanswered, the next tick closes with 1011. */
static void
test_ping_now_before_tick (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GSocket) raw = NULL;
  guint8 reply[2] = { 1011 >> 8, 1011 & 0xff };
  LabPeer *peer;
  gint64 pinged;
  gboolean closed = FALSE;

  lab_server_set_ping_interval (fixture->server, 1);
  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  peer = lab_test_peer_at (fixture->server, 0);

  g_assert_true (lab_peer_ping_now (peer));
  pinged = g_get_monotonic_time ();
  /* The server's timer, a moment later */
  _lab_peer_keepalive_tick (peer);
  g_assert_true (lab_peer_is_open (peer));

  while (!closed)
    {
      g_autoptr(GBytes) payload = NULL;
      guint8 opcode;

      g_assert_true (lab_test_raw_read_frame (raw, &opcode, &payload));
      if (opcode == OP_PING)
        g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                         "lab-ping 1", 10);
      if (opcode == OP_CLOSE)
        {
          const guint8 *bytes = g_bytes_get_data (payload, NULL);

          g_assert_cmpuint ((bytes[0] << 8) | bytes[1], ==, 1011);
          closed = TRUE;
        }
    }

  /* The timer's own tick, about an interval after the ping, not at once */
  g_assert_cmpint (g_get_monotonic_time () - pinged, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (g_get_monotonic_time () - pinged, <, 3 * G_USEC_PER_SEC);

  lab_test_raw_send_frame (raw, OP_CLOSE, TRUE, reply, sizeof reply);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

#define ADD LAB_TEST_ADD_WITH_SERVER

  ADD ("/keepalive/silent-peer-closed-1011", test_silent_peer_closed_1011);
  ADD ("/keepalive/rtt-of-libsoup-client", test_rtt_of_libsoup_client);
  ADD ("/keepalive/pings-never-split-frames", test_pings_never_split_frames);
  ADD ("/keepalive/ping-now-before-tick", test_ping_now_before_tick);

#undef ADD

  return g_test_run ();
}
