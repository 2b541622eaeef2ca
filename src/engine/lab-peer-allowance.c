/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-peer"

#include "config.h"

#include "lab-peer-private.h"
#include "lab-peer-struct.h"

/*
 * _lab_peer_take_token:
 * @rate: messages a second, sustained
 * @burst: messages at once, after a quiet while
 *
 * A token bucket: it holds up to @burst tokens, fills at @rate a second, and
 * each message takes one. Clicking as fast as a person can never empties
 * it; a script in a loop does, within seconds.
 *
 * Returns: whether a token was there to take
 */
gboolean
_lab_peer_take_token (LabPeer *self,
                      guint    rate,
                      guint    burst)
{
  gint64 now = g_get_monotonic_time ();

  g_return_val_if_fail (LAB_IS_PEER (self), FALSE);

  if (self->tokens_at == 0)
    self->tokens = burst;
  else
    self->tokens = MIN ((double) burst,
                        self->tokens + (double) rate * (double) (now - self->tokens_at) / G_USEC_PER_SEC);
  self->tokens_at = now;

  if (self->tokens < 1)
    return FALSE;

  self->tokens -= 1;
  return TRUE;
}
