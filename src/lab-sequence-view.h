/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-inspected-connection.h"
#include "lab-sequence-arrow.h"

G_BEGIN_DECLS

/* lab_sequence_view_set_n_shown(): every arrow, as they come */
#define LAB_SEQUENCE_VIEW_ALL G_MAXUINT

#define LAB_TYPE_SEQUENCE_VIEW (lab_sequence_view_get_type ())

G_DECLARE_FINAL_TYPE (LabSequenceView, lab_sequence_view, LAB, SEQUENCE_VIEW, GtkWidget)

void                    lab_sequence_view_set_connection     (LabSequenceView        *self,
                                                              LabInspectedConnection *connection);
guint                   lab_sequence_view_get_n_arrows       (LabSequenceView        *self);
const LabSequenceArrow *lab_sequence_view_get_arrow          (LabSequenceView        *self,
                                                              guint                   index);
char                   *lab_sequence_view_dup_arrow_label    (LabSequenceView        *self,
                                                              guint                   index);
guint                   lab_sequence_view_get_n_shown        (LabSequenceView        *self);
void                    lab_sequence_view_set_n_shown        (LabSequenceView        *self,
                                                              guint                   n_shown);
int                     lab_sequence_view_get_selected       (LabSequenceView        *self);
void                    lab_sequence_view_select             (LabSequenceView        *self,
                                                              int                     index);
int                     lab_sequence_view_find_frame         (LabSequenceView        *self,
                                                              LabFrame               *frame);
gboolean                lab_sequence_view_get_following      (LabSequenceView        *self);
void                    lab_sequence_view_set_following      (LabSequenceView        *self,
                                                              gboolean                following);

G_END_DECLS
