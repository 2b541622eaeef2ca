/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-frame.h"
#include "lab-handshake.h"

G_BEGIN_DECLS

/* What an arrow of the sequence diagram stands for. */
typedef enum
{
  LAB_SEQUENCE_ARROW_UPGRADE,        /* GET … Upgrade: websocket */
  LAB_SEQUENCE_ARROW_SWITCHING,      /* 101 Switching Protocols */
  LAB_SEQUENCE_ARROW_DATA,
  LAB_SEQUENCE_ARROW_PING,
  LAB_SEQUENCE_ARROW_PONG,
  LAB_SEQUENCE_ARROW_CLOSE,
  LAB_SEQUENCE_ARROW_OTHER_CONTROL,
  LAB_SEQUENCE_ARROW_NO_CLOSE,       /* the connection ended without a close frame */
} LabSequenceArrowKind;

typedef struct
{
  LabSequenceArrowKind  kind;
  LabFrameDirection     direction;
  LabFrame             *frame;       /* (nullable): none for the handshake and a missing close */
  char                 *label;
} LabSequenceArrow;

LabSequenceArrow *lab_sequence_arrow_new_upgrade   (LabHandshake     *handshake);
LabSequenceArrow *lab_sequence_arrow_new_switching (LabHandshake     *handshake);
LabSequenceArrow *lab_sequence_arrow_new_no_close  (void);
LabSequenceArrow *lab_sequence_arrow_new_for_frame (LabFrame         *frame,
                                                    GPtrArray        *before);
void              lab_sequence_arrow_free          (LabSequenceArrow *arrow);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSequenceArrow, lab_sequence_arrow_free)

G_END_DECLS
