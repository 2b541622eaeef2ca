/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lab-har.h"
#include "lab-peer.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* A real connection to a real server, captured, saved as HAR through a file
 * and opened again: every frame comes back with the same bits, times and
 * payload, control frames included. */

#define OP_TEXT 0x1
#define OP_CLOSE 0x8
#define OP_PING 0x9
#define OP_PONG 0xa

typedef LabTestServerFixture Fixture;

static gboolean
has_frame (GListModel        *frames,
           LabFrameDirection  direction,
           guint8             opcode)
{
  guint n = g_list_model_get_n_items (frames);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);

      if (lab_frame_get_direction (frame) == direction && lab_frame_get_opcode (frame) == opcode)
        return TRUE;
    }

  return FALSE;
}

static gboolean
has_close_answer (gpointer data)
{
  return has_frame (data, LAB_FRAME_SERVER_TO_CLIENT, OP_CLOSE) &&
         has_frame (data, LAB_FRAME_SERVER_TO_CLIENT, OP_PONG);
}

static void
assert_same_frame (LabFrame *a,
                   LabFrame *b)
{
  GBytes *wire_a = lab_frame_get_payload_wire (a);
  GBytes *wire_b = lab_frame_get_payload_wire (b);

  g_assert_cmpint (lab_frame_get_direction (a), ==, lab_frame_get_direction (b));
  g_assert_cmpint (lab_frame_get_time (a), ==, lab_frame_get_time (b));
  g_assert_cmpuint (lab_frame_get_message_index (a), ==, lab_frame_get_message_index (b));
  g_assert_cmpint (lab_frame_get_fin (a), ==, lab_frame_get_fin (b));
  g_assert_cmpint (lab_frame_get_rsv1 (a), ==, lab_frame_get_rsv1 (b));
  g_assert_cmpint (lab_frame_get_rsv2 (a), ==, lab_frame_get_rsv2 (b));
  g_assert_cmpint (lab_frame_get_rsv3 (a), ==, lab_frame_get_rsv3 (b));
  g_assert_cmpuint (lab_frame_get_opcode (a), ==, lab_frame_get_opcode (b));
  g_assert_cmpint (lab_frame_get_masked (a), ==, lab_frame_get_masked (b));
  if (lab_frame_get_masked (a))
    g_assert_cmpmem (lab_frame_get_masking_key (a), 4, lab_frame_get_masking_key (b), 4);
  g_assert_cmpuint (lab_frame_get_payload_length (a), ==, lab_frame_get_payload_length (b));
  g_assert_cmpint (lab_frame_get_length_encoding (a), ==, lab_frame_get_length_encoding (b));
  g_assert_cmpmem (g_bytes_get_data (wire_a, NULL), g_bytes_get_size (wire_a),
                   g_bytes_get_data (wire_b, NULL), g_bytes_get_size (wire_b));
}

static void
assert_same_handshake (LabHandshake *a,
                       LabHandshake *b)
{
  g_autofree char *request_a = lab_handshake_format_request (a);
  g_autofree char *request_b = lab_handshake_format_request (b);
  g_autofree char *response_a = lab_handshake_format_response (a);
  g_autofree char *response_b = lab_handshake_format_response (b);

  g_assert_cmpstr (request_a, ==, request_b);
  g_assert_cmpstr (response_a, ==, response_b);
  g_assert_true (lab_handshake_checks_out (b));
}

static void
test_round_trip_through_a_file (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GSocket) raw = NULL;
  g_autofree char *medium = g_strnfill (300, 'm');
  guint8 close_payload[2 + 3] = { 1000 >> 8, 1000 & 0xff, 'b', 'y', 'e' };
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "session.har", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  LabRecordedSession *session;
  GListModel *frames, *read;
  g_autoptr(LabPeer) peer = NULL;
  guint n;

  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  /* Kept: the server forgets it once closed. */
  peer = g_object_ref (lab_test_peer_at (fixture->server, 0));
  lab_peer_set_capture (peer, TRUE);
  frames = lab_peer_get_frames (peer);

  /* A click, a long message (a 16-bit length), a ping, and a close. */
  lab_test_raw_send_frame (raw, OP_TEXT, TRUE, "{\"action\":\"plus\"}", 17);
  lab_test_raw_send_frame (raw, OP_TEXT, TRUE, medium, strlen (medium));
  lab_test_raw_send_frame (raw, OP_PING, TRUE, "rtt", 3);
  lab_test_raw_send_frame (raw, OP_CLOSE, TRUE, close_payload, sizeof close_payload);
  g_assert_true (lab_test_wait_until (has_close_answer, frames, LAB_TEST_TIMEOUT_MS));

  url = lab_har_url_from_handshake (lab_peer_get_handshake (peer));
  g_assert_true (g_str_has_prefix (url, "ws://127.0.0.1:") || g_str_has_prefix (url, "ws://localhost:"));
  lab_har_save_async (url, lab_peer_get_handshake (peer), frames, file, NULL,
                      lab_test_keep_result_cb, &saved);
  g_assert_true (lab_har_save_finish (lab_test_wait_result (&saved), &error));
  g_assert_no_error (error);

  lab_har_load_async (file, NULL, lab_test_keep_result_cb, &loaded);
  sessions = lab_har_load_finish (lab_test_wait_result (&loaded), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 1);
  session = sessions->pdata[0];
  g_assert_cmpstr (lab_recorded_session_get_url (session), ==, url);
  assert_same_handshake (lab_peer_get_handshake (peer), lab_recorded_session_get_handshake (session));

  read = lab_recorded_session_get_frames (session);
  n = g_list_model_get_n_items (frames);
  g_assert_cmpuint (g_list_model_get_n_items (read), ==, n);
  g_assert_cmpuint (n, >=, 7);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) a = g_list_model_get_item (frames, i);
      g_autoptr(LabFrame) b = g_list_model_get_item (read, i);

      assert_same_frame (a, b);
    }

  /* The client closed with 1000 and the server answered. */
  g_assert_cmpuint (lab_recorded_session_get_close_code (session), ==, 1000);
  {
    g_autofree char *description = lab_recorded_session_describe_close (session);

    g_assert_nonnull (strstr (description, "the client sent close 1000 “bye”"));
  }

  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  LAB_TEST_ADD_WITH_SERVER ("/har/round-trip-through-a-file", test_round_trip_through_a_file);

  return g_test_run ();
}
