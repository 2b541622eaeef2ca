/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-inspected-connection.h"
#include "lab-sequence-view.h"

G_BEGIN_DECLS

#define LAB_TYPE_SEQUENCE_PAGE (lab_sequence_page_get_type ())

G_DECLARE_FINAL_TYPE (LabSequencePage, lab_sequence_page, LAB, SEQUENCE_PAGE, AdwBin)

void             lab_sequence_page_set_connection   (LabSequencePage        *self,
                                                     LabInspectedConnection *connection);
void             lab_sequence_page_link_selection   (LabSequencePage        *self,
                                                     GtkSingleSelection     *selection);
LabSequenceView *lab_sequence_page_get_view         (LabSequencePage        *self);
const char      *lab_sequence_page_get_selected_text (LabSequencePage       *self);

G_END_DECLS
