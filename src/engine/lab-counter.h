/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lab-protocol.h"
#include "lab-types.h"

G_BEGIN_DECLS

#define LAB_TYPE_COUNTER (lab_counter_get_type ())

G_DECLARE_FINAL_TYPE (LabCounter, lab_counter, LAB, COUNTER, GObject)

LabCounter *lab_counter_new         (void);
gint64      lab_counter_get_value   (LabCounter  *self);
guint       lab_counter_get_users   (LabCounter  *self);
gboolean    lab_counter_apply       (LabCounter  *self,
                                     LabAction    action,
                                     GError     **error);
void        lab_counter_add_user    (LabCounter  *self);
void        lab_counter_remove_user (LabCounter  *self);

G_END_DECLS
