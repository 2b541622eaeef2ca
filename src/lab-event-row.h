/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-event.h"

G_BEGIN_DECLS

#define LAB_TYPE_EVENT_ROW (lab_event_row_get_type ())

G_DECLARE_FINAL_TYPE (LabEventRow, lab_event_row, LAB, EVENT_ROW, GtkWidget)

GtkWidget  *lab_event_row_new       (void);
LabEvent   *lab_event_row_get_event (LabEventRow *self);
void        lab_event_row_set_event (LabEventRow *self,
                                     LabEvent    *event);
const char *lab_event_row_get_text  (LabEventRow *self);

G_END_DECLS
