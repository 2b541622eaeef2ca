/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-fuzz.h"
#include "lab-json-strict.h"
#include "lab-protocol.h"

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabServerEvent, lab_server_event_clear)

/* The counter protocol's codec on arbitrary bytes: the strict JSON check on
 * anything, the server's action parser and the client's event parser on what
 * libsoup lets through as a text message (valid UTF-8), and what each
 * accepts formatted again must read back the same. */

static void
check_strict (const uint8_t *data,
              size_t         size)
{
  /* An exact copy, not nul-terminated: a read past the end is a finding (and
   * never NULL: the server passes "" for an empty message). */
  g_autofree char *text = size > 0 ? g_memdup2 (data, size) : g_strdup ("");
  g_autofree char *problem = NULL;

  if (lab_json_strict_check (text, size, &problem))
    g_assert_null (problem);
  else
    g_assert_nonnull (problem);
}

static void
check_action (const char *text,
              gssize      length)
{
  g_autoptr(GError) error = NULL;
  LabAction action;

  if (lab_protocol_parse_action (text, length, &action, &error))
    {
      g_autofree char *again = lab_protocol_format_action (action);
      LabAction action_again;

      g_assert_no_error (error);
      g_assert_true (lab_json_strict_check (text, length < 0 ? strlen (text) : (gsize) length, NULL));
      g_assert_true (lab_protocol_parse_action (again, -1, &action_again, NULL));
      g_assert_cmpint (action, ==, action_again);
    }
  else
    {
      g_assert_error (error, LAB_PROTOCOL_ERROR, error->code);
      /* Logged and sent back in an error reply: text. */
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
check_event_reads_back (const LabServerEvent *event)
{
  g_autofree char *again = NULL;
  g_auto(LabServerEvent) event_again = { 0 };
  g_autoptr(GError) error = NULL;

  switch (event->type)
    {
    case LAB_SERVER_EVENT_STATE:
      again = lab_protocol_format_state (event->value);
      break;
    case LAB_SERVER_EVENT_USERS:
      again = lab_protocol_format_users (event->count);
      break;
    case LAB_SERVER_EVENT_ERROR:
      /* A message with U+0000 in it is cut there by the parser already. */
      again = lab_protocol_format_error (event->message);
      break;
    default:
      g_assert_not_reached ();
    }

  g_assert_true (lab_protocol_parse_server_event (again, -1, &event_again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event_again.type, ==, event->type);
  g_assert_cmpint (event_again.value, ==, event->value);
  g_assert_cmpuint (event_again.count, ==, event->count);
  g_assert_cmpstr (event_again.message, ==, event->message);
}

static void
check_server_event (const char *text,
                    gssize      length)
{
  g_auto(LabServerEvent) event = { 0 };
  g_autoptr(GError) error = NULL;

  if (lab_protocol_parse_server_event (text, length, &event, &error))
    {
      g_assert_no_error (error);
      g_assert_true (lab_json_strict_check (text, length < 0 ? strlen (text) : (gsize) length, NULL));
      if (event.type == LAB_SERVER_EVENT_STATE)
        {
          g_assert_cmpint (event.value, >=, LAB_COUNTER_MIN);
          g_assert_cmpint (event.value, <=, LAB_COUNTER_MAX);
        }
      if (event.type == LAB_SERVER_EVENT_ERROR)
        g_assert_true (g_utf8_validate (event.message, -1, NULL));
      check_event_reads_back (&event);
    }
  else
    {
      g_assert_error (error, LAB_PROTOCOL_ERROR, error->code);
      /* Logged and shown by the client: text. */
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (event.message);
    }
}

/* Any valid UTF-8 text goes out in an error reply and comes back unchanged. */
static void
check_error_reply (const char *text)
{
  g_autofree char *reply = lab_protocol_format_error (text);
  g_auto(LabServerEvent) event = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_json_strict_check (reply, strlen (reply), NULL));
  g_assert_true (lab_protocol_parse_server_event (reply, -1, &event, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event.type, ==, LAB_SERVER_EVENT_ERROR);
  g_assert_cmpstr (event.message, ==, text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autofree char *text = NULL;

  if (!initialized)
    {
      lab_fuzz_init ();
      initialized = TRUE;
    }

  check_strict (data, size);

  if (!g_utf8_validate_len ((const char *) data, size, NULL))
    return 0;

  /* As libsoup hands a text message over: nul-terminated after its length. */
  text = g_malloc (size + 1);
  memcpy (text, data, size);
  text[size] = '\0';

  check_action (text, size);
  check_server_event (text, size);

  /* The server parses with -1: up to a nul byte, if the message holds one. */
  check_action (text, -1);
  check_server_event (text, -1);

  if (memchr (text, '\0', size) == NULL)
    check_error_reply (text);

  return 0;
}
