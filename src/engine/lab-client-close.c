/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"


#include "lab-close-code.h"
#include "lab-client-private.h"

/* How the client's connections are kept alive, how they end and how they come
 * back: the ping interval, a close with the code a person chose or a drop with
 * none, what each side said, and the reconnect attempts that follow. */

/**
 * lab_client_set_keepalive_interval:
 * @seconds: how often to ping the server; 0 for never
 *
 * A ping of the client's own unanswered for a whole interval ends the
 * connection (1001, "No pong within N s"), and the client reconnects.
 * Applies at once, to open connections too.
 */
void
lab_client_set_keepalive_interval (LabClient *self,
                                   guint      seconds)
{
  g_return_if_fail (LAB_IS_CLIENT (self));

  lab_client_channel_set_keepalive_interval (self->counter, seconds);
  lab_client_channel_set_keepalive_interval (self->time, seconds);
}

void
_lab_client_close_answered_cb (LabClient *self)
{
  g_signal_emit (self, _lab_client_signals[CLOSE_ANSWERED], 0);
}

/**
 * lab_client_close:
 * @code: 1000, 1001, 1008 or an application's code, 4000–4999
 * @reason: (nullable): at most %LAB_CLOSE_REASON_MAX bytes of UTF-8
 *
 * Closes both connections with @code and @reason and stops reconnecting, as
 * lab_client_disconnect() does; ::close-answered follows once the counter
 * server has answered.
 *
 * Returns: %FALSE, with @error set, for a code or reason that may not be sent
 */
gboolean
lab_client_close (LabClient   *self,
                  gushort      code,
                  const char  *reason,
                  GError     **error)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  if (!lab_close_code_check_sendable (code, reason, error))
    return FALSE;

  lab_client_channel_close (self->counter, code, reason);
  lab_client_channel_close (self->time, code, reason);
  lab_client_disconnect (self);

  return TRUE;
}

/**
 * lab_client_describe_close:
 *
 * Returns: (transfer full) (nullable): how the counter connection last
 *   closed: who sent the first close frame, each code and reason with its
 *   meaning; 1006 and what happened when it ended without one
 */
char *
lab_client_describe_close (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);
  return lab_client_channel_describe_close (self->counter);
}

/* The code of the counter server's close frame; 1006 when none came. */
gushort
lab_client_get_close_code_received (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), 0);
  return lab_client_channel_get_close_code_received (self->counter);
}

const char *
lab_client_get_close_reason_received (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);
  return lab_client_channel_get_close_reason_received (self->counter);
}

/**
 * lab_client_drop_connection:
 *
 * Drops the counter connection with no closing handshake (its socket shut
 * down under libsoup): the server records 1006, so does the client, and the
 * client reconnects with its backoff, which lab_client_get_attempts() shows.
 *
 * Returns: whether the counter connection was open
 */
gboolean
lab_client_drop_connection (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);
  return lab_client_channel_drop (self->counter);
}

/**
 * lab_client_get_attempts:
 *
 * Returns: (transfer none): the counter connection's reconnect attempts in
 *   its latest outage, as #LabReconnectAttempt items, newest first, at most
 *   %LAB_CLIENT_CHANNEL_ATTEMPTS; the list starts again when the next outage
 *   begins, after a connection that worked
 */
GListModel *
lab_client_get_attempts (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);
  return lab_client_channel_get_attempts (self->counter);
}
