/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-backoff.h"
#include "lab-client-channel-private.h"
#include "lab-reconnect-attempt.h"

/* How a channel comes back after a failure: the backoff wait, the :retry-in
 * countdown, and the record of each reconnect attempt of the latest outage
 * (from the failure that began it until a connection works again), so people
 * can watch the waits grow. */

static gboolean retry_in_tick_cb (gpointer user_data);

/* Counts down :retry-in in whole seconds, ticking when the number changes. */
void
_lab_client_channel_update_retry_in (LabClientChannel *self)
{
  guint seconds = 0;

  g_clear_handle_id (&self->retry_in_source, g_source_remove);

  if (self->retry_source != 0)
    {
      gint64 remaining = self->retry_at - g_get_monotonic_time ();

      if (remaining > 0)
        {
          gint64 until_change;

          seconds = (guint) ((remaining + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
          until_change = remaining - (gint64) (seconds - 1) * G_USEC_PER_SEC;
          self->retry_in_source = g_timeout_add ((guint) ((until_change + 999) / 1000),
                                                 retry_in_tick_cb, self);
        }
    }

  if (self->retry_in == seconds)
    return;

  self->retry_in = seconds;
  _lab_client_channel_notify (self, LAB_CLIENT_CHANNEL_PROP_RETRY_IN);
}

static gboolean
retry_in_tick_cb (gpointer user_data)
{
  LabClientChannel *self = user_data;

  self->retry_in_source = 0;
  _lab_client_channel_update_retry_in (self);

  return G_SOURCE_REMOVE;
}

static gboolean
retry_cb (gpointer user_data)
{
  g_autoptr(LabClientChannel) self = g_object_ref (user_data);

  self->retry_source = 0;
  lab_client_channel_connect (self);

  return G_SOURCE_REMOVE;
}

/* A failure that will be retried: waits as the backoff says. The first
 * failure after a working connection begins a new outage, and a new record. */
void
_lab_client_channel_schedule_retry (LabClientChannel *self,
                                    const char       *why)
{
  guint wait_ms = lab_backoff_ms (self->failures, g_random_double ());

  if (self->failures < G_MAXUINT)
    self->failures++;

  if (!self->in_outage)
    {
      self->in_outage = TRUE;
      lab_bounded_list_clear (self->attempts);
    }

  self->got_message = FALSE;
  self->failed_at = g_get_monotonic_time ();
  self->retry_wait_ms = wait_ms;
  self->retry_at = self->failed_at + (gint64) wait_ms * G_TIME_SPAN_MILLISECOND;
  self->retry_source = g_timeout_add (wait_ms, retry_cb, self);
  _lab_client_channel_update_retry_in (self);
  g_debug ("%s: %s; trying again in %u ms", self->name, why, wait_ms);
}

/* An attempt begins: one of the outage's when a failure came before it. */
void
_lab_client_channel_attempt_started (LabClientChannel *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 waited_ms = (now - self->failed_at) / G_TIME_SPAN_MILLISECOND;

  g_clear_pointer (&self->attempt_started, g_date_time_unref);
  if (!self->in_outage)
    return;

  self->attempt_started = g_date_time_new_now_local ();
  self->attempt_started_at = now;
  /* The backoff's wait, or less when someone tried again before it was over. */
  self->attempt_delay_ms = (guint) CLAMP (waited_ms, 0, (gint64) self->retry_wait_ms);
}

/**
 * _lab_client_channel_attempt_ended:
 * @why: (nullable): why it failed; %NULL when it connected
 *
 * Records the attempt in flight, if it is a reconnect; a connection that
 * works ends the outage.
 */
void
_lab_client_channel_attempt_ended (LabClientChannel *self,
                                   gboolean          connected,
                                   const char       *why)
{
  g_autoptr(LabReconnectAttempt) attempt = NULL;
  gint64 duration;

  if (self->attempt_started == NULL)
    return;

  duration = (g_get_monotonic_time () - self->attempt_started_at) / G_TIME_SPAN_MILLISECOND;
  attempt = lab_reconnect_attempt_new (self->attempt_started, self->attempt_delay_ms,
                                       (guint) CLAMP (duration, 0, G_MAXUINT),
                                       connected, connected ? _("Connected") : why);
  g_clear_pointer (&self->attempt_started, g_date_time_unref);
  lab_bounded_list_add (self->attempts, attempt);

  if (connected)
    self->in_outage = FALSE;
}

/* Stopped on purpose: no outage, and no attempt in flight to record. */
void
_lab_client_channel_retry_stop (LabClientChannel *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_pointer (&self->attempt_started, g_date_time_unref);
  self->in_outage = FALSE;
  self->failures = 0;
  self->got_message = FALSE;
  _lab_client_channel_update_retry_in (self);
}

/**
 * lab_client_channel_get_attempts:
 *
 * Returns: (transfer none): the latest outage's reconnect attempts as
 *   #LabReconnectAttempt items, newest first, at most
 *   %LAB_CLIENT_CHANNEL_ATTEMPTS; kept until the next outage begins
 */
GListModel *
lab_client_channel_get_attempts (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), NULL);
  return G_LIST_MODEL (self->attempts);
}
