/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-har"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lab-bounded-list.h"
#include "lab-frame.h"
#include "lab-frame-meter.h"
#include "lab-har.h"

/* Reads the WebSocket connections of a HAR: one this app wrote (every frame's
 * bits in "_webSocketFrames"), or one Chrome's or Firefox's devtools saved
 * (data messages only, in "_webSocketMessages": each becomes one frame with
 * FIN set, masked with a fresh key from the client as RFC 6455 requires). A
 * file that is not what it claims gets an error saying what is wrong. */

#define OPCODE_TEXT 0x1
#define OPCODE_BINARY 0x2

typedef struct
{
  LabBoundedList *frames;
  guint64         next_message[2];
  guint           entry;
} Reading;

static gboolean
fail (GError     **error,
      LabHarError  code,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      LabHarError  code,
      const char  *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (LAB_HAR_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

static JsonNode *
member_of_type (JsonObject *object,
                const char *name,
                JsonNodeType type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_TYPE (node) == type ? node : NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = member_of_type (object, name, JSON_NODE_VALUE);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static gboolean
number_member (JsonObject *object,
               const char *name,
               double     *number)
{
  JsonNode *node = member_of_type (object, name, JSON_NODE_VALUE);
  GType type = node != NULL ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *number = json_node_get_double (node);
  return TRUE;
}

static gboolean
boolean_node (JsonNode *node,
              gboolean *value)
{
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* Chrome writes epoch seconds with fractions; a number too large for that is
 * taken as milliseconds. */
static gint64
time_from_number (double seconds)
{
  if (seconds > 1e11)
    seconds /= 1000;
  return (gint64) llround (seconds * G_USEC_PER_SEC);
}

/* The message's first line, then "Name: value" lines, as LabHandshake reads them. */
static char *
message_text (const char  *first_line,
              JsonObject  *message,
              Reading     *reading,
              const char  *which,
              GError     **error)
{
  g_autoptr(GString) text = g_string_new (first_line);
  JsonNode *headers = member_of_type (message, "headers", JSON_NODE_ARRAY);
  JsonArray *array = headers != NULL ? json_node_get_array (headers) : NULL;

  g_string_append_c (text, '\n');
  if (message != NULL && json_object_has_member (message, "headers") && array == NULL)
    {
      fail (error, LAB_HAR_ERROR_INVALID, _("Entry %u: the %s’s “headers” is not a list"),
            reading->entry, which);
      return NULL;
    }

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *header = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = string_member (header, "name");
      const char *value = string_member (header, "value");

      if (name == NULL || value == NULL)
        {
          fail (error, LAB_HAR_ERROR_INVALID,
                _("Entry %u: the %s’s header %u has no text “name” and “value”"),
                reading->entry, which, i + 1);
          return NULL;
        }
      g_string_append_printf (text, "%s: %s\n", name, value);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
path_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;

  if (path == NULL || path[0] == '\0')
    path = "/";
  return query != NULL ? g_strdup_printf ("%s?%s", path, query) : g_strdup (path);
}

static LabHandshake *
read_handshake (JsonObject  *request,
                JsonObject  *response,
                const char  *url,
                Reading     *reading,
                GError     **error)
{
  const char *method = string_member (request, "method");
  const char *version = string_member (request, "httpVersion");
  g_autofree char *path = path_of (url);
  g_autofree char *request_line = NULL;
  g_autofree char *response_line = NULL;
  g_autofree char *request_text = NULL;
  g_autofree char *response_text = NULL;
  double status = 101;

  request_line = g_strdup_printf ("%s %s %s", method ? method : "GET", path,
                                  version ? version : "HTTP/1.1");
  request_text = message_text (request_line, request, reading, _("request"), error);
  if (request_text == NULL)
    return NULL;

  if (response != NULL)
    number_member (response, "status", &status);
  version = string_member (response, "httpVersion");
  response_line = g_strdup_printf ("%s %d %s", version != NULL && version[0] ? version : "HTTP/1.1",
                                   (int) status,
                                   string_member (response, "statusText") ?: "Switching Protocols");
  response_text = message_text (response_line, response, reading, _("response"), error);
  if (response_text == NULL)
    return NULL;

  return lab_handshake_new_from_text (request_text, response_text);
}

/* The frame whose header says all this, its payload (unmasked) masked with @key. */
static LabFrame *
frame_new (LabFrameDirection  direction,
           guint64            message,
           gint64             time,
           gboolean           fin,
           const gboolean     rsv[3],
           guint8             opcode,
           const guint8      *key,
           guint64            length,
           guint              length_bits,
           GBytes            *plain)
{
  guint8 header[14];
  guint size = 2;
  gsize kept = MIN (g_bytes_get_size (plain), LAB_FRAME_METER_CAPTURE_MAX);
  const guint8 *data = g_bytes_get_data (plain, NULL);
  g_autofree guint8 *wire = g_malloc (kept + 1);
  guint extra = length_bits == 16 ? 2 : length_bits == 64 ? 8 : 0;

  header[0] = (fin << 7) | (rsv[0] << 6) | (rsv[1] << 5) | (rsv[2] << 4) | (opcode & 0x0f);
  header[1] = (key != NULL ? 0x80 : 0) | (extra == 0 ? length : extra == 2 ? 126 : 127);
  for (guint i = 0; i < extra; i++)
    header[size++] = (length >> (8 * (extra - 1 - i))) & 0xff;
  if (key != NULL)
    {
      memcpy (header + size, key, 4);
      size += 4;
    }
  for (gsize i = 0; i < kept; i++)
    wire[i] = key != NULL ? data[i] ^ key[i % 4] : data[i];

  return lab_frame_new_from_wire (direction, 0, message, time, header, size, wire, kept);
}

static gboolean
read_direction (JsonObject        *object,
                LabFrameDirection *direction)
{
  const char *type = string_member (object, "type");

  if (g_strcmp0 (type, "send") == 0)
    *direction = LAB_FRAME_CLIENT_TO_SERVER;
  else if (g_strcmp0 (type, "receive") == 0)
    *direction = LAB_FRAME_SERVER_TO_CLIENT;
  else
    return FALSE;
  return TRUE;
}

/* One of this app's "_webSocketFrames", every bit as it was. */
static gboolean
read_frame (JsonObject  *object,
            guint        index,
            Reading     *reading,
            GError     **error)
{
  LabFrameDirection direction;
  double time, opcode, length, bits, message = -1;
  gboolean fin, masked, rsv[3];
  JsonNode *rsv_node = member_of_type (object, "rsv", JSON_NODE_ARRAY);
  JsonArray *rsv_array = rsv_node != NULL ? json_node_get_array (rsv_node) : NULL;
  const char *key_hex = string_member (object, "maskingKey");
  const char *payload = string_member (object, "payload");
  guint8 key[4];
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(LabFrame) frame = NULL;
  gsize size = 0;
  guchar *decoded;

  if (!read_direction (object, &direction) || !number_member (object, "time", &time) ||
      !number_member (object, "opcode", &opcode) || !number_member (object, "length", &length) ||
      !number_member (object, "lengthBits", &bits) ||
      !boolean_node (json_object_get_member (object, "fin"), &fin) ||
      !boolean_node (json_object_get_member (object, "mask"), &masked) ||
      rsv_array == NULL || json_array_get_length (rsv_array) != 3 || payload == NULL)
    return fail (error, LAB_HAR_ERROR_INVALID,
                 _("Entry %u, frame %u: a field is missing or of the wrong type"),
                 reading->entry, index + 1);
  for (guint i = 0; i < 3; i++)
    if (!boolean_node (json_array_get_element (rsv_array, i), &rsv[i]))
      return fail (error, LAB_HAR_ERROR_INVALID, _("Entry %u, frame %u: “rsv” is not three booleans"),
                   reading->entry, index + 1);
  if (opcode < 0 || opcode > 15 || length < 0 || (bits != 7 && bits != 16 && bits != 64) ||
      (bits == 7 && length > 125) || (bits == 16 && length > G_MAXUINT16))
    return fail (error, LAB_HAR_ERROR_INVALID,
                 _("Entry %u, frame %u: the opcode or the length is out of range"),
                 reading->entry, index + 1);
  if (masked && (key_hex == NULL || strlen (key_hex) != 8 ||
                 sscanf (key_hex, "%2hhx%2hhx%2hhx%2hhx", &key[0], &key[1], &key[2], &key[3]) != 4))
    return fail (error, LAB_HAR_ERROR_INVALID,
                 _("Entry %u, frame %u: a masked frame needs a “maskingKey” of 8 hex digits"),
                 reading->entry, index + 1);

  decoded = g_base64_decode (payload, &size);
  plain = g_bytes_new_take (decoded, size);
  if (size > length)
    return fail (error, LAB_HAR_ERROR_INVALID,
                 _("Entry %u, frame %u: the payload is longer than “length”"),
                 reading->entry, index + 1);

  number_member (object, "message", &message);
  frame = frame_new (direction, message >= 0 ? (guint64) message : reading->next_message[direction]++,
                     time_from_number (time), fin, rsv, opcode, masked ? key : NULL,
                     (guint64) length, bits, plain);
  lab_bounded_list_add (reading->frames, frame);
  return TRUE;
}

/* One of the devtools' "_webSocketMessages": a whole message in one frame. */
static gboolean
read_message (JsonObject  *object,
              guint        index,
              Reading     *reading,
              GError     **error)
{
  static const gboolean no_rsv[3] = { FALSE, FALSE, FALSE };
  LabFrameDirection direction;
  double time, opcode;
  const char *data = string_member (object, "data");
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(LabFrame) frame = NULL;
  guint32 random = g_random_int ();
  guint8 key[4] = { random >> 24, random >> 16, random >> 8, random };
  gsize size;

  if (!read_direction (object, &direction) || !number_member (object, "time", &time) ||
      !number_member (object, "opcode", &opcode) || data == NULL)
    return fail (error, LAB_HAR_ERROR_INVALID,
                 _("Entry %u, message %u: it needs “type” (send or receive), “time”, "
                   "“opcode” and “data”"), reading->entry, index + 1);
  if (opcode != OPCODE_TEXT && opcode != OPCODE_BINARY)
    return fail (error, LAB_HAR_ERROR_INVALID,
                 _("Entry %u, message %u: opcode %g is not text (1) or binary (2)"),
                 reading->entry, index + 1, opcode);

  if (opcode == OPCODE_TEXT)
    plain = g_bytes_new (data, strlen (data));
  else
    {
      guchar *decoded = g_base64_decode (data, &size);

      plain = g_bytes_new_take (decoded, size);
    }

  size = g_bytes_get_size (plain);
  frame = frame_new (direction, reading->next_message[direction]++, time_from_number (time), TRUE,
                     no_rsv, opcode, direction == LAB_FRAME_CLIENT_TO_SERVER ? key : NULL, size,
                     size < 126 ? 7 : size <= G_MAXUINT16 ? 16 : 64, plain);
  lab_bounded_list_add (reading->frames, frame);
  return TRUE;
}

typedef gboolean (*ReadItem) (JsonObject *, guint, Reading *, GError **);

static gboolean
read_list (JsonArray  *array,
           ReadItem    read_item,
           const char *name,
           Reading    *reading,
           GError    **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (error, LAB_HAR_ERROR_INVALID, _("Entry %u: item %u of “%s” is not an object"),
                     reading->entry, i + 1, name);
      if (!read_item (json_node_get_object (node), i, reading, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_websocket (JsonObject *entry)
{
  JsonNode *request = member_of_type (entry, "request", JSON_NODE_OBJECT);
  const char *url = request ? string_member (json_node_get_object (request), "url") : NULL;

  return g_strcmp0 (string_member (entry, "_resourceType"), "websocket") == 0 ||
         json_object_has_member (entry, "_webSocketMessages") ||
         json_object_has_member (entry, "_webSocketFrames") ||
         (url != NULL && (g_str_has_prefix (url, "ws://") || g_str_has_prefix (url, "wss://")));
}

static LabRecordedSession *
read_entry (JsonObject  *entry,
            guint        number,
            GError     **error)
{
  JsonNode *request = member_of_type (entry, "request", JSON_NODE_OBJECT);
  JsonNode *response = member_of_type (entry, "response", JSON_NODE_OBJECT);
  JsonNode *frames = json_object_get_member (entry, "_webSocketFrames");
  JsonNode *messages = json_object_get_member (entry, "_webSocketMessages");
  const char *url = request ? string_member (json_node_get_object (request), "url") : NULL;
  g_autoptr(LabHandshake) handshake = NULL;
  Reading reading = { NULL, { 0, 0 }, number };
  g_autoptr(LabBoundedList) list = NULL;

  if (url == NULL)
    {
      fail (error, LAB_HAR_ERROR_INVALID, _("Entry %u has no request with a text “url”"), number);
      return NULL;
    }
  if ((frames != NULL && !JSON_NODE_HOLDS_ARRAY (frames)) ||
      (messages != NULL && !JSON_NODE_HOLDS_ARRAY (messages)))
    {
      fail (error, LAB_HAR_ERROR_INVALID,
            _("Entry %u: “_webSocketFrames” and “_webSocketMessages” must be lists"), number);
      return NULL;
    }

  handshake = read_handshake (json_node_get_object (request),
                              response ? json_node_get_object (response) : NULL, url, &reading, error);
  if (handshake == NULL)
    return NULL;

  list = lab_bounded_list_new (LAB_TYPE_FRAME, LAB_HAR_MAX_FRAMES, LAB_BOUNDED_LIST_OLDEST_FIRST);
  reading.frames = list;
  /* The frames when this app wrote them; else the messages a browser kept. */
  if (frames != NULL && !read_list (json_node_get_array (frames), read_frame, "_webSocketFrames",
                                    &reading, error))
    return NULL;
  if (frames == NULL && messages != NULL &&
      !read_list (json_node_get_array (messages), read_message, "_webSocketMessages", &reading, error))
    return NULL;

  return lab_recorded_session_new (url, handshake, G_LIST_MODEL (list));
}

/**
 * lab_har_read:
 * @data: a HAR file's text
 *
 * Returns: (transfer full) (element-type LabRecordedSession): one recorded
 *   session per WebSocket entry, in the file's order; %NULL with @error set
 *   (#LAB_HAR_ERROR) when the file is not JSON, not a HAR, has no WebSocket
 *   entry, or has one with fields of the wrong type
 */
GPtrArray *
lab_har_read (const char  *data,
              gssize       length,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *root, *log = NULL, *entries = NULL;
  JsonArray *array;

  g_return_val_if_fail (data != NULL, NULL);

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      fail (error, LAB_HAR_ERROR_NOT_JSON, _("The file is not JSON: %s"), parse_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      fail (error, LAB_HAR_ERROR_NOT_JSON, _("The file is empty, not JSON"));
      return NULL;
    }
  if (JSON_NODE_HOLDS_OBJECT (root))
    log = member_of_type (json_node_get_object (root), "log", JSON_NODE_OBJECT);
  if (log != NULL)
    entries = member_of_type (json_node_get_object (log), "entries", JSON_NODE_ARRAY);
  if (entries == NULL)
    {
      fail (error, LAB_HAR_ERROR_NOT_HAR,
            _("The file is JSON but not a HAR: it has no “log” with a list of “entries”"));
      return NULL;
    }

  array = json_node_get_array (entries);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      LabRecordedSession *session;

      if (!JSON_NODE_HOLDS_OBJECT (node) || !is_websocket (json_node_get_object (node)))
        continue;
      session = read_entry (json_node_get_object (node), i + 1, error);
      if (session == NULL)
        return NULL;
      g_ptr_array_add (sessions, session);
    }

  if (sessions->len == 0)
    {
      fail (error, LAB_HAR_ERROR_NO_WEBSOCKET,
            ngettext ("The HAR has no WebSocket connection: its %u entry is plain HTTP",
                      "The HAR has no WebSocket connection: its %u entries are plain HTTP",
                      json_array_get_length (array)),
            json_array_get_length (array));
      return NULL;
    }

  return g_steal_pointer (&sessions);
}
