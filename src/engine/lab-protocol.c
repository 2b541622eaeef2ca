/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-protocol"

#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "lab-json-strict.h"
#include "lab-protocol.h"

/* The wire protocol of the tutorial's counter, as pure functions: text in, typed
 * value or GError out, and typed values back to text. No I/O happens here. */

G_DEFINE_QUARK (lab-protocol-error-quark, lab_protocol_error)

const char *
lab_action_to_string (LabAction action)
{
  switch (action)
    {
    case LAB_ACTION_PLUS:
      return "plus";
    case LAB_ACTION_MINUS:
      return "minus";
    default:
      g_return_val_if_reached (NULL);
    }
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (text[i]))
      return FALSE;

  return TRUE;
}

static JsonObject *
parse_object (const char  *text,
              gssize       length,
              JsonParser **parser_out,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *problem = NULL;
  JsonNode *root;

  g_assert (parser_out != NULL);

  if (text == NULL)
    text = "";
  if (length < 0)
    length = (gssize) strlen (text);

  /* Blank text is "Message is empty" below, as before. */
  if (!lab_json_strict_check (text, (gsize) length, &problem) && !is_blank (text, (gsize) length))
    {
      g_set_error (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_NOT_JSON,
                   "Message is not valid JSON: %s", problem);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, text, length, &local_error))
    {
      /* json-glib may quote a lone surrogate's bytes: the reply must be text. */
      g_autofree char *why = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_NOT_JSON,
                   "Message is not valid JSON: %s", why);
      return NULL;
    }

  /* json-glib takes empty or blank text as a document without a root. */
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_NOT_JSON,
                           "Message is empty");
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_NOT_OBJECT,
                           "Message must be a JSON object");
      return NULL;
    }

  *parser_out = g_steal_pointer (&parser);
  return json_node_get_object (root);
}

static const char *
get_string_member (JsonObject  *object,
                   const char  *name,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      g_set_error (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_MISSING_FIELD,
                   "Message has no \"%s\" field", name);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_WRONG_TYPE,
                   "Field \"%s\" must be a string", name);
      return NULL;
    }

  return json_node_get_string (node);
}

/* JSON has one number type: accept integers, and doubles that hold an integer,
 * within the range a browser represents exactly. */
static gboolean
get_integer_member (JsonObject  *object,
                    const char  *name,
                    gint64       min,
                    gint64       max,
                    gint64      *value,
                    GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL)
    {
      g_set_error (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_MISSING_FIELD,
                   "Message has no \"%s\" field", name);
      return FALSE;
    }

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);

      if (v < min || v > max)
        goto out_of_range;

      *value = v;
      return TRUE;
    }

  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      if (!isfinite (d) || d != floor (d))
        {
          g_set_error (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_WRONG_TYPE,
                       "Field \"%s\" must be a whole number", name);
          return FALSE;
        }

      if (d < (double) min || d > (double) max)
        goto out_of_range;

      *value = (gint64) d;
      return TRUE;
    }

  g_set_error (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_WRONG_TYPE,
               "Field \"%s\" must be a number", name);
  return FALSE;

out_of_range:
  g_set_error (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_OUT_OF_RANGE,
               "Field \"%s\" is out of range", name);
  return FALSE;
}

/**
 * lab_protocol_parse_action:
 * @text: a text message from a counter client
 * @length: its length in bytes, or -1 if nul-terminated
 * @action: (out): where to store the action
 * @error: a location for a #GError
 *
 * Parses `{"action":"plus"}` or `{"action":"minus"}`. Other members are ignored,
 * as the tutorial's server ignores them.
 */
gboolean
lab_protocol_parse_action (const char  *text,
                           gssize       length,
                           LabAction   *action,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  const char *name;

  g_return_val_if_fail (action != NULL, FALSE);

  if (!(object = parse_object (text, length, &parser, error)))
    return FALSE;

  if (!(name = get_string_member (object, "action", error)))
    return FALSE;

  if (g_str_equal (name, "plus"))
    *action = LAB_ACTION_PLUS;
  else if (g_str_equal (name, "minus"))
    *action = LAB_ACTION_MINUS;
  else
    {
      g_set_error_literal (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_UNKNOWN_ACTION,
                           "Unknown action: expected \"plus\" or \"minus\"");
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_protocol_parse_server_event:
 * @text: a text message from a counter server
 * @length: its length in bytes, or -1 if nul-terminated
 * @event: (out caller-allocates): the event, to clear with lab_server_event_clear()
 * @error: a location for a #GError
 *
 * Parses what a counter server sends. Both the tutorial's `{"type":"state"}` and
 * the current upstream `{"type":"value"}` carry the counter value.
 */
gboolean
lab_protocol_parse_server_event (const char      *text,
                                 gssize           length,
                                 LabServerEvent  *event,
                                 GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *shown = NULL;
  JsonObject *object;
  const char *type;

  g_return_val_if_fail (event != NULL, FALSE);

  memset (event, 0, sizeof *event);

  if (!(object = parse_object (text, length, &parser, error)))
    return FALSE;

  if (!(type = get_string_member (object, "type", error)))
    return FALSE;

  if (g_str_equal (type, "state") || g_str_equal (type, "value"))
    {
      event->type = LAB_SERVER_EVENT_STATE;
      return get_integer_member (object, "value", LAB_COUNTER_MIN, LAB_COUNTER_MAX,
                                 &event->value, error);
    }

  if (g_str_equal (type, "users"))
    {
      gint64 count;

      if (!get_integer_member (object, "count", 0, G_MAXUINT, &count, error))
        return FALSE;

      event->type = LAB_SERVER_EVENT_USERS;
      event->count = (guint) count;
      return TRUE;
    }

  if (g_str_equal (type, "error"))
    {
      const char *message;

      if (!(message = get_string_member (object, "message", error)))
        return FALSE;

      /* json-glib 1.6 turns a lone surrogate escape ("\ud800") into bytes
       * that are not UTF-8: the message is shown and logged as text. */
      event->type = LAB_SERVER_EVENT_ERROR;
      event->message = g_utf8_make_valid (message, -1);
      return TRUE;
    }

  /* Quoted in the message: text, whatever json-glib made of the escapes (see above). */
  shown = g_utf8_make_valid (type, -1);
  g_set_error (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_UNKNOWN_EVENT,
               "Unknown event type \"%s\"", shown);
  return FALSE;
}

void
lab_server_event_clear (LabServerEvent *event)
{
  g_return_if_fail (event != NULL);

  g_clear_pointer (&event->message, g_free);
}

static char *
object_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return lab_json_strict_fix_generated (json_generator_to_data (generator, NULL));
}

char *
lab_protocol_format_action (LabAction action)
{
  return g_strdup_printf ("{\"action\":\"%s\"}", lab_action_to_string (action));
}

char *
lab_protocol_format_state (gint64 value)
{
  return g_strdup_printf ("{\"type\":\"state\",\"value\":%" G_GINT64_FORMAT "}", value);
}

char *
lab_protocol_format_users (guint count)
{
  return g_strdup_printf ("{\"type\":\"users\",\"count\":%u}", count);
}

char *
lab_protocol_format_error (const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (message != NULL, NULL);

  /* The builder escapes the text, which may quote what the client sent. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "error");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  return object_to_string (builder);
}

/* ISO 8601 in UTC with microseconds and a "Z", like Python's
 * datetime.utcnow().isoformat() + "Z" in the tutorial. */
char *
lab_protocol_format_timestamp (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *seconds = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);
  seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%06dZ", seconds, g_date_time_get_microsecond (utc));
}

char *
lab_protocol_format_greeting (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_strdup_printf ("Hello %s!", name);
}
