/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-frame.h"

G_BEGIN_DECLS

/* The columns of the Inspector's list of frames, in order. */
typedef enum
{
  LAB_FRAME_COLUMN_MESSAGE,
  LAB_FRAME_COLUMN_TIME,
  LAB_FRAME_COLUMN_DIRECTION,
  LAB_FRAME_COLUMN_FIN,
  LAB_FRAME_COLUMN_RSV,
  LAB_FRAME_COLUMN_OPCODE,
  LAB_FRAME_COLUMN_MASK,
  LAB_FRAME_COLUMN_LENGTH,
  LAB_FRAME_COLUMN_PAYLOAD,
  LAB_FRAME_N_COLUMNS
} LabFrameColumn;

/* Where each direction's fragmented message stands, as frames come. */
typedef struct
{
  guint part[2];
} LabFragmentCounter;

const char     *lab_frame_column_get_id        (LabFrameColumn      column);
const char     *lab_frame_column_get_title     (LabFrameColumn      column);
gboolean        lab_frame_column_get_expand    (LabFrameColumn      column);
gboolean        lab_frame_column_from_id       (const char         *id,
                                                LabFrameColumn     *column);
char           *lab_frame_row_dup_text         (LabFrame           *frame,
                                                LabFrameColumn      column);
void            lab_fragment_counter_reset     (LabFragmentCounter *counter);
void            lab_fragment_counter_number    (LabFragmentCounter *counter,
                                                LabFrame           *frame);
guint           lab_frame_row_get_fragment_part (LabFrame          *frame);

G_END_DECLS
