/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <json-glib/json-glib.h>

#include "lab-frame-private.h"
#include "lab-frame-capture.h"
#include "lab-peer-private.h"
#include "lab-protocol.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* What the Inspector shows, checked against real connections: the handshakes
 * of a libsoup client and of a hand-written one, and every field of the
 * frames a hand-written client sends, as the server captured them. */

#define OP_CONTINUATION 0x0
#define OP_TEXT 0x1
#define OP_CLOSE 0x8
#define OP_PING 0x9
#define OP_PONG 0xa

/* The hand-written client's masking key (tests/lab-test-raw.c). */
static const guint8 raw_key[4] = { 0x12, 0x34, 0x56, 0x78 };

typedef LabTestServerFixture Fixture;

static void
test_real_handshakes_check_out (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) soup_client = lab_test_fixture_connect (fixture, "/counter");
  g_autoptr(GSocket) raw = NULL;
  LabHandshake *handshake;
  const char *name;

  handshake = lab_peer_get_handshake (lab_test_peer_at (fixture->server, 0));
  g_assert_true (lab_handshake_checks_out (handshake));
  g_assert_cmpstr (lab_handshake_get_request_line (handshake), ==, "GET /counter HTTP/1.1");
  g_assert_cmpuint (lab_handshake_get_n_request_headers (handshake), >, 3);

  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  handshake = lab_peer_get_handshake (lab_test_peer_at (fixture->server, 1));
  g_assert_true (lab_handshake_checks_out (handshake));
  g_assert_cmpstr (lab_handshake_get_key (handshake), ==, "dGhlIHNhbXBsZSBub25jZQ==");
  g_assert_cmpstr (lab_handshake_get_accept_sent (handshake), ==, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  /* In the order the hand-written client sent them. */
  g_assert_cmpuint (lab_handshake_get_n_request_headers (handshake), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      static const char * const sent[] = {
        "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"
      };

      lab_handshake_get_request_header (handshake, i, &name, NULL);
      g_assert_cmpstr (name, ==, sent[i]);
    }

  lab_test_close_and_wait (soup_client);
}

static void
assert_masked_by_raw_client (LabFrame   *frame,
                             const char *text)
{
  g_autoptr(GBytes) plain = lab_frame_dup_payload (frame);
  GBytes *wire = lab_frame_get_payload_wire (frame);
  gsize length = strlen (text);

  g_assert_true (lab_frame_get_masked (frame));
  g_assert_cmpmem (lab_frame_get_masking_key (frame), 4, raw_key, 4);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), text, length);
  g_assert_cmpuint (g_bytes_get_size (wire), ==, length);
  for (gsize i = 0; i < length; i++)
    g_assert_cmpuint (((const guint8 *) g_bytes_get_data (wire, NULL))[i], ==,
                      (guint8) (text[i] ^ raw_key[i % 4]));
}

static void
test_frames_match_raw_client (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GSocket) raw = NULL;
  g_autofree char *medium = g_strnfill (300, 'm');
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reason = NULL;
  guint8 close_payload[2 + 4] = { 4001 >> 8, 4001 & 0xff, 'd', 'o', 'n', 'e' };
  LabPeer *peer;
  GListModel *frames;
  LabFrame *frame;
  gushort code;

  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  peer = lab_test_peer_at (fixture->server, 0);
  g_assert_null (lab_peer_get_frames (peer));
  lab_peer_set_capture (peer, TRUE);
  frames = lab_peer_get_frames (peer);

  /* One message in three fragments */
  lab_test_raw_send_frame (raw, OP_TEXT, FALSE, "{\"action\":", 10);
  lab_test_raw_send_frame (raw, OP_CONTINUATION, FALSE, "\"plus\"", 6);
  lab_test_raw_send_frame (raw, OP_CONTINUATION, TRUE, "}", 1);
  /* A 16-bit length */
  lab_test_raw_send_frame (raw, OP_TEXT, TRUE, medium, strlen (medium));
  lab_test_raw_send_frame (raw, OP_PING, TRUE, "hi", 2);
  lab_test_raw_send_frame (raw, OP_CLOSE, TRUE, close_payload, sizeof close_payload);
  lab_test_wait_incoming (frames, 6);

  frame = lab_test_nth_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, 0);
  g_assert_false (lab_frame_get_fin (frame));
  g_assert_false (lab_frame_get_rsv1 (frame) || lab_frame_get_rsv2 (frame) || lab_frame_get_rsv3 (frame));
  g_assert_cmpuint (lab_frame_get_opcode (frame), ==, OP_TEXT);
  g_assert_cmpstr (lab_frame_get_opcode_name (frame), ==, "text");
  g_assert_cmpuint (lab_frame_get_payload_length (frame), ==, 10);
  g_assert_cmpuint (lab_frame_get_length_bits (frame), ==, 7);
  g_assert_cmpuint (lab_frame_get_connection_id (frame), ==, lab_peer_get_id (peer));
  assert_masked_by_raw_client (frame, "{\"action\":");

  /* The fragments share their message's index; the next message does not. */
  for (guint i = 1; i < 3; i++)
    {
      LabFrame *fragment = lab_test_nth_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, i);

      g_assert_cmpuint (lab_frame_get_opcode (fragment), ==, OP_CONTINUATION);
      g_assert_cmpuint (lab_frame_get_message_index (fragment), ==,
                        lab_frame_get_message_index (frame));
      g_assert_cmpint (lab_frame_get_fin (fragment), ==, i == 2);
    }
  assert_masked_by_raw_client (lab_test_nth_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, 1), "\"plus\"");

  frame = lab_test_nth_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, 3);
  g_assert_cmpuint (lab_frame_get_message_index (frame), !=,
                    lab_frame_get_message_index (lab_test_nth_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, 0)));
  g_assert_cmpuint (lab_frame_get_length_encoding (frame), ==, LAB_FRAME_LENGTH_16_BIT);
  g_assert_cmpuint (lab_frame_get_payload_length (frame), ==, 300);
  assert_masked_by_raw_client (frame, medium);
  text = lab_frame_dup_payload_text (frame);
  g_assert_cmpstr (text, ==, medium);

  frame = lab_test_nth_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, 4);
  g_assert_cmpstr (lab_frame_get_opcode_name (frame), ==, "ping");
  assert_masked_by_raw_client (frame, "hi");

  frame = lab_test_nth_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, 5);
  g_assert_true (lab_frame_get_close (frame, &code, &reason));
  g_assert_cmpuint (code, ==, 4001);
  g_assert_cmpstr (reason, ==, "done");
  json = lab_frame_to_json (frame);
  g_assert_nonnull (strstr (json, "\"close_code\":4001"));
  g_assert_nonnull (strstr (json, "\"masking_key\":\"12345678\""));
  g_assert_null (strchr (json, '\n'));

  /* The server's answers: never masked; the pong carries the ping's payload. */
  lab_test_wait_frames (frames, 6 + 1);
  {
    guint n = g_list_model_get_n_items (frames);
    gboolean seen_pong = FALSE;

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(LabFrame) out = g_list_model_get_item (frames, i);
        g_autoptr(GBytes) payload = NULL;

        if (lab_frame_get_direction (out) != LAB_FRAME_SERVER_TO_CLIENT)
          continue;
        g_assert_false (lab_frame_get_masked (out));
        g_assert_null (lab_frame_get_masking_key (out));
        if (lab_frame_get_opcode (out) != OP_PONG)
          continue;
        payload = lab_frame_dup_payload (out);
        g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), "hi", 2);
        seen_pong = TRUE;
      }

    if (!seen_pong)
      {
        lab_test_wait_frames (frames, g_list_model_get_n_items (frames) + 1);
        g_assert_cmpuint (lab_test_count_direction (frames, LAB_FRAME_SERVER_TO_CLIENT), >, 0);
      }
  }
}

static gboolean
has_outgoing_close (gpointer data)
{
  GListModel *frames = data;
  guint n = g_list_model_get_n_items (frames);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);

      if (lab_frame_get_direction (frame) == LAB_FRAME_SERVER_TO_CLIENT &&
          lab_frame_get_opcode (frame) == OP_CLOSE)
        return TRUE;
    }

  return FALSE;
}

/* Over the message cap, the server drops the frame before libsoup reads it
 * and closes with 1009: the capture still shows the frame as sent. */
static void
test_frame_64_bit_length (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GSocket) raw = NULL;
  gsize size = 70000;
  g_autofree char *big = g_strnfill (size, 'b');
  LabPeer *peer;
  GListModel *frames;
  LabFrame *frame;

  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  peer = lab_test_peer_at (fixture->server, 0);
  lab_peer_set_capture (peer, TRUE);
  frames = lab_peer_get_frames (peer);

  lab_test_raw_send_frame (raw, OP_TEXT, TRUE, big, size);
  lab_test_wait_incoming (frames, 1);

  frame = lab_test_nth_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, 0);
  g_assert_cmpuint (lab_frame_get_length_encoding (frame), ==, LAB_FRAME_LENGTH_64_BIT);
  g_assert_cmpuint (lab_frame_get_length_bits (frame), ==, 64);
  g_assert_cmpuint (lab_frame_get_payload_length (frame), ==, size);
  g_assert_true (lab_frame_is_truncated (frame));
  g_assert_cmpuint (g_bytes_get_size (lab_frame_get_payload_wire (frame)), ==,
                    LAB_FRAME_METER_CAPTURE_MAX);
  g_assert_cmpmem (lab_frame_get_masking_key (frame), 4, raw_key, 4);

  g_assert_true (lab_test_wait_until (has_outgoing_close, frames, LAB_TEST_TIMEOUT_MS));
  {
    guint n = g_list_model_get_n_items (frames);

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(LabFrame) out = g_list_model_get_item (frames, i);
        gushort code;

        if (lab_frame_get_direction (out) == LAB_FRAME_SERVER_TO_CLIENT &&
            lab_frame_get_close (out, &code, NULL))
          g_assert_cmpuint (code, ==, 1009);
      }
  }
}

/* Pings with replies read and thrown away, so the kernel's buffers never fill. */
static void
flood_pings (GSocket *raw,
             guint    count)
{
  for (guint i = 0; i < count; i++)
    lab_test_raw_send_frame (raw, OP_PING, TRUE, "flood", 5);
}

static void
read_until_text (GSocket *raw)
{
  for (;;)
    {
      g_autoptr(GBytes) payload = NULL;
      guint8 opcode;

      g_assert_true (lab_test_raw_read_frame (raw, &opcode, &payload));
      if (opcode == OP_TEXT && strstr (g_bytes_get_data (payload, NULL), "error") != NULL)
        return;
    }
}

static void
test_ring_holds_its_bound (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GSocket) raw = NULL;
  LabBoundedList *all = lab_server_get_frames (fixture->server);
  LabPeer *peer;
  GListModel *frames;
  guint pings = LAB_SERVER_CAPTURE_FRAMES / 2 + 500;

  lab_server_set_capture_all (fixture->server, TRUE);
  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  peer = lab_test_peer_at (fixture->server, 0);
  lab_peer_set_capture (peer, TRUE);
  frames = lab_peer_get_frames (peer);

  flood_pings (raw, pings);
  lab_test_raw_send_frame (raw, OP_TEXT, TRUE, "not an action", 13);
  read_until_text (raw);

  g_assert_cmpuint (g_list_model_get_n_items (frames), ==, LAB_FRAME_CAPTURE_FRAMES);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, LAB_SERVER_CAPTURE_FRAMES);
}

static void
test_capture_off_makes_no_frames (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GSocket) raw = NULL;
  guint64 before;

  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  before = _lab_frame_get_n_created ();

  flood_pings (raw, 2000);
  lab_test_raw_send_frame (raw, OP_TEXT, TRUE, "not an action", 13);
  read_until_text (raw);

  g_assert_cmpuint (_lab_frame_get_n_created (), ==, before);
  g_assert_null (lab_peer_get_frames (lab_test_peer_at (fixture->server, 0)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lab_server_get_frames (fixture->server))),
                    ==, 0);
}

static void
test_json_lines_export (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GSocket) raw = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  GListModel *frames;
  guint n;

  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  /* The greeting first (users, state): the capture holds the action and its answer. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) greeting = NULL;
      guint8 opcode;

      g_assert_true (lab_test_raw_read_frame (raw, &opcode, &greeting));
      g_assert_cmpuint (opcode, ==, OP_TEXT);
    }
  lab_peer_set_capture (lab_test_peer_at (fixture->server, 0), TRUE);
  frames = lab_peer_get_frames (lab_test_peer_at (fixture->server, 0));
  lab_test_raw_send_frame (raw, OP_TEXT, TRUE, "{\"action\":\"plus\"}", 17);
  lab_test_wait_frames (frames, 2);

  n = g_list_model_get_n_items (frames);
  g_assert_true (lab_frames_write_json_lines (frames, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
    }
  g_assert_nonnull (strstr (text, "\"payload_text\":\"{\\\"action\\\":\\\"plus\\\"}\""));
  g_assert_nonnull (strstr (text, "\"direction\":\"client-to-server\""));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

#define ADD LAB_TEST_ADD_WITH_SERVER

  ADD ("/inspector/handshake/real-handshakes-check-out", test_real_handshakes_check_out);
  ADD ("/inspector/frames/match-raw-client", test_frames_match_raw_client);
  ADD ("/inspector/frames/64-bit-length", test_frame_64_bit_length);
  ADD ("/inspector/frames/ring-holds-its-bound", test_ring_holds_its_bound);
  ADD ("/inspector/frames/capture-off-makes-no-frames", test_capture_off_makes_no_frames);
  ADD ("/inspector/frames/json-lines", test_json_lines_export);

#undef ADD

  return g_test_run ();
}
