/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include <string.h>

#include "lab-client-private.h"
#include "lab-protocol.h"
#include "lab-timestamp.h"

/* What the counter server says (its value, who is online, what it refused),
 * and what this client asks of it; and what the time stream says. */

/* A timestamp is 27 characters; a stranger server's long text is cut short for the list. */
#define LAB_CLIENT_TIMESTAMP_MAX_CHARS 120

static void
set_value (LabClient *self,
           gint64     value)
{
  if (self->value == value)
    return;

  self->value = value;
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_VALUE]);
}

static void
set_has_value (LabClient *self,
               gboolean   has_value)
{
  if (self->has_value == !!has_value)
    return;

  self->has_value = !!has_value;
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_HAS_VALUE]);
}

static void
set_users (LabClient *self,
           guint      users)
{
  if (self->users == users)
    return;

  self->users = users;
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_USERS]);
}

/* What the counter server told is not known while its connection is not up. */
void
_lab_client_forget_server_state (LabClient *self)
{
  set_has_value (self, FALSE);
  set_users (self, 0);
}

void
_lab_client_counter_message_cb (LabClient  *self,
                                const char *text)
{
  g_autoptr(GError) error = NULL;
  LabServerEvent event;

  if (!lab_protocol_parse_server_event (text, strlen (text), &event, &error))
    {
      /* Newer servers may say more: not knowing an event is no fault. */
      if (g_error_matches (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_UNKNOWN_EVENT))
        g_debug ("Ignoring an event this client does not know: %s", error->message);
      else
        g_message ("Ignoring a message from the counter server: %s", error->message);

      lab_server_event_clear (&event);
      return;
    }

  switch (event.type)
    {
    case LAB_SERVER_EVENT_STATE:
      g_object_freeze_notify (G_OBJECT (self));
      set_value (self, event.value);
      set_has_value (self, TRUE);
      g_object_thaw_notify (G_OBJECT (self));
      break;

    case LAB_SERVER_EVENT_USERS:
      set_users (self, event.count);
      break;

    case LAB_SERVER_EVENT_ERROR:
      g_signal_emit (self, _lab_client_signals[SERVER_ERROR], 0, event.message);
      break;

    default:
      g_assert_not_reached ();
    }

  lab_server_event_clear (&event);
}

static gboolean
send_action (LabClient *self,
             LabAction  action)
{
  g_autofree char *text = NULL;

  if (self->state != LAB_CLIENT_STATE_CONNECTED)
    return FALSE;

  text = lab_protocol_format_action (action);
  return lab_client_channel_send_text (self->counter, text);
}

/**
 * lab_client_plus:
 *
 * Asks the server to add one. The new value arrives later as :value.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_plus (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  return send_action (self, LAB_ACTION_PLUS);
}

/**
 * lab_client_minus:
 *
 * Asks the server to take one away. The new value arrives later as :value.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_minus (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  return send_action (self, LAB_ACTION_MINUS);
}

gint64
lab_client_get_value (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), 0);

  return self->value;
}

gboolean
lab_client_get_has_value (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  return self->has_value;
}

guint
lab_client_get_users (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), 0);

  return self->users;
}

/* The time stream */

void
_lab_client_time_message_cb (LabClient  *self,
                             const char *text)
{
  g_autofree char *shortened = NULL;
  g_autoptr(LabTimestamp) timestamp = NULL;

  if (g_utf8_strlen (text, -1) > LAB_CLIENT_TIMESTAMP_MAX_CHARS)
    {
      g_autofree char *start = g_utf8_substring (text, 0, LAB_CLIENT_TIMESTAMP_MAX_CHARS);

      shortened = g_strconcat (start, "…", NULL);
    }

  timestamp = lab_timestamp_new (shortened != NULL ? shortened : text);
  lab_bounded_list_add (self->timestamps, timestamp);
}

void
_lab_client_time_failed_cb (LabClient  *self,
                            const char *why,
                            gboolean    will_retry)
{
  /* Trying again would not fix the address: it waits for a new one. */
  if (!will_retry)
    g_message ("Not connecting to the time stream: %s", why);
}
