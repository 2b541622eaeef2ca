/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lab-peer-private.h"
#include "lab-protocol.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* What the server bounds for everyone else's sake: binary and oversized
 * messages, messages in many fragments, slow and stuck readers. Real
 * sockets, and a hand-written client for what libsoup's cannot do. */

typedef LabTestServerFixture Fixture;

static void
test_binary_closes_1003 (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) client = lab_test_fixture_connect (fixture, "/");
  g_autoptr(SoupWebsocketConnection) other = lab_test_fixture_connect (fixture, "/");

  soup_websocket_connection_send_binary (client, "\x01\x02", 2);
  lab_test_wait_closed (client);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client), ==,
                    SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA);

  /* The server is still there for everyone else. */
  g_assert_cmpint (soup_websocket_connection_get_state (other), ==, SOUP_WEBSOCKET_STATE_OPEN);
  lab_test_receive_until (other, "{\"type\":\"users\",\"count\":1}");
  lab_test_click (other, LAB_ACTION_PLUS, 1);
  lab_test_close_and_wait (other);
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
  g_autoptr(SoupWebsocketConnection) client = lab_test_fixture_connect (fixture, "/");
  g_autofree char *at_limit = padded_action (LAB_PEER_MESSAGE_LIMIT);
  g_autofree char *over_limit = padded_action (LAB_PEER_MESSAGE_LIMIT + 1);

  g_assert_cmpuint (strlen (at_limit), ==, 4096);
  g_free (lab_test_receive (client));
  g_free (lab_test_receive (client));

  /* 4 KiB is allowed... */
  soup_websocket_connection_send_text (client, at_limit);
  lab_test_assert_receive (client, "{\"type\":\"state\",\"value\":1}");

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
  g_autoptr(SoupWebsocketConnection) other = lab_test_fixture_connect (fixture, "/");
  g_autofree char *fragment = g_strnfill (1024, 'x');

  /* 1 MiB as 1024 fragments of 1 KiB: libsoup alone would assemble it all. */
  for (guint i = 0; i < 1024; i++)
    lab_test_raw_send_frame (socket, i == 0 ? 0x1 : 0x0, i == 1023, fragment, 1024);

  g_assert_cmpuint (read_close_code (socket), ==, SOUP_WEBSOCKET_CLOSE_TOO_BIG);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (fixture->server)), ==, 0);

  g_socket_close (socket, NULL);
  lab_test_receive_until (other, "{\"type\":\"users\",\"count\":1}");
  lab_test_click (other, LAB_ACTION_PLUS, 1);
  lab_test_close_and_wait (other);
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
  g_autoptr(SoupWebsocketConnection) clicker = lab_test_fixture_connect (fixture, "/");
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

  /* Slow, not stuck: however long this machine takes (under valgrind, more
   * than the two keepalive intervals that close a peer unable to read its
   * pings), it is not closed. */
  lab_server_set_stall_timeout (fixture->server, 3600 * 1000);
  /* Nor taken for dead: it answers no ping while it reads nothing, and a
   * sanitizer build runs this for longer than one keepalive interval. */
  lab_server_set_ping_interval (fixture->server, 0);
  lab_test_server_set_max_rate (fixture->server, 0);
  lab_server_set_ping_interval (fixture->server, 0);
  g_free (lab_test_receive (clicker));
  g_free (lab_test_receive (clicker));

  /* A small receive buffer keeps the kernel from absorbing the backlog. */
  slow = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 4096);
  /* Peers are listed in the order they joined: the slow one came second. */
  slow_peer = g_list_model_get_item (lab_server_get_peers (fixture->server), 1);
  bystander = lab_test_fixture_connect (fixture, "/");
  lab_test_receive_until (clicker, "{\"type\":\"users\",\"count\":3}");
  lab_test_receive_until (bystander, "{\"type\":\"state\",\"value\":0}");

  rss_before = rss_bytes ();

  /* Each click is its own broadcast: the next waits for the last to return. */
  for (guint i = 1; i <= updates; i++)
    {
      g_autofree char *expected = lab_protocol_format_state (i);
      GListModel *peers = lab_server_get_peers (fixture->server);

      soup_websocket_connection_send_text (clicker, plus);
      lab_test_assert_receive (clicker, expected);
      lab_test_assert_receive (bystander, expected);

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

  lab_test_close_and_wait (clicker);
  lab_test_close_and_wait (bystander);
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
  g_autoptr(SoupWebsocketConnection) clicker = lab_test_fixture_connect (fixture, "/");
  g_autoptr(GSocket) stuck = NULL;
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  g_autoptr(LabPeer) stuck_peer = NULL;
  guint clicks = 0;

  lab_server_set_stall_timeout (fixture->server, 300);
  lab_test_server_set_max_rate (fixture->server, 0);
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
      lab_test_receive_until (clicker, expected);
      g_assert_cmpuint (clicks, <, 100000);
    }

  /* Backed up and never drained: closed with 1008 after the bound. */
  g_assert_true (lab_test_wait_until (peer_is_closed, stuck_peer, LAB_TEST_TIMEOUT_MS));
  g_assert_nonnull (find_event (fixture->server, LAB_EVENT_CLOSE,
                                SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION));

  /* The clicker never noticed. */
  g_assert_cmpint (soup_websocket_connection_get_state (clicker), ==, SOUP_WEBSOCKET_STATE_OPEN);
  lab_test_close_and_wait (clicker);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

#define ADD LAB_TEST_ADD_WITH_SERVER

  ADD ("/server/limits/binary-closes-1003", test_binary_closes_1003);
  ADD ("/server/limits/message-limit", test_message_limit);
  ADD ("/server/limits/fragmented-message-limit", test_fragmented_message_limit);
  ADD ("/server/limits/slow-reader-is-bounded", test_slow_reader_is_bounded);
  ADD ("/server/limits/stuck-reader-closed-1008", test_stuck_reader_closed_1008);

#undef ADD

  return g_test_run ();
}
