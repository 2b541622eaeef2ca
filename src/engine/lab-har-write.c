/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-har"

#include "config.h"

#include <json-glib/json-glib.h>

#include "lab-frame.h"
#include "lab-har.h"

/* Writes one WebSocket connection as a HAR 1.2 log with one entry, shaped as
 * Chrome's devtools write it ("_resourceType": "websocket", the messages in
 * "_webSocketMessages"), so browsers and HAR viewers open it; every frame's
 * header bits go in "_webSocketFrames", so this app replays it exactly. */

#define OPCODE_CONTINUATION 0x0
#define OPCODE_TEXT 0x1
#define OPCODE_BINARY 0x2

G_DEFINE_QUARK (lab-har-error-quark, lab_har_error)

static const char *
find_header (LabHandshake *handshake,
             const char   *wanted)
{
  for (guint i = 0; i < lab_handshake_get_n_request_headers (handshake); i++)
    {
      const char *name, *value;

      lab_handshake_get_request_header (handshake, i, &name, &value);
      if (g_ascii_strcasecmp (name, wanted) == 0)
        return value;
    }

  return NULL;
}

/**
 * lab_har_url_from_handshake:
 *
 * Returns: (transfer full): ws://HOST/PATH from the request's Host header and
 *   request line (a handshake does not say whether TLS carried it)
 */
char *
lab_har_url_from_handshake (LabHandshake *handshake)
{
  g_auto(GStrv) words = NULL;
  const char *host;

  g_return_val_if_fail (LAB_IS_HANDSHAKE (handshake), NULL);

  words = g_strsplit (lab_handshake_get_request_line (handshake), " ", 3);
  host = find_header (handshake, "Host");

  return g_strdup_printf ("ws://%s%s", host != NULL ? host : "localhost",
                          words[0] != NULL && words[1] != NULL ? words[1] : "/");
}

static double
epoch_seconds (gint64 time)
{
  return (double) time / G_USEC_PER_SEC;
}

static char *
iso_time (gint64 time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = g_date_time_add (when, time % G_USEC_PER_SEC);

  return g_date_time_format (exact, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

typedef void (*GetHeader) (LabHandshake *, guint, const char **, const char **);

static void
add_headers (JsonBuilder  *builder,
             LabHandshake *handshake,
             guint         n,
             GetHeader     get)
{
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_array (builder);
  for (guint i = 0; handshake != NULL && i < n; i++)
    {
      const char *name, *value;

      get (handshake, i, &name, &value);
      json_builder_begin_object (builder);
      add_string (builder, "name", name);
      add_string (builder, "value", value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* "HTTP/1.1 101 Switching Protocols" → its version, status and text. */
static void
add_response (JsonBuilder  *builder,
              LabHandshake *handshake)
{
  g_auto(GStrv) words = g_strsplit (handshake ? lab_handshake_get_response_line (handshake)
                                              : "HTTP/1.1 101 Switching Protocols", " ", 3);
  guint n = g_strv_length (words);

  json_builder_set_member_name (builder, "response");
  json_builder_begin_object (builder);
  add_int (builder, "status", n > 1 ? g_ascii_strtoll (words[1], NULL, 10) : 101);
  add_string (builder, "statusText", n > 2 ? words[2] : "");
  add_string (builder, "httpVersion", n > 0 ? words[0] : "HTTP/1.1");
  add_headers (builder, handshake, handshake ? lab_handshake_get_n_response_headers (handshake) : 0,
               lab_handshake_get_response_header);
  json_builder_set_member_name (builder, "cookies");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "content");
  json_builder_begin_object (builder);
  add_int (builder, "size", 0);
  add_string (builder, "mimeType", "x-unknown");
  json_builder_end_object (builder);
  add_string (builder, "redirectURL", "");
  add_int (builder, "headersSize", -1);
  add_int (builder, "bodySize", -1);
  json_builder_end_object (builder);
}

static void
add_request (JsonBuilder  *builder,
             const char   *url,
             LabHandshake *handshake)
{
  g_auto(GStrv) words = g_strsplit (handshake ? lab_handshake_get_request_line (handshake)
                                              : "GET / HTTP/1.1", " ", 3);

  json_builder_set_member_name (builder, "request");
  json_builder_begin_object (builder);
  add_string (builder, "method", words[0] != NULL ? words[0] : "GET");
  add_string (builder, "url", url);
  add_string (builder, "httpVersion", g_strv_length (words) > 2 ? words[2] : "HTTP/1.1");
  add_headers (builder, handshake, handshake ? lab_handshake_get_n_request_headers (handshake) : 0,
               lab_handshake_get_request_header);
  json_builder_set_member_name (builder, "queryString");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "cookies");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  add_int (builder, "headersSize", -1);
  add_int (builder, "bodySize", 0);
  json_builder_end_object (builder);
}

static const char *
message_type (LabFrame *frame)
{
  return lab_frame_get_direction (frame) == LAB_FRAME_CLIENT_TO_SERVER ? "send" : "receive";
}

/* One entry per data message, as Chrome writes them: fragments joined, text
 * as text, binary as base64, the time its first frame crossed. */
static void
add_messages (JsonBuilder *builder,
              GListModel  *frames)
{
  guint n = g_list_model_get_n_items (frames);
  /* A message under way in each direction */
  GByteArray *pending[2] = { NULL, NULL };
  LabFrame *first[2] = { NULL, NULL };

  json_builder_set_member_name (builder, "_webSocketMessages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);
      g_autoptr(GBytes) plain = NULL;
      LabFrameDirection way = lab_frame_get_direction (frame);
      guint8 opcode = lab_frame_get_opcode (frame);

      if (lab_frame_is_control (frame) || (opcode != OPCODE_CONTINUATION && opcode != OPCODE_TEXT &&
                                           opcode != OPCODE_BINARY))
        continue;
      if (opcode != OPCODE_CONTINUATION)
        {
          g_clear_pointer (&pending[way], g_byte_array_unref);
          g_clear_object (&first[way]);
          pending[way] = g_byte_array_new ();
          first[way] = g_object_ref (frame);
        }
      if (pending[way] == NULL)
        continue;  /* a continuation whose first frame the ring forgot */

      plain = lab_frame_dup_payload (frame);
      g_byte_array_append (pending[way], g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
      if (!lab_frame_get_fin (frame))
        continue;

      json_builder_begin_object (builder);
      add_string (builder, "type", message_type (first[way]));
      json_builder_set_member_name (builder, "time");
      json_builder_add_double_value (builder, epoch_seconds (lab_frame_get_time (first[way])));
      add_int (builder, "opcode", lab_frame_get_opcode (first[way]));
      if (lab_frame_get_opcode (first[way]) == OPCODE_TEXT)
        {
          g_autofree char *text = g_utf8_make_valid ((const char *) pending[way]->data,
                                                     pending[way]->len);

          add_string (builder, "data", text);
        }
      else
        {
          g_autofree char *base64 = g_base64_encode (pending[way]->data, pending[way]->len);

          add_string (builder, "data", base64);
        }
      json_builder_end_object (builder);
      g_clear_pointer (&pending[way], g_byte_array_unref);
      g_clear_object (&first[way]);
    }
  json_builder_end_array (builder);

  for (guint way = 0; way < 2; way++)
    {
      g_clear_pointer (&pending[way], g_byte_array_unref);
      g_clear_object (&first[way]);
    }
}

static void
add_frame (JsonBuilder *builder,
           LabFrame    *frame)
{
  g_autoptr(GBytes) plain = lab_frame_dup_payload (frame);
  g_autofree char *payload = g_base64_encode (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  const guint8 *key = lab_frame_get_masking_key (frame);

  json_builder_begin_object (builder);
  add_string (builder, "type", message_type (frame));
  json_builder_set_member_name (builder, "time");
  json_builder_add_double_value (builder, epoch_seconds (lab_frame_get_time (frame)));
  add_int (builder, "message", lab_frame_get_message_index (frame));
  json_builder_set_member_name (builder, "fin");
  json_builder_add_boolean_value (builder, lab_frame_get_fin (frame));
  json_builder_set_member_name (builder, "rsv");
  json_builder_begin_array (builder);
  json_builder_add_boolean_value (builder, lab_frame_get_rsv1 (frame));
  json_builder_add_boolean_value (builder, lab_frame_get_rsv2 (frame));
  json_builder_add_boolean_value (builder, lab_frame_get_rsv3 (frame));
  json_builder_end_array (builder);
  add_int (builder, "opcode", lab_frame_get_opcode (frame));
  json_builder_set_member_name (builder, "mask");
  json_builder_add_boolean_value (builder, lab_frame_get_masked (frame));
  json_builder_set_member_name (builder, "maskingKey");
  if (key != NULL)
    {
      g_autofree char *hex = g_strdup_printf ("%02x%02x%02x%02x", key[0], key[1], key[2], key[3]);

      json_builder_add_string_value (builder, hex);
    }
  else
    json_builder_add_null_value (builder);
  add_int (builder, "length", lab_frame_get_payload_length (frame));
  add_int (builder, "lengthBits", lab_frame_get_length_bits (frame));
  /* Unmasked; only the bytes the capture kept when it was truncated. */
  add_string (builder, "payload", payload);
  json_builder_end_object (builder);
}

static void
add_frames (JsonBuilder *builder,
            GListModel  *frames)
{
  guint n = g_list_model_get_n_items (frames);

  json_builder_set_member_name (builder, "_webSocketFrames");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);

      add_frame (builder, frame);
    }
  json_builder_end_array (builder);
}

static gint64
first_time (GListModel *frames)
{
  g_autoptr(LabFrame) first = g_list_model_get_item (frames, 0);

  return first != NULL ? lab_frame_get_time (first) : g_get_real_time ();
}

static double
duration_ms (GListModel *frames)
{
  guint n = g_list_model_get_n_items (frames);
  g_autoptr(LabFrame) last = n > 0 ? g_list_model_get_item (frames, n - 1) : NULL;

  return last != NULL ? (lab_frame_get_time (last) - first_time (frames)) / 1000.0 : 0;
}

static void
add_entry (JsonBuilder  *builder,
           const char   *url,
           LabHandshake *handshake,
           GListModel   *frames)
{
  g_autofree char *started = iso_time (first_time (frames));

  json_builder_begin_object (builder);
  add_string (builder, "_resourceType", "websocket");
  add_string (builder, "startedDateTime", started);
  json_builder_set_member_name (builder, "time");
  json_builder_add_double_value (builder, duration_ms (frames));
  add_request (builder, url, handshake);
  add_response (builder, handshake);
  json_builder_set_member_name (builder, "cache");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "timings");
  json_builder_begin_object (builder);
  add_int (builder, "send", 0);
  add_int (builder, "wait", 0);
  add_int (builder, "receive", 0);
  json_builder_end_object (builder);
  add_messages (builder, frames);
  add_frames (builder, frames);
  json_builder_end_object (builder);
}

/**
 * lab_har_write:
 * @url: the connection's ws:// or wss:// URL
 * @handshake: (nullable): its opening handshake
 * @frames: its #LabFrame items, oldest first
 *
 * Returns: (transfer full): the HAR, pretty-printed
 */
char *
lab_har_write (const char   *url,
               LabHandshake *handshake,
               GListModel   *frames)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (frames), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "log");
  json_builder_begin_object (builder);
  add_string (builder, "version", "1.2");
  json_builder_set_member_name (builder, "creator");
  json_builder_begin_object (builder);
  add_string (builder, "name", "WebSocket Lab");
  add_string (builder, "version", PACKAGE_VERSION);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "pages");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  add_entry (builder, url, handshake, frames);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);

  return json_generator_to_data (generator, NULL);
}
