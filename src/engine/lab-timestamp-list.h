/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-timestamp.h"

G_BEGIN_DECLS

#define LAB_TYPE_TIMESTAMP_LIST (lab_timestamp_list_get_type ())

G_DECLARE_FINAL_TYPE (LabTimestampList, lab_timestamp_list, LAB, TIMESTAMP_LIST, GObject)

LabTimestampList *lab_timestamp_list_new          (guint             capacity);
guint             lab_timestamp_list_get_capacity (LabTimestampList *self);
void              lab_timestamp_list_prepend      (LabTimestampList *self,
                                                   const char       *text);
void              lab_timestamp_list_clear        (LabTimestampList *self);

G_END_DECLS
