/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-client.h"
#include "lab-frame.h"
#include "lab-peer.h"
#include "lab-trust-store.h"
#include "lab-tls.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"

/* The client on a stream of its own, as the Inspector shows it: the frames
 * it captured against what the server captured of the same connection, its
 * handshake's derivation, pings and their round trip, TLS, bytes the server
 * sends right behind its 101, and nothing kept while capture is off. Real
 * servers on ephemeral loopback ports. */

#define OP_TEXT 0x1
#define OP_PING 0x9
#define OP_PONG 0xa

typedef struct
{
  GListModel        *frames;
  LabFrameDirection  direction;
  guint8             opcode;
  const char        *text;
} Wanted;

/* The payload as sent, unmasked: dup_payload_text() pretty-prints JSON. */
static gboolean
payload_is (LabFrame   *frame,
            const char *text)
{
  g_autoptr(GBytes) payload = lab_frame_dup_payload (frame);

  return g_bytes_get_size (payload) == strlen (text) &&
         memcmp (g_bytes_get_data (payload, NULL), text, strlen (text)) == 0;
}

static gboolean
has_frame_text (gpointer data)
{
  Wanted *wanted = data;
  guint n = g_list_model_get_n_items (wanted->frames);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (wanted->frames, i);

      if (lab_frame_get_direction (frame) == wanted->direction &&
          lab_frame_get_opcode (frame) == wanted->opcode && payload_is (frame, wanted->text))
        return TRUE;
    }

  return FALSE;
}

/* Waits for a frame and returns it. */
static LabFrame *
wait_frame (GListModel        *frames,
            LabFrameDirection  direction,
            guint8             opcode,
            const char        *text)
{
  Wanted wanted = { frames, direction, opcode, text };
  guint n;

  g_assert_true (lab_test_wait_until (has_frame_text, &wanted, LAB_TEST_TIMEOUT_MS));

  n = g_list_model_get_n_items (frames);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);

      if (lab_frame_get_direction (frame) == direction && lab_frame_get_opcode (frame) == opcode &&
          payload_is (frame, text))
        return frame;  /* the list keeps it */
    }

  g_assert_not_reached ();
}

static gboolean
has_rtt (gpointer data)
{
  return lab_client_get_pong_rtt (data) >= 0;
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

/* What the client captured is what the server captured of the same
 * connection, frame for frame: a masked action with the same masking key,
 * unmasked state, and the client's ping with the server's pong. */
static void
test_frames_match_server (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *url = lab_test_url (server, "/");
  LabClient *client = lab_client_new (url, NULL);
  GListModel *frames;
  GListModel *server_frames;
  LabPeer *peer;
  LabFrame *sent;
  LabFrame *received;
  LabFrame *state;
  LabFrame *ping;
  LabFrame *pong;
  guint rtt_notes = 0;

  lab_client_set_keepalive_interval (client, 0);
  lab_client_set_capture (client, TRUE);
  g_assert_true (lab_client_get_capture (client));
  g_signal_connect (client, "notify::pong-rtt", G_CALLBACK (count_cb), &rtt_notes);
  lab_client_connect (client);
  lab_test_wait_client_value (client, 0);
  lab_test_wait_peers (server, 1);
  peer = lab_test_peer_at (server, 0);
  lab_peer_set_capture (peer, TRUE);
  server_frames = lab_peer_get_frames (peer);
  frames = lab_client_get_frames (client);

  /* The greeting: server→client, unmasked */
  state = wait_frame (frames, LAB_FRAME_SERVER_TO_CLIENT, OP_TEXT, "{\"type\":\"state\",\"value\":0}");
  g_assert_false (lab_frame_get_masked (state));
  g_assert_true (lab_frame_get_fin (state));

  /* An action: client→server, masked with a key, the same on both ends */
  g_assert_true (lab_client_plus (client));
  lab_test_wait_client_value (client, 1);
  sent = wait_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, OP_TEXT, "{\"action\":\"plus\"}");
  received = wait_frame (server_frames, LAB_FRAME_CLIENT_TO_SERVER, OP_TEXT, "{\"action\":\"plus\"}");
  g_assert_true (lab_frame_get_masked (sent));
  g_assert_true (lab_frame_get_masked (received));
  g_assert_cmpmem (lab_frame_get_masking_key (sent), 4, lab_frame_get_masking_key (received), 4);
  g_assert_true (g_bytes_equal (lab_frame_get_payload_wire (sent), lab_frame_get_payload_wire (received)));
  g_assert_cmpuint (lab_frame_get_payload_length (sent), ==, strlen ("{\"action\":\"plus\"}"));
  g_assert_cmpint (lab_frame_get_length_encoding (sent), ==, LAB_FRAME_LENGTH_7_BIT);
  state = wait_frame (frames, LAB_FRAME_SERVER_TO_CLIENT, OP_TEXT, "{\"type\":\"state\",\"value\":1}");
  g_assert_false (lab_frame_get_masked (state));

  /* Ping Now: our ping masked, the server's pong unmasked, a round trip */
  g_assert_cmpint (lab_client_get_pong_rtt (client), ==, -1);
  g_assert_true (lab_client_ping_now (client));
  g_assert_true (lab_test_wait_until (has_rtt, client, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (rtt_notes, >=, 1);
  ping = wait_frame (frames, LAB_FRAME_CLIENT_TO_SERVER, OP_PING, "lab-ping 1");
  pong = wait_frame (frames, LAB_FRAME_SERVER_TO_CLIENT, OP_PONG, "lab-ping 1");
  g_assert_true (lab_frame_get_masked (ping));
  g_assert_false (lab_frame_get_masked (pong));
  received = wait_frame (server_frames, LAB_FRAME_CLIENT_TO_SERVER, OP_PING, "lab-ping 1");
  g_assert_cmpmem (lab_frame_get_masking_key (ping), 4, lab_frame_get_masking_key (received), 4);
  g_assert_true (lab_client_get_pong_rtt (client) < LAB_TEST_TIMEOUT_MS);
  /* The server was not pinged by anyone else: its pong-rtt is its own */
  g_assert_cmpint (lab_peer_get_pong_rtt (peer), ==, -1);

  g_signal_handlers_disconnect_by_data (client, &rtt_notes);
  lab_test_client_free (client);
  lab_test_wait_peers (server, 0);
}

/* The handshake the client sent and read, with a derivation that checks out,
 * and the same key and accept the server saw. */
static void
test_handshake (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *url = lab_test_url (server, "/counter?x=1");
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", lab_server_get_bound_port (server));
  LabClient *client = lab_client_new (url, NULL);
  LabHandshake *handshake;
  LabHandshake *server_side;
  g_autofree char *expected = NULL;
  g_autofree char *first_key = NULL;
  g_auto(GStrv) steps = NULL;
  guint notes = 0;
  gboolean has_origin = FALSE;

  g_assert_null (lab_client_get_handshake (client));
  g_signal_connect (client, "notify::handshake", G_CALLBACK (count_cb), &notes);
  lab_client_connect (client);
  lab_test_wait_client_value (client, 0);
  lab_test_wait_peers (server, 1);

  handshake = lab_client_get_handshake (client);
  g_assert_nonnull (handshake);
  g_assert_cmpuint (notes, ==, 1);
  g_assert_cmpstr (lab_handshake_get_request_line (handshake), ==, "GET /counter?x=1 HTTP/1.1");
  g_assert_cmpstr (lab_handshake_get_response_line (handshake), ==, "HTTP/1.1 101 Switching Protocols");
  g_assert_true (lab_handshake_checks_out (handshake));
  g_assert_cmpuint (strlen (lab_handshake_get_key (handshake)), ==, 24);  /* 16 bytes in base64 */
  expected = lab_handshake_derive_accept (lab_handshake_get_key (handshake), NULL, NULL);
  g_assert_cmpstr (lab_handshake_get_accept_sent (handshake), ==, expected);
  steps = lab_handshake_describe_derivation (handshake);
  g_assert_true (g_str_has_prefix (steps[4], "✓"));

  for (guint i = 0; i < lab_handshake_get_n_request_headers (handshake); i++)
    {
      const char *name;
      const char *value;

      lab_handshake_get_request_header (handshake, i, &name, &value);
      if (g_ascii_strcasecmp (name, "Host") == 0)
        g_assert_cmpstr (value, ==, host);
      has_origin |= g_ascii_strcasecmp (name, "Origin") == 0;
    }
  g_assert_false (has_origin);

  server_side = lab_peer_get_handshake (lab_test_peer_at (server, 0));
  g_assert_cmpstr (lab_handshake_get_key (server_side), ==, lab_handshake_get_key (handshake));
  g_assert_cmpstr (lab_handshake_get_accept_sent (server_side), ==,
                   lab_handshake_get_accept_sent (handshake));

  /* Each connection brings its own */
  first_key = g_strdup (lab_handshake_get_key (handshake));
  lab_client_disconnect (client);
  lab_test_wait_peers (server, 0);
  lab_client_connect (client);
  lab_test_wait_client_value (client, 0);
  g_assert_cmpuint (notes, ==, 2);
  g_assert_cmpstr (lab_handshake_get_key (lab_client_get_handshake (client)), !=, first_key);

  g_signal_handlers_disconnect_by_data (client, &notes);
  lab_test_client_free (client);
  lab_test_wait_peers (server, 0);
}

/* With the keepalive on, the client pings by itself and learns the round trip. */
static void
test_keepalive_pings (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  LabClient *client;

  lab_server_set_ping_interval (server, 0);
  client = lab_client_new (NULL, NULL);
  lab_client_set_keepalive_interval (client, 1);
  g_object_unref (client);

  client = lab_test_client_new_connected (server, FALSE);
  lab_client_set_keepalive_interval (client, 1);
  g_assert_true (lab_test_wait_until (has_rtt, client, 3000));
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);

  lab_test_client_free (client);
  lab_test_wait_peers (server, 0);
}

/* Capture off: however much traffic, not one frame is kept. */
static void
test_capture_off_keeps_nothing (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  LabClient *client = lab_test_client_new_connected (server, FALSE);
  GListModel *frames = lab_client_get_frames (client);

  g_assert_false (lab_client_get_capture (client));
  for (guint i = 1; i <= 50; i++)
    {
      g_assert_true (lab_client_plus (client));
      lab_test_wait_client_value (client, i);
    }
  g_assert_true (lab_client_ping_now (client));
  g_assert_true (lab_test_wait_until (has_rtt, client, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (frames), ==, 0);

  /* On, then off again: what was kept stays, nothing more comes */
  lab_client_set_capture (client, TRUE);
  g_assert_true (lab_client_minus (client));
  lab_test_wait_client_value (client, 49);
  wait_frame (frames, LAB_FRAME_SERVER_TO_CLIENT, OP_TEXT, "{\"type\":\"state\",\"value\":49}");
  lab_client_set_capture (client, FALSE);
  {
    guint kept = g_list_model_get_n_items (frames);

    g_assert_cmpuint (kept, >=, 2);
    g_assert_true (lab_client_minus (client));
    lab_test_wait_client_value (client, 48);
    g_assert_cmpuint (g_list_model_get_n_items (frames), ==, kept);
  }

  lab_test_client_free (client);
  lab_test_wait_peers (server, 0);
}

/* Over wss:// with the server's self-signed certificate trusted: the
 * handshake and frames as over ws://. Untrusted: refused, said so. */
static void
test_tls (void)
{
  g_autoptr(LabServer) server = lab_test_tls_server_new_started (NULL);
  g_autoptr(LabTrustStore) trust_store = lab_test_trust_store_new (LAB_TRUST_ASK, NULL);
  guint port = lab_server_get_bound_port (server);
  g_autofree char *url = g_strdup_printf ("wss://localhost:%u/", port);
  g_autofree char *peer_name = g_strdup_printf ("localhost:%u", port);
  g_autofree char *fingerprint = lab_tls_dup_fingerprint (lab_server_get_tls_certificate (server));
  LabClient *client = lab_client_new (url, NULL);
  GTlsCertificateFlags errors = 0;
  const char *peer = NULL;

  lab_client_set_trust_store (client, trust_store);
  lab_client_set_capture (client, TRUE);
  lab_client_connect (client);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_nonnull (lab_client_get_untrusted_certificate (client, &errors, &peer));
  g_assert_true (errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_cmpstr (peer, ==, peer_name);
  g_assert_nonnull (strstr (lab_client_get_last_error (client), "not trusted"));
  g_assert_null (lab_client_get_handshake (client));

  lab_trust_store_trust (trust_store, peer_name, fingerprint);
  lab_test_wait_client_value (client, 0);
  g_assert_true (lab_handshake_checks_out (lab_client_get_handshake (client)));
  g_assert_true (lab_client_plus (client));
  lab_test_wait_client_value (client, 1);
  g_assert_true (lab_frame_get_masked (wait_frame (lab_client_get_frames (client),
                                                   LAB_FRAME_CLIENT_TO_SERVER, OP_TEXT,
                                                   "{\"action\":\"plus\"}")));

  lab_test_client_free (client);
  lab_test_wait_peers (server, 0);
}

/* A server that writes its 101 and its first frame in one go, as a fast one
 * does: the bytes behind the response's blank line are the WebSocket's. */
static gboolean
eager_server_cb (GThreadedSocketService *service,
                 GSocketConnection      *connection,
                 GObject                *source_object,
                 gpointer                user_data)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  static const char * const messages[] = {
    "{\"type\":\"users\",\"count\":7}",
    "{\"type\":\"state\",\"value\":42}",
  };
  g_autofree char *head = lab_test_read_upgrade (connection);
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  char buffer[1024];

  if (head == NULL)
    return TRUE;

  g_byte_array_append (reply, (const guint8 *) head, strlen (head));
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      guint8 frame_header[2] = { 0x80 | OP_TEXT, strlen (messages[i]) };

      g_byte_array_append (reply, frame_header, 2);
      g_byte_array_append (reply, (const guint8 *) messages[i], strlen (messages[i]));
    }
  g_output_stream_write_all (output, reply->data, reply->len, NULL, NULL, NULL);

  /* Reads until the client goes. */
  while (g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL) > 0)
    ;

  return TRUE;
}

static void
test_bytes_right_after_101 (void)
{
  g_autofree char *url = NULL;
  GSocketService *service = lab_test_threaded_server_new (G_CALLBACK (eager_server_cb), &url);
  LabClient *client = lab_client_new (url, NULL);

  lab_client_set_capture (client, TRUE);
  lab_client_connect (client);
  lab_test_wait_client_value (client, 42);
  lab_test_wait_client_users (client, 7);
  lab_test_wait_frames (lab_client_get_frames (client), 2);

  lab_client_disconnect (client);
  lab_test_client_free (client);
  lab_test_service_free (service);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/client-inspect/frames-match-server", test_frames_match_server);
  g_test_add_func ("/client-inspect/handshake", test_handshake);
  g_test_add_func ("/client-inspect/keepalive-pings", test_keepalive_pings);
  g_test_add_func ("/client-inspect/capture-off-keeps-nothing", test_capture_off_keeps_nothing);
  g_test_add_func ("/client-inspect/tls", test_tls);
  g_test_add_func ("/client-inspect/bytes-right-after-101", test_bytes_right_after_101);

  return g_test_run ();
}
