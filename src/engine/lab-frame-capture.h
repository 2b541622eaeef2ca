/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-bounded-list.h"
#include "lab-frame.h"
#include "lab-metered-input-stream.h"
#include "lab-metered-output-stream.h"

G_BEGIN_DECLS

/* Frames one connection keeps while an Inspector shows it: the newest ones. */
#define LAB_FRAME_CAPTURE_FRAMES 2000

/* One connection's frame capture, at either end: off, the meters hold no
 * callback and a frame costs nothing; on, each whole frame becomes a LabFrame
 * in the connection's own ring, a shared ring (the server's, for --trace and
 * "capture all"), or both. */
typedef struct
{
  LabMeteredInputStream  *input;   /* unowned: the connection holds them */
  LabMeteredOutputStream *output;
  LabBoundedList         *frames;  /* the connection's own, once asked for */
  LabBoundedList         *sink;    /* a shared one: the server's, while it captures all */
  guint                   connection_id;
  LabFrameDirection       incoming;  /* what the input stream reads */
  /* Per direction: the next message's index, and the data message under way,
   * so that continuation frames share their first frame's index. */
  guint64                 next_message[2];
  guint64                 data_message[2];
  guint                   own : 1;
} LabFrameCapture;

void            lab_frame_capture_init       (LabFrameCapture        *capture,
                                              guint                   connection_id,
                                              LabFrameDirection       incoming,
                                              LabMeteredInputStream  *input,
                                              LabMeteredOutputStream *output);
void            lab_frame_capture_clear      (LabFrameCapture        *capture);
void            lab_frame_capture_set_own    (LabFrameCapture        *capture,
                                              gboolean                own);
void            lab_frame_capture_set_sink   (LabFrameCapture        *capture,
                                              LabBoundedList         *sink);
LabBoundedList *lab_frame_capture_get_frames (LabFrameCapture        *capture);

G_END_DECLS
