/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-keepalive"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-keepalive.h"

#define OPCODE_PING 0x9

/* Our pings carry "lab-ping N", so a pong is matched to its ping. */
#define PING_PAYLOAD_MAX 32

void
lab_keepalive_init (LabKeepalive           *keepalive,
                    LabMeteredOutputStream *output)
{
  *keepalive = (LabKeepalive) { 0 };
  keepalive->output = output;
  keepalive->pong_rtt = -1;
}

/* A new interval starts afresh: nothing is overdue yet. */
void
lab_keepalive_set_interval (LabKeepalive *keepalive,
                            guint         seconds)
{
  keepalive->interval = seconds;
  keepalive->ping_sent = 0;
  keepalive->unanswered_since = 0;
}

static void
format_ping_payload (guint  count,
                     char  *payload)
{
  g_snprintf (payload, PING_PAYLOAD_MAX, "lab-ping %u", count);
}

/* Sends a ping now, whatever the interval (Ping Now). */
void
lab_keepalive_ping (LabKeepalive *keepalive)
{
  char payload[PING_PAYLOAD_MAX];

  g_return_if_fail (keepalive->output != NULL);

  keepalive->ping_count++;
  keepalive->ping_sent = g_get_monotonic_time ();
  if (keepalive->unanswered_since == 0)
    keepalive->unanswered_since = keepalive->ping_sent;
  format_ping_payload (keepalive->ping_count, payload);
  lab_metered_output_stream_send_control (keepalive->output, OPCODE_PING,
                                          (const guint8 *) payload, strlen (payload));
}

/*
 * lab_keepalive_tick:
 *
 * One tick of the interval: a ping, unless one is out. Only a ping a whole
 * interval old makes the peer overdue: one sent a moment ago (Ping Now just
 * before the tick) has not had its chance yet, and the next tick judges it.
 */
LabKeepaliveTick
lab_keepalive_tick (LabKeepalive *keepalive)
{
  gint64 interval_us = (gint64) keepalive->interval * G_USEC_PER_SEC;
  /* The timer counts from the main loop's time, taken before the previous
   * tick's ping went out: that ping looks a little younger than the interval. */
  gint64 slack = MIN (interval_us / 4, G_USEC_PER_SEC);

  if (keepalive->interval == 0)
    return LAB_KEEPALIVE_WAITING;

  if (keepalive->unanswered_since == 0)
    {
      lab_keepalive_ping (keepalive);
      return LAB_KEEPALIVE_PINGED;
    }

  if (g_get_monotonic_time () - keepalive->unanswered_since >= interval_us - slack)
    return LAB_KEEPALIVE_OVERDUE;

  return LAB_KEEPALIVE_WAITING;
}

/*
 * lab_keepalive_pong:
 * @payload: a pong's payload, as libsoup's ::pong gives it
 *
 * Returns: whether it answered our latest ping, and :pong_rtt changed
 */
gboolean
lab_keepalive_pong (LabKeepalive *keepalive,
                    GBytes       *payload)
{
  char expected[PING_PAYLOAD_MAX];
  const char *data = payload != NULL ? g_bytes_get_data (payload, NULL) : NULL;

  if (keepalive->ping_sent == 0 || data == NULL)
    return FALSE;

  /* libsoup 3.2 ends control payloads with a nul byte, and the GBytes of its
   * pong signal was seen here reporting a wrong size: compare as strings, so
   * nothing past the nul is read. A pong for an older ping, or unasked for,
   * proves less: wait for ours. */
  format_ping_payload (keepalive->ping_count, expected);
  if (strncmp (data, expected, strlen (expected) + 1) != 0)
    return FALSE;

  keepalive->pong_rtt = (g_get_monotonic_time () - keepalive->ping_sent + 500) / 1000;
  keepalive->ping_sent = 0;
  keepalive->unanswered_since = 0;
  return TRUE;
}

/* Why an overdue connection is closed, for the log and the close frame. */
char *
lab_keepalive_describe_overdue (LabKeepalive *keepalive)
{
  return g_strdup_printf (_("No pong within %u s"), keepalive->interval);
}
