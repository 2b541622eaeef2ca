/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_HALVES (lab_halves_get_type ())

G_DECLARE_FINAL_TYPE (LabHalves, lab_halves, LAB, HALVES, GtkWidget)

int      lab_halves_get_wide_width (LabHalves *self);
void     lab_halves_set_wide_width (LabHalves *self,
                                    int        width);
gboolean lab_halves_get_stacked    (LabHalves *self);

G_END_DECLS
