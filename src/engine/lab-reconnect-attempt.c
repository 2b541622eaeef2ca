/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-reconnect-attempt"

#include "config.h"

#include "lab-reconnect-attempt.h"

/* One finished try of a client to reach its server again: when it began, how
 * long the backoff made it wait before, how long the try took, and how it
 * ended. Made whole once the try is over, so views never see it change. */

struct _LabReconnectAttempt
{
  GObject    parent_instance;

  GDateTime *started;
  char      *result;
  guint      delay_ms;
  guint      duration_ms;
  gboolean   connected;
};

G_DEFINE_FINAL_TYPE (LabReconnectAttempt, lab_reconnect_attempt, G_TYPE_OBJECT)

static void
lab_reconnect_attempt_finalize (GObject *object)
{
  LabReconnectAttempt *self = LAB_RECONNECT_ATTEMPT (object);

  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->result, g_free);

  G_OBJECT_CLASS (lab_reconnect_attempt_parent_class)->finalize (object);
}

static void
lab_reconnect_attempt_class_init (LabReconnectAttemptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_reconnect_attempt_finalize;
}

static void
lab_reconnect_attempt_init (LabReconnectAttempt *self)
{
}

/**
 * lab_reconnect_attempt_new:
 * @started: the wall-clock time the try began
 * @delay_ms: the wait before it, after the failure before
 * @duration_ms: how long the try took
 * @connected: whether it reached the server
 * @result: what happened, in words for people
 */
LabReconnectAttempt *
lab_reconnect_attempt_new (GDateTime  *started,
                           guint       delay_ms,
                           guint       duration_ms,
                           gboolean    connected,
                           const char *result)
{
  LabReconnectAttempt *self;

  g_return_val_if_fail (started != NULL, NULL);
  g_return_val_if_fail (result != NULL, NULL);

  self = g_object_new (LAB_TYPE_RECONNECT_ATTEMPT, NULL);
  self->started = g_date_time_ref (started);
  self->delay_ms = delay_ms;
  self->duration_ms = duration_ms;
  self->connected = !!connected;
  self->result = g_strdup (result);

  return self;
}

GDateTime *
lab_reconnect_attempt_get_started (LabReconnectAttempt *self)
{
  g_return_val_if_fail (LAB_IS_RECONNECT_ATTEMPT (self), NULL);
  return self->started;
}

guint
lab_reconnect_attempt_get_delay_ms (LabReconnectAttempt *self)
{
  g_return_val_if_fail (LAB_IS_RECONNECT_ATTEMPT (self), 0);
  return self->delay_ms;
}

guint
lab_reconnect_attempt_get_duration_ms (LabReconnectAttempt *self)
{
  g_return_val_if_fail (LAB_IS_RECONNECT_ATTEMPT (self), 0);
  return self->duration_ms;
}

gboolean
lab_reconnect_attempt_get_connected (LabReconnectAttempt *self)
{
  g_return_val_if_fail (LAB_IS_RECONNECT_ATTEMPT (self), FALSE);
  return self->connected;
}

const char *
lab_reconnect_attempt_get_result (LabReconnectAttempt *self)
{
  g_return_val_if_fail (LAB_IS_RECONNECT_ATTEMPT (self), NULL);
  return self->result;
}
