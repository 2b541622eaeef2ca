/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-frame-detail.h"
#include "lab-inspected-connection.h"

G_BEGIN_DECLS

#define LAB_TYPE_FRAMES_VIEW (lab_frames_view_get_type ())

G_DECLARE_FINAL_TYPE (LabFramesView, lab_frames_view, LAB, FRAMES_VIEW, AdwBin)

void                lab_frames_view_set_connection  (LabFramesView          *self,
                                                     LabInspectedConnection *connection);
GtkSingleSelection *lab_frames_view_get_shown       (LabFramesView          *self);
LabFrameDetail     *lab_frames_view_get_detail      (LabFramesView          *self);
char               *lab_frames_view_dup_cell_text   (LabFramesView          *self,
                                                     LabFrame               *frame,
                                                     const char             *column_id);
void                lab_frames_view_export_async    (LabFramesView          *self,
                                                     GFile                  *file,
                                                     GCancellable           *cancellable,
                                                     GAsyncReadyCallback     callback,
                                                     gpointer                user_data);
guint               lab_frames_view_export_finish   (LabFramesView          *self,
                                                     GAsyncResult           *result,
                                                     GError                **error);

G_END_DECLS
