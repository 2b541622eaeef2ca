/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-sequence-arrow.h"

G_BEGIN_DECLS

#define LAB_SEQUENCE_HEADER_HEIGHT 8
#define LAB_SEQUENCE_ROW_HEIGHT 58
#define LAB_SEQUENCE_TIME_COLUMN 118

/* What to draw: the arrows, how many of them, which is selected, and the
 * part of the widget in view. */
typedef struct
{
  GPtrArray *arrows;
  guint      n_shown;
  int        selected;
  double     top;
  double     bottom;
} LabSequenceScene;

void lab_sequence_draw       (GtkWidget              *widget,
                              cairo_t                *cr,
                              const LabSequenceScene *scene);
void lab_sequence_draw_names (GtkWidget              *widget,
                              cairo_t                *cr);

G_END_DECLS
