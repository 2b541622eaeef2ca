/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-frames-view.h"
#include "lab-handshake-view.h"
#include "lab-inspected-connection.h"
#include "lab-sequence-page.h"

G_BEGIN_DECLS

#define LAB_TYPE_INSPECTOR (lab_inspector_get_type ())

G_DECLARE_FINAL_TYPE (LabInspector, lab_inspector, LAB, INSPECTOR, AdwBin)

LabInspectedConnection *lab_inspector_get_connection     (LabInspector           *self);
void                    lab_inspector_set_connection     (LabInspector           *self,
                                                          LabInspectedConnection *connection);
LabFramesView          *lab_inspector_get_frames_view    (LabInspector           *self);
LabHandshakeView       *lab_inspector_get_handshake_view (LabInspector           *self);
void                    lab_inspector_show_page          (LabInspector           *self,
                                                          const char             *name);
const char             *lab_inspector_get_rtt_text       (LabInspector           *self);
const char             *lab_inspector_get_state_text     (LabInspector           *self);
LabSequencePage        *lab_inspector_get_sequence_page  (LabInspector           *self);
void                    lab_inspector_open_har           (LabInspector           *self,
                                                          GFile                  *file);
void                    lab_inspector_save_har           (LabInspector           *self,
                                                          GFile                  *file);

G_END_DECLS
