/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define LAB_TYPE_TIMESTAMP (lab_timestamp_get_type ())

G_DECLARE_FINAL_TYPE (LabTimestamp, lab_timestamp, LAB, TIMESTAMP, GObject)

LabTimestamp *lab_timestamp_new      (const char   *text);
const char   *lab_timestamp_get_text (LabTimestamp *self);

G_END_DECLS
