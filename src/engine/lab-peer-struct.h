/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-close-record.h"
#include "lab-handshake.h"
#include "lab-keepalive.h"
#include "lab-metered-input-stream.h"
#include "lab-frame-capture.h"
#include "lab-peer-outbox.h"
#include "lab-peer-private.h"

G_BEGIN_DECLS

/* LabPeer's instance, shared by its files: lab-peer.c (the connection, its
 * messages and its end) and lab-peer-inspect.c (handshake, capture,
 * keepalive and close, for the Inspector). */
struct _LabPeer
{
  GObject                  parent_instance;

  SoupWebsocketConnection *connection;
  LabMeteredInputStream   *input;
  LabMeteredOutputStream  *output;

  guint                    id;
  LabRoute                 route;
  const LabPeerObserver   *observer;
  gpointer                 observer_data;
  char                    *path;
  char                    *remote_address;
  char                    *origin;
  gint64                   connected_at;     /* real time, µs */
  GDateTime               *connected_since;  /* made from it when first asked for */
  LabHandshake            *handshake;
  char                    *request_headers;
  char                    *response_headers;

  /* Frames kept for an Inspector or the trace */
  LabFrameCapture           capture;

  /* Pings, pongs and their round trip; the server ticks it */
  LabKeepalive             keepalive;

  /* The closing handshake: who began it, what each side sent, and what
   * happened when it ended without one */
  LabCloseRecord           close;

  /* What waits to be sent while the reader is slow */
  LabPeerOutbox            outbox;
  guint                    over_limit_source;

  guint                    closed : 1;
  /* In the counter room: the users count it last heard, and whether it has
   * yet to hear the state */
  guint                    users_heard;
  gint64                   state_heard;
  guint                    has_state_heard : 1;
  guint                    newcomer : 1;

  /* The message allowance (lab-peer-allowance.c): tokens left, and when it
   * was last topped up (monotonic µs; 0: never, a full bucket) */
  double                   tokens;
  gint64                   tokens_at;
};

G_END_DECLS
