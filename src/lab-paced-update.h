/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*LabPacedUpdateFunc) (gpointer user_data);

/* An update run at once when asked, then at most once an interval while asks keep
 * coming, and once after the last: see lab-paced-update.c. Embedded in its owner. */
typedef struct
{
  guint               interval_ms;
  LabPacedUpdateFunc  func;
  gpointer            user_data;
  guint               source;
  gboolean            asked;
} LabPacedUpdate;

void lab_paced_update_init    (LabPacedUpdate     *self,
                               guint               interval_ms,
                               LabPacedUpdateFunc  func,
                               gpointer            user_data);
void lab_paced_update_request (LabPacedUpdate     *self);
void lab_paced_update_clear   (LabPacedUpdate     *self);

G_END_DECLS
