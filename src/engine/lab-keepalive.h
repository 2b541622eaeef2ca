/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-metered-output-stream.h"

G_BEGIN_DECLS

/* One connection's keepalive, for either end: our pings slipped between
 * libsoup's frames by the metered output stream, each pong matched to its
 * ping for the round trip, and the verdict of a tick. libsoup 3.2 has no pong
 * timeout, and cannot ping on demand. Whoever owns the connection runs the
 * ticks (the server one timer for all its peers, a client one per connection). */
typedef struct
{
  LabMeteredOutputStream *output;           /* unowned: the connection holds it */
  guint                   interval;         /* seconds; 0: no pings */
  guint                   ping_count;
  gint64                  ping_sent;        /* monotonic µs of our latest ping, 0: none */
  gint64                  unanswered_since; /* of the oldest ping still unanswered, 0: none */
  int                     pong_rtt;         /* ms of the latest round trip, -1: none yet */
} LabKeepalive;

/* What a tick did, or found. */
typedef enum
{
  LAB_KEEPALIVE_WAITING,  /* off, or a ping younger than the interval is out */
  LAB_KEEPALIVE_PINGED,
  LAB_KEEPALIVE_OVERDUE,  /* a ping went a whole interval unanswered */
} LabKeepaliveTick;

void              lab_keepalive_init         (LabKeepalive           *keepalive,
                                              LabMeteredOutputStream *output);
void              lab_keepalive_set_interval (LabKeepalive           *keepalive,
                                              guint                   seconds);
void              lab_keepalive_ping         (LabKeepalive           *keepalive);
LabKeepaliveTick  lab_keepalive_tick         (LabKeepalive           *keepalive);
gboolean          lab_keepalive_pong         (LabKeepalive           *keepalive,
                                              GBytes                 *payload);
char             *lab_keepalive_describe_overdue (LabKeepalive       *keepalive);

G_END_DECLS
