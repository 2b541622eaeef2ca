/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-frame"

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "lab-frame.h"
#include "lab-json-strict.h"

/* A frame for eyes and for tools: its payload as text, one log line, one line
 * of JSON, and a whole capture as JSON lines. */

#define OPCODE_CONTINUATION 0x0
#define OPCODE_TEXT 0x1
#define OPCODE_CLOSE 0x8
#define OPCODE_FIRST_CONTROL 0x8

static char *
pretty_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;

  /* Only objects and arrays: a lone number or string is plain text to a reader. */
  if (text[0] != '{' && text[0] != '[')
    return NULL;
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_parser_get_root (parser));

  return json_generator_to_data (generator, NULL);
}

/* The unmasked payload as the text it carries, or %NULL for binary data; a
 * close frame's reason. */
static char *
payload_as_text (LabFrame *self)
{
  g_autoptr(GBytes) plain = NULL;
  g_autofree char *text = NULL;
  const char *data;
  gsize size;

  if (lab_frame_get_opcode (self) == OPCODE_CLOSE)
    {
      char *reason = NULL;

      lab_frame_get_close (self, NULL, &reason);
      return reason;
    }

  if (lab_frame_get_opcode (self) != OPCODE_TEXT && lab_frame_get_opcode (self) != OPCODE_CONTINUATION &&
      lab_frame_get_opcode (self) < OPCODE_FIRST_CONTROL)
    return NULL;

  plain = lab_frame_dup_payload (self);
  data = g_bytes_get_data (plain, &size);
  if (memchr (data, '\0', size) != NULL)
    return NULL;

  /* A fragment may end inside a character: shown with a replacement mark. */
  text = g_utf8_make_valid (data, size);
  if (!g_utf8_validate_len (data, size, NULL) && lab_frame_get_opcode (self) != OPCODE_CONTINUATION &&
      lab_frame_get_fin (self) && !lab_frame_is_truncated (self))
    return NULL;

  return g_steal_pointer (&text);
}

/**
 * lab_frame_dup_payload_text:
 *
 * Returns: (transfer full) (nullable): the unmasked payload as text (JSON
 *   pretty-printed), or %NULL for binary data; a close frame's reason
 */
char *
lab_frame_dup_payload_text (LabFrame *self)
{
  g_autofree char *text = NULL;
  char *pretty;

  g_return_val_if_fail (LAB_IS_FRAME (self), NULL);

  text = payload_as_text (self);
  if (text == NULL)
    return NULL;

  pretty = pretty_json (text);
  if (pretty != NULL)
    return pretty;

  return g_steal_pointer (&text);
}

static const char *
direction_name (LabFrameDirection direction)
{
  return direction == LAB_FRAME_CLIENT_TO_SERVER ? "client-to-server" : "server-to-client";
}

static char *
format_key (LabFrame *self)
{
  const guint8 *key = lab_frame_get_masking_key (self);

  return g_strdup_printf ("%02x%02x%02x%02x", key[0], key[1], key[2], key[3]);
}

static char *
format_time (gint64 time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = g_date_time_add (when, time % G_USEC_PER_SEC);

  return g_date_time_format (exact, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/**
 * lab_frame_to_json:
 *
 * Returns: (transfer full): the frame as one line of JSON, no newline
 */
char *
lab_frame_to_json (LabFrame *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *time = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *text = NULL;
  gushort code;
  char *reason = NULL;

  g_return_val_if_fail (LAB_IS_FRAME (self), NULL);

  time = format_time (lab_frame_get_time (self));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "connection");
  json_builder_add_int_value (builder, lab_frame_get_connection_id (self));
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, direction_name (lab_frame_get_direction (self)));
  json_builder_set_member_name (builder, "message");
  json_builder_add_int_value (builder, lab_frame_get_message_index (self));
  json_builder_set_member_name (builder, "fin");
  json_builder_add_boolean_value (builder, lab_frame_get_fin (self));
  json_builder_set_member_name (builder, "rsv1");
  json_builder_add_boolean_value (builder, lab_frame_get_rsv1 (self));
  json_builder_set_member_name (builder, "rsv2");
  json_builder_add_boolean_value (builder, lab_frame_get_rsv2 (self));
  json_builder_set_member_name (builder, "rsv3");
  json_builder_add_boolean_value (builder, lab_frame_get_rsv3 (self));
  json_builder_set_member_name (builder, "opcode");
  json_builder_add_int_value (builder, lab_frame_get_opcode (self));
  json_builder_set_member_name (builder, "opcode_name");
  json_builder_add_string_value (builder, lab_frame_opcode_name (lab_frame_get_opcode (self)));
  json_builder_set_member_name (builder, "mask");
  json_builder_add_boolean_value (builder, lab_frame_get_masked (self));
  json_builder_set_member_name (builder, "masking_key");
  if (lab_frame_get_masked (self))
    {
      g_autofree char *hex_key = format_key (self);

      json_builder_add_string_value (builder, hex_key);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "payload_length");
  json_builder_add_int_value (builder, lab_frame_get_payload_length (self));
  json_builder_set_member_name (builder, "length_bits");
  json_builder_add_int_value (builder, lab_frame_get_length_bits (self));
  json_builder_set_member_name (builder, "truncated");
  json_builder_add_boolean_value (builder, lab_frame_is_truncated (self));

  hex = lab_frame_dup_payload_hex (self, TRUE);
  json_builder_set_member_name (builder, "payload_hex");
  json_builder_add_string_value (builder, hex);
  if (lab_frame_get_masked (self))
    {
      g_autofree char *wire = lab_frame_dup_payload_hex (self, FALSE);

      json_builder_set_member_name (builder, "payload_wire_hex");
      json_builder_add_string_value (builder, wire);
    }

  if (lab_frame_get_close (self, &code, &reason))
    {
      json_builder_set_member_name (builder, "close_code");
      json_builder_add_int_value (builder, code);
      json_builder_set_member_name (builder, "close_reason");
      json_builder_add_string_value (builder, reason);
      g_free (reason);
    }
  else if ((text = lab_frame_dup_payload_text (self)) != NULL)
    {
      g_autoptr(GBytes) plain = lab_frame_dup_payload (self);
      g_autofree char *raw = g_utf8_make_valid (g_bytes_get_data (plain, NULL),
                                                g_bytes_get_size (plain));

      /* The text as sent: pretty-printing is for eyes, a line is for tools. */
      json_builder_set_member_name (builder, "payload_text");
      json_builder_add_string_value (builder, raw);
    }

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return lab_json_strict_fix_generated (json_generator_to_data (generator, NULL));
}

/* Shortens @text to @max characters on one line. */
static char *
one_line (const char *text,
          guint       max)
{
  GString *line = g_string_new (NULL);
  guint n = 0;

  for (const char *p = text; *p != '\0' && n < max; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\r' || c == '\t')
        g_string_append_c (line, ' ');
      else
        g_string_append_unichar (line, c);
    }

  if (g_utf8_strlen (text, -1) > max)
    g_string_append (line, "…");

  return g_string_free (line, FALSE);
}

/**
 * lab_frame_dup_payload_line:
 * @max_chars: how many characters to keep
 *
 * Returns: (transfer full) (nullable): the unmasked payload as sent (JSON as
 *   compact as it came), shortened to one line; %NULL for binary data
 */
char *
lab_frame_dup_payload_line (LabFrame *self,
                            guint     max_chars)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (LAB_IS_FRAME (self), NULL);

  text = payload_as_text (self);
  return text != NULL ? one_line (text, max_chars) : NULL;
}

/**
 * lab_frame_describe:
 * @max_text: how many characters of payload text to show
 *
 * Returns: (transfer full): one line for a log: connection, direction, FIN,
 *   opcode, MASK, length and its encoding, and the payload shortened
 */
char *
lab_frame_describe (LabFrame *self,
                    guint     max_text)
{
  GString *line = g_string_new (NULL);
  g_autofree char *text = NULL;
  gushort code;
  g_autofree char *reason = NULL;

  g_return_val_if_fail (LAB_IS_FRAME (self), NULL);

  g_string_append_printf (line, "#%u %s FIN=%d", lab_frame_get_connection_id (self),
                          lab_frame_get_direction (self) == LAB_FRAME_CLIENT_TO_SERVER ? "client→server"
                                                                        : "server→client",
                          lab_frame_get_fin (self));
  if (lab_frame_get_rsv1 (self) || lab_frame_get_rsv2 (self) || lab_frame_get_rsv3 (self))
    g_string_append_printf (line, " RSV=%d%d%d", lab_frame_get_rsv1 (self), lab_frame_get_rsv2 (self), lab_frame_get_rsv3 (self));
  g_string_append_printf (line, " opcode=%u (%s) MASK=%d", lab_frame_get_opcode (self),
                          lab_frame_opcode_name (lab_frame_get_opcode (self)), lab_frame_get_masked (self));
  if (lab_frame_get_masked (self))
    {
      g_autofree char *hex_key = format_key (self);

      g_string_append_printf (line, " key=%s", hex_key);
    }
  g_string_append_printf (line, " length=%" G_GUINT64_FORMAT " (%u-bit)", lab_frame_get_payload_length (self),
                          lab_frame_get_length_bits (self));

  if (lab_frame_get_close (self, &code, &reason))
    {
      g_autofree char *shown = one_line (reason, max_text);

      g_string_append_printf (line, " code=%u", code);
      if (shown[0] != '\0')
        g_string_append_printf (line, " “%s”", shown);
    }
  else if ((text = lab_frame_dup_payload_text (self)) != NULL && text[0] != '\0')
    {
      g_autoptr(GBytes) plain = lab_frame_dup_payload (self);
      g_autofree char *raw = g_utf8_make_valid (g_bytes_get_data (plain, NULL),
                                                g_bytes_get_size (plain));
      g_autofree char *shown = one_line (raw, max_text);

      g_string_append_printf (line, " “%s”", shown);
    }

  return g_string_free (line, FALSE);
}

/**
 * lab_frames_write_json_lines:
 * @frames: a list of #LabFrame
 *
 * Writes one line of JSON per frame, oldest first as the list holds them.
 */
gboolean
lab_frames_write_json_lines (GListModel     *frames,
                             GOutputStream  *stream,
                             GCancellable   *cancellable,
                             GError        **error)
{
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (frames), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  n = g_list_model_get_n_items (frames);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);
      g_autofree char *json = lab_frame_to_json (frame);
      g_autofree char *line = g_strconcat (json, "\n", NULL);

      if (!g_output_stream_write_all (stream, line, strlen (line), NULL, cancellable, error))
        return FALSE;
    }

  return TRUE;
}
