/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-event.h"

G_BEGIN_DECLS

#define LAB_TYPE_EVENT_LOG (lab_event_log_get_type ())

G_DECLARE_FINAL_TYPE (LabEventLog, lab_event_log, LAB, EVENT_LOG, GObject)

LabEventLog *lab_event_log_new          (guint        capacity);
guint        lab_event_log_get_capacity (LabEventLog *self);
void         lab_event_log_append       (LabEventLog *self,
                                         LabEvent    *event);

G_END_DECLS
