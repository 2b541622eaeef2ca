/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-bounded-list.h"
#include "lab-metered-input-stream.h"
#include "lab-metered-output-stream.h"

G_BEGIN_DECLS

/* Frames one connection keeps while an Inspector shows it: the newest ones. */
#define LAB_PEER_CAPTURE_FRAMES 2000

/* A peer's frame capture: off, the meters hold no callback and a frame costs
 * nothing; on, each whole frame becomes a LabFrame in the peer's own ring, the
 * server's ring (for --trace and "capture all"), or both. */
typedef struct
{
  LabMeteredInputStream  *input;   /* unowned: the peer holds them */
  LabMeteredOutputStream *output;
  LabBoundedList         *frames;  /* the peer's own, once asked for */
  LabBoundedList         *sink;    /* the server's, while it captures all */
  guint                   connection_id;
  /* Per direction: the next message's index, and the data message under way,
   * so that continuation frames share their first frame's index. */
  guint64                 next_message[2];
  guint64                 data_message[2];
  guint                   own : 1;
} LabPeerCapture;

void            lab_peer_capture_init     (LabPeerCapture         *capture,
                                           guint                   connection_id,
                                           LabMeteredInputStream  *input,
                                           LabMeteredOutputStream *output);
void            lab_peer_capture_clear    (LabPeerCapture         *capture);
void            lab_peer_capture_set_own  (LabPeerCapture         *capture,
                                           gboolean                own);
void            lab_peer_capture_set_sink (LabPeerCapture         *capture,
                                           LabBoundedList         *sink);
LabBoundedList *lab_peer_capture_get_frames (LabPeerCapture       *capture);

G_END_DECLS
