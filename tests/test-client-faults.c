/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-client.h"
#include "lab-counter.h"
#include "lab-event.h"
#include "lab-frame.h"
#include "lab-peer.h"
#include "lab-server.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"

/* Faults on demand, each on a real connection to a LabServer on a loopback
 * port: the close code it earns, the line the server logs, and a second
 * client on the same server that goes on seeing every state. */

#define OP_TEXT         0x1
#define OP_CONTINUATION 0x0

typedef struct
{
  LabServer *server;
  LabClient *faulty;
  LabClient *other;
  LabPeer   *faulty_peer;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  guint ping_interval = GPOINTER_TO_UINT (data);

  fixture->server = lab_test_server_new_started ();
  lab_server_set_ping_interval (fixture->server, ping_interval);
  fixture->faulty = lab_test_client_new_connected (fixture->server, FALSE);
  lab_test_wait_peers (fixture->server, 1);
  fixture->faulty_peer = g_object_ref (lab_test_peer_at (fixture->server, 0));
  lab_peer_set_capture (fixture->faulty_peer, TRUE);
  fixture->other = lab_test_client_new_connected (fixture->server, FALSE);
  lab_test_wait_peers (fixture->server, 2);
  lab_test_wait_client_users (fixture->other, 2);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  lab_test_client_free (fixture->faulty);
  lab_test_client_free (fixture->other);
  g_clear_object (&fixture->faulty_peer);
  lab_test_server_shutdown (fixture->server);
  g_clear_object (&fixture->server);
}

typedef struct
{
  GListModel *log;
  guint       code;
  LabEvent   *found;
} Logged;

static gboolean
logged_close (gpointer data)
{
  Logged *logged = data;

  for (guint i = 0; i < g_list_model_get_n_items (logged->log); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (logged->log, i);

      if (lab_event_get_kind (event) == LAB_EVENT_CLOSE &&
          lab_event_get_code (event) == logged->code)
        {
          g_set_object (&logged->found, event);
          return TRUE;
        }
    }

  return FALSE;
}

/* The faulty client is closed with @code, the server logs it with @detail,
 * and the other client goes on: alone now, and the counter still counts. */
static void
assert_closed_with (Fixture    *fixture,
                    gushort     code,
                    const char *detail)
{
  Logged logged = { G_LIST_MODEL (lab_server_get_event_log (fixture->server)), code, NULL };
  gint64 value = lab_client_get_value (fixture->other);
  g_autofree char *said = NULL;

  lab_test_wait_client_state (fixture->faulty, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpuint (lab_client_get_close_code_received (fixture->faulty), ==, code);

  g_assert_true (lab_test_wait_until (logged_close, &logged, 5000));
  g_assert_cmpstr (lab_event_get_detail (logged.found), ==, detail);
  g_clear_object (&logged.found);

  /* The server's close record, which its Inspector shows, says it too */
  said = lab_peer_describe_close (fixture->faulty_peer);
  g_test_message ("%s", said);
  g_assert_nonnull (strstr (said, "the server closed with"));
  g_assert_nonnull (strstr (said, detail));

  lab_test_wait_client_users (fixture->other, 1);
  g_assert_cmpint (lab_client_get_value (fixture->other), ==, value);
  g_assert_true (lab_client_plus (fixture->other));
  lab_test_wait_client_value (fixture->other, value + 1);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (fixture->server)), ==, value + 1);
}

static void
test_skip_pongs (Fixture       *fixture,
                 gconstpointer  data)
{
  gint64 started = g_get_monotonic_time ();

  g_assert_false (lab_client_get_skip_pongs (fixture->faulty));
  lab_client_set_skip_pongs (fixture->faulty, TRUE);
  g_assert_true (lab_client_get_skip_pongs (fixture->faulty));

  lab_test_wait_client_state (fixture->faulty, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  /* Within a ping interval and its timeout, with a second's slack */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_USEC_PER_SEC);
  assert_closed_with (fixture, 1011, "No pong within 1 s");
  lab_client_set_skip_pongs (fixture->faulty, FALSE);
}

static void
test_fragments (Fixture       *fixture,
                gconstpointer  data)
{
  GListModel *frames = lab_peer_get_frames (fixture->faulty_peer);
  const char *action = "{\"action\":\"plus\"}";
  GString *reassembled = g_string_new (NULL);
  guint n_text = 0;
  guint n_continuation = 0;

  g_assert_true (lab_client_plus_fragmented (fixture->faulty, 3));
  lab_test_wait_client_value (fixture->faulty, 1);
  lab_test_wait_client_value (fixture->other, 1);
  lab_test_wait_incoming (frames, 3);

  for (guint i = 0; i < g_list_model_get_n_items (frames); i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);
      g_autoptr(GBytes) payload = NULL;

      if (lab_frame_get_direction (frame) != LAB_FRAME_CLIENT_TO_SERVER)
        continue;

      g_assert_true (lab_frame_get_masked (frame));
      payload = lab_frame_dup_payload (frame);
      if (lab_frame_get_opcode (frame) == OP_TEXT)
        {
          g_assert_false (lab_frame_get_fin (frame));
          n_text++;
        }
      else if (lab_frame_get_opcode (frame) == OP_CONTINUATION)
        {
          g_assert_cmpint (lab_frame_get_fin (frame), ==, n_continuation == 1);
          n_continuation++;
        }
      else
        continue;
      g_string_append_len (reassembled, g_bytes_get_data (payload, NULL),
                           g_bytes_get_size (payload));
    }

  g_assert_cmpuint (n_text, ==, 1);
  g_assert_cmpuint (n_continuation, ==, 2);
  g_assert_cmpstr (reassembled->str, ==, action);
  g_string_free (reassembled, TRUE);

  /* Counted once, by everyone, and the connection stays open */
  lab_test_run_for (200);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (fixture->server)), ==, 1);
  g_assert_cmpint (lab_client_get_state (fixture->faulty), ==, LAB_CLIENT_STATE_CONNECTED);
  g_assert_true (lab_client_plus (fixture->other));
  lab_test_wait_client_value (fixture->faulty, 2);
}

static void
test_rsv1 (Fixture       *fixture,
           gconstpointer  data)
{
  g_assert_true (lab_client_send_protocol_error (fixture->faulty, LAB_PROTOCOL_FAULT_RSV1));
  assert_closed_with (fixture, 1002, "RSV1 was set, but no extension was agreed (RFC 6455, 5.2)");
}

static void
test_unmasked (Fixture       *fixture,
               gconstpointer  data)
{
  g_assert_true (lab_client_send_protocol_error (fixture->faulty, LAB_PROTOCOL_FAULT_UNMASKED));
  assert_closed_with (fixture, 1002, "A client's frame was not masked (RFC 6455, 5.1)");
}

static void
test_oversized (Fixture       *fixture,
                gconstpointer  data)
{
  g_assert_true (lab_client_send_oversized (fixture->faulty));
  assert_closed_with (fixture, 1009, "Message too big");
}

static void
test_binary (Fixture       *fixture,
             gconstpointer  data)
{
  g_assert_true (lab_client_send_binary (fixture->faulty));
  assert_closed_with (fixture, 1003, "Binary messages are not supported");
}

/* Not connected: nothing is sent, and nothing breaks */
static void
test_not_connected (void)
{
  g_autoptr(LabClient) client = lab_client_new ("ws://127.0.0.1:9/", NULL);

  g_assert_false (lab_client_plus_fragmented (client, 3));
  g_assert_false (lab_client_send_protocol_error (client, LAB_PROTOCOL_FAULT_RSV1));
  g_assert_false (lab_client_send_oversized (client));
  g_assert_false (lab_client_send_binary (client));
}

int
main (int    argc,
      char **argv)
{
  lab_test_init (&argc, &argv);

#define ADD(path, func, interval) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (interval), fixture_setup, func, fixture_teardown)

  ADD ("/client-faults/skip-pongs-1011", test_skip_pongs, 1);
  ADD ("/client-faults/fragments-counted-once", test_fragments, 0);
  ADD ("/client-faults/rsv1-1002", test_rsv1, 0);
  ADD ("/client-faults/unmasked-1002", test_unmasked, 0);
  ADD ("/client-faults/oversized-1009", test_oversized, 0);
  ADD ("/client-faults/binary-1003", test_binary, 0);
  g_test_add_func ("/client-faults/not-connected", test_not_connected);

  return g_test_run ();
}
