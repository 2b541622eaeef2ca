/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-frame.h"

G_BEGIN_DECLS

#define LAB_TYPE_FRAME_DIAGRAM (lab_frame_diagram_get_type ())

G_DECLARE_FINAL_TYPE (LabFrameDiagram, lab_frame_diagram, LAB, FRAME_DIAGRAM, AdwBin)

GtkWidget *lab_frame_diagram_new            (void);
LabFrame  *lab_frame_diagram_get_frame      (LabFrameDiagram *self);
void       lab_frame_diagram_set_frame      (LabFrameDiagram *self,
                                             LabFrame        *frame);
char      *lab_frame_diagram_dup_field_bits (LabFrameDiagram *self,
                                             const char      *field_id);
char      *lab_frame_diagram_dup_field_value (LabFrameDiagram *self,
                                              const char      *field_id);

G_END_DECLS
