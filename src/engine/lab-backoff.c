/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-backoff"

#include "config.h"

#include "lab-backoff.h"

/* How long a client waits before trying a server again. */

/* The first wait after a failure: a server that restarts is found again at once. */
#define LAB_BACKOFF_FIRST_MS 500
/* The longest wait: a server that was down for long is found within half a minute. */
#define LAB_BACKOFF_MAX_MS 30000
/* ±20 %: clients dropped together by a restart do not all come back in the same instant. */
#define LAB_BACKOFF_JITTER 0.2
/* 500 ms doubled this often is far past the maximum; keeps the shift from overflowing. */
#define LAB_BACKOFF_MAX_DOUBLINGS 16

/**
 * lab_backoff_ms:
 * @failures: failed tries since a connection last worked
 * @random: a number in [0, 1) that picks the jitter
 *
 * Returns: how long to wait before the next try, in milliseconds
 */
guint
lab_backoff_ms (guint  failures,
                double random)
{
  double base = (double) LAB_BACKOFF_FIRST_MS *
                (double) (1u << MIN (failures, LAB_BACKOFF_MAX_DOUBLINGS));
  double factor = 1.0 - LAB_BACKOFF_JITTER + 2.0 * LAB_BACKOFF_JITTER * CLAMP (random, 0.0, 1.0);
  double wait = MIN (base, (double) LAB_BACKOFF_MAX_MS) * factor;

  return (guint) MIN (wait, (double) LAB_BACKOFF_MAX_MS);
}
