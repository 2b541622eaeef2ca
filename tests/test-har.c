/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "lab-frame.h"
#include "lab-har.h"
#include "lab-test-utils.h"

/* HAR files without a network: one in Chrome's shape (tests/data) opens with
 * the right frames, files that are not HAR say why, and what this app writes
 * has the entries Chrome writes. */

static GPtrArray *
read_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *sessions;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  sessions = lab_har_read (text, -1, &error);
  g_assert_no_error (error);
  return sessions;
}

static LabFrame *
frame_at (GListModel *frames,
          guint       position)
{
  g_autoptr(LabFrame) frame = g_list_model_get_item (frames, position);

  return frame;  /* the list keeps it */
}

static void
assert_payload (LabFrame   *frame,
                const void *expected,
                gsize       length)
{
  g_autoptr(GBytes) plain = lab_frame_dup_payload (frame);

  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), expected, length);
}

static void
test_chrome_shape_opens (void)
{
  g_autoptr(GPtrArray) sessions = read_file ("chrome-websocket.har");
  LabRecordedSession *session;
  LabHandshake *handshake;
  GListModel *frames;
  LabFrame *frame;
  static const guint8 binary[] = { 0x00, 0x01, 0x02, 0xff };

  /* The page's own entry is plain HTTP: one WebSocket entry. */
  g_assert_cmpuint (sessions->len, ==, 1);
  session = sessions->pdata[0];
  g_assert_cmpstr (lab_recorded_session_get_url (session), ==, "ws://localhost:6789/");
  g_assert_cmpstr (lab_recorded_session_get_title (session), ==, "Recorded: ws://localhost:6789/");

  handshake = lab_recorded_session_get_handshake (session);
  g_assert_cmpstr (lab_handshake_get_request_line (handshake), ==, "GET / HTTP/1.1");
  g_assert_cmpstr (lab_handshake_get_response_line (handshake), ==, "HTTP/1.1 101 Switching Protocols");
  g_assert_cmpuint (lab_handshake_get_n_request_headers (handshake), ==, 6);
  g_assert_cmpstr (lab_handshake_get_key (handshake), ==, "dGhlIHNhbXBsZSBub25jZQ==");
  g_assert_true (lab_handshake_checks_out (handshake));

  frames = lab_recorded_session_get_frames (session);
  g_assert_cmpuint (g_list_model_get_n_items (frames), ==, 4);

  /* The server's frames are never masked... */
  frame = frame_at (frames, 0);
  g_assert_cmpint (lab_frame_get_direction (frame), ==, LAB_FRAME_SERVER_TO_CLIENT);
  g_assert_false (lab_frame_get_masked (frame));
  g_assert_true (lab_frame_get_fin (frame));
  g_assert_cmpuint (lab_frame_get_opcode (frame), ==, 1);
  g_assert_cmpint (lab_frame_get_time (frame), ==, G_GINT64_CONSTANT (1795942800500000));
  assert_payload (frame, "{\"type\":\"users\",\"count\":1}", 26);

  /* ...the client's always are, with a key of their own. */
  frame = frame_at (frames, 1);
  g_assert_cmpint (lab_frame_get_direction (frame), ==, LAB_FRAME_CLIENT_TO_SERVER);
  g_assert_true (lab_frame_get_masked (frame));
  g_assert_nonnull (lab_frame_get_masking_key (frame));
  g_assert_cmpuint (lab_frame_get_payload_length (frame), ==, 17);
  g_assert_cmpuint (lab_frame_get_length_bits (frame), ==, 7);
  g_assert_cmpint (lab_frame_get_time (frame), ==, G_GINT64_CONSTANT (1795942801250000));
  assert_payload (frame, "{\"action\":\"plus\"}", 17);

  frame = frame_at (frames, 2);
  g_assert_cmpint (lab_frame_get_time (frame), ==, G_GINT64_CONSTANT (1795942801250500));

  /* Binary data comes base64-encoded. */
  frame = frame_at (frames, 3);
  g_assert_cmpuint (lab_frame_get_opcode (frame), ==, 2);
  g_assert_true (lab_frame_get_masked (frame));
  assert_payload (frame, binary, sizeof binary);

  /* No close frame was recorded: 1006. */
  g_assert_cmpuint (lab_recorded_session_get_close_code (session), ==, 1006);
}

typedef struct
{
  const char  *text;
  LabHarError  code;
  const char  *says;
} Malformed;

static void
test_malformed_files_say_why (void)
{
  static const Malformed cases[] = {
    { "this is not json {", LAB_HAR_ERROR_NOT_JSON, "not JSON" },
    { "", LAB_HAR_ERROR_NOT_JSON, "not JSON" },
    { "[1, 2, 3]", LAB_HAR_ERROR_NOT_HAR, "not a HAR" },
    { "{\"log\": {\"entries\": 3}}", LAB_HAR_ERROR_NOT_HAR, "not a HAR" },
    { "{\"log\": {\"entries\": [{\"request\": {\"url\": \"http://x/\"}}]}}",
      LAB_HAR_ERROR_NO_WEBSOCKET, "no WebSocket" },
    { "{\"log\": {\"entries\": [{\"_resourceType\": \"websocket\"}]}}",
      LAB_HAR_ERROR_INVALID, "url" },
    { "{\"log\": {\"entries\": [{\"request\": {\"url\": \"ws://x/\"}, \"_webSocketMessages\": \"hi\"}]}}",
      LAB_HAR_ERROR_INVALID, "must be lists" },
    { "{\"log\": {\"entries\": [{\"request\": {\"url\": \"ws://x/\"}, "
      "\"_webSocketMessages\": [{\"type\": \"send\", \"time\": \"soon\", \"opcode\": 1, \"data\": \"a\"}]}]}}",
      LAB_HAR_ERROR_INVALID, "message 1" },
    { "{\"log\": {\"entries\": [{\"request\": {\"url\": \"ws://x/\"}, "
      "\"_webSocketMessages\": [{\"type\": \"send\", \"time\": 1, \"opcode\": 9, \"data\": \"a\"}]}]}}",
      LAB_HAR_ERROR_INVALID, "opcode 9" },
    { "{\"log\": {\"entries\": [{\"request\": {\"url\": \"ws://x/\", \"headers\": [{\"name\": \"Host\", \"value\": 3}]}}]}}",
      LAB_HAR_ERROR_INVALID, "header 1" },
    { "{\"log\": {\"entries\": [{\"request\": {\"url\": \"ws://x/\"}, \"_webSocketFrames\": [{\"type\": \"send\", "
      "\"time\": 1, \"fin\": true, \"rsv\": [false, false, false], \"opcode\": 1, \"mask\": false, "
      "\"maskingKey\": null, \"length\": 300, \"lengthBits\": 7, \"payload\": \"\"}]}]}}",
      LAB_HAR_ERROR_INVALID, "out of range" },
    { "{\"log\": {\"entries\": [{\"request\": {\"url\": \"ws://x/\"}, \"_webSocketFrames\": [{\"type\": \"send\", "
      "\"time\": 1, \"fin\": true, \"rsv\": [false, false, false], \"opcode\": 1, \"mask\": true, "
      "\"maskingKey\": \"zz\", \"length\": 1, \"lengthBits\": 7, \"payload\": \"YQ==\"}]}]}}",
      LAB_HAR_ERROR_INVALID, "maskingKey" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) sessions = lab_har_read (cases[i].text, -1, &error);

      g_test_message ("case %u: %s", i, error ? error->message : "(no error)");
      g_assert_null (sessions);
      g_assert_error (error, LAB_HAR_ERROR, (int) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }
}

static LabFrame *
make_frame (LabFrameDirection  direction,
            guint64            message,
            gint64             time,
            guint8             first_byte,
            const char        *text)
{
  static const guint8 key[4] = { 0xa1, 0xb2, 0xc3, 0xd4 };
  gsize length = strlen (text);
  gboolean masked = direction == LAB_FRAME_CLIENT_TO_SERVER;
  guint8 header[6] = { first_byte, (masked ? 0x80 : 0) | length, key[0], key[1], key[2], key[3] };
  g_autofree guint8 *wire = g_malloc (length + 1);

  for (gsize i = 0; i < length; i++)
    wire[i] = masked ? text[i] ^ key[i % 4] : text[i];

  return lab_frame_new_from_wire (direction, 7, message, time, header, masked ? 6 : 2, wire, length);
}

static JsonObject *
parse_entry (const char *har,
             JsonParser *parser)
{
  JsonObject *log;

  g_assert_true (json_parser_load_from_data (parser, har, -1, NULL));
  log = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "log");
  g_assert_cmpstr (json_object_get_string_member (log, "version"), ==, "1.2");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (log, "entries")), ==, 1);

  return json_array_get_object_element (json_object_get_array_member (log, "entries"), 0);
}

static void
assert_message (JsonArray  *messages,
                guint       index,
                const char *type,
                gint64      time,
                gint64      opcode,
                const char *data)
{
  JsonObject *message = json_array_get_object_element (messages, index);

  g_assert_cmpstr (json_object_get_string_member (message, "type"), ==, type);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (message, "time"),
                                  time / (double) G_USEC_PER_SEC, 1e-6);
  g_assert_cmpint (json_object_get_int_member (message, "opcode"), ==, opcode);
  g_assert_cmpstr (json_object_get_string_member (message, "data"), ==, data);
}

static void
test_written_like_chrome (void)
{
  g_autoptr(GListStore) frames = g_list_store_new (LAB_TYPE_FRAME);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(LabHandshake) handshake = NULL;
  g_autofree char *har = NULL;
  JsonObject *entry, *request, *response;
  JsonArray *messages;
  gint64 t = G_GINT64_CONSTANT (1795942800000000);
  g_autoptr(LabFrame) f1 = make_frame (LAB_FRAME_CLIENT_TO_SERVER, 0, t + 1, 0x01, "{\"act");
  g_autoptr(LabFrame) f2 = make_frame (LAB_FRAME_CLIENT_TO_SERVER, 0, t + 2, 0x80, "ion\":\"plus\"}");
  g_autoptr(LabFrame) f3 = make_frame (LAB_FRAME_SERVER_TO_CLIENT, 0, t + 250000, 0x81, "{\"value\":1}");
  g_autoptr(LabFrame) f4 = make_frame (LAB_FRAME_CLIENT_TO_SERVER, 1, t + 300000, 0x89, "p");
  g_autoptr(LabFrame) f5 = make_frame (LAB_FRAME_SERVER_TO_CLIENT, 1, t + 300400, 0x8a, "p");
  g_autoptr(LabFrame) f6 = make_frame (LAB_FRAME_SERVER_TO_CLIENT, 2, t + 400000, 0x82, "\x01\x02");

  g_list_store_append (frames, f1);
  g_list_store_append (frames, f2);
  g_list_store_append (frames, f3);
  g_list_store_append (frames, f4);
  g_list_store_append (frames, f5);
  g_list_store_append (frames, f6);
  handshake = lab_handshake_new_from_text ("GET /counter HTTP/1.1\nHost: 127.0.0.1:6789\n"
                                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n",
                                           "HTTP/1.1 101 Switching Protocols\n"
                                           "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n");
  {
    g_autofree char *url = lab_har_url_from_handshake (handshake);

    g_assert_cmpstr (url, ==, "ws://127.0.0.1:6789/counter");
  }

  har = lab_har_write ("ws://127.0.0.1:6789/counter", handshake, G_LIST_MODEL (frames));
  entry = parse_entry (har, parser);
  g_assert_cmpstr (json_object_get_string_member (entry, "_resourceType"), ==, "websocket");
  g_assert_nonnull (json_object_get_string_member (entry, "startedDateTime"));
  request = json_object_get_object_member (entry, "request");
  g_assert_cmpstr (json_object_get_string_member (request, "method"), ==, "GET");
  g_assert_cmpstr (json_object_get_string_member (request, "url"), ==, "ws://127.0.0.1:6789/counter");
  g_assert_cmpstr (json_object_get_string_member (request, "httpVersion"), ==, "HTTP/1.1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (request, "headers")), ==, 2);
  response = json_object_get_object_member (entry, "response");
  g_assert_cmpint (json_object_get_int_member (response, "status"), ==, 101);
  g_assert_cmpstr (json_object_get_string_member (response, "statusText"), ==, "Switching Protocols");

  /* Messages as Chrome writes them: fragments joined, no control frames,
   * binary as base64, epoch seconds with fractions. */
  messages = json_object_get_array_member (entry, "_webSocketMessages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);
  assert_message (messages, 0, "send", t + 1, 1, "{\"action\":\"plus\"}");
  assert_message (messages, 1, "receive", t + 250000, 1, "{\"value\":1}");
  assert_message (messages, 2, "receive", t + 400000, 2, "AQI=");

  /* Every frame in this app's own field. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (entry, "_webSocketFrames")), ==, 6);
}

/* Several connections in one file: each is a session, in the file's order;
 * a time too large for epoch seconds is read as milliseconds. */
static void
test_several_connections (void)
{
  static const char *text =
    "{\"log\": {\"version\": \"1.2\", \"entries\": ["
    "{\"request\": {\"url\": \"ws://one.example/a\"}, \"response\": {\"status\": 101},"
    " \"_webSocketMessages\": [{\"type\": \"send\", \"time\": 1795942800500, \"opcode\": 1, \"data\": \"hi\"}]},"
    "{\"request\": {\"url\": \"https://one.example/page\"}},"
    "{\"request\": {\"url\": \"wss://two.example/b?x=1\"}}"
    "]}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = lab_har_read (text, -1, &error);
  LabRecordedSession *first, *second;

  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 2);
  first = sessions->pdata[0];
  second = sessions->pdata[1];
  g_assert_cmpstr (lab_recorded_session_get_url (first), ==, "ws://one.example/a");
  g_assert_cmpint (lab_frame_get_time (frame_at (lab_recorded_session_get_frames (first), 0)), ==,
                   G_GINT64_CONSTANT (1795942800500000));
  g_assert_cmpstr (lab_recorded_session_get_url (second), ==, "wss://two.example/b?x=1");
  g_assert_cmpstr (lab_handshake_get_request_line (lab_recorded_session_get_handshake (second)), ==,
                   "GET /b?x=1 HTTP/1.1");
  g_assert_cmpuint (g_list_model_get_n_items (lab_recorded_session_get_frames (second)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/har/chrome-shape-opens", test_chrome_shape_opens);
  g_test_add_func ("/har/malformed-files-say-why", test_malformed_files_say_why);
  g_test_add_func ("/har/written-like-chrome", test_written_like_chrome);
  g_test_add_func ("/har/several-connections", test_several_connections);

  return g_test_run ();
}
