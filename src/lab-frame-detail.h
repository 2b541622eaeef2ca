/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-frame-diagram.h"

G_BEGIN_DECLS

#define LAB_TYPE_FRAME_DETAIL (lab_frame_detail_get_type ())

G_DECLARE_FINAL_TYPE (LabFrameDetail, lab_frame_detail, LAB, FRAME_DETAIL, AdwBin)

void             lab_frame_detail_set_frame         (LabFrameDetail *self,
                                                     LabFrame       *frame);
LabFrameDiagram *lab_frame_detail_get_diagram       (LabFrameDetail *self);
const char      *lab_frame_detail_get_text          (LabFrameDetail *self);
const char      *lab_frame_detail_get_wire_hex      (LabFrameDetail *self);
const char      *lab_frame_detail_get_unmasked_hex  (LabFrameDetail *self);

G_END_DECLS
