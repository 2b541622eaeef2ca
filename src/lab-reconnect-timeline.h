/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-client.h"

G_BEGIN_DECLS

#define LAB_TYPE_RECONNECT_TIMELINE (lab_reconnect_timeline_get_type ())

G_DECLARE_FINAL_TYPE (LabReconnectTimeline, lab_reconnect_timeline, LAB, RECONNECT_TIMELINE, AdwBin)

void        lab_reconnect_timeline_set_client        (LabReconnectTimeline *self,
                                                      LabClient            *client);
const char *lab_reconnect_timeline_get_countdown     (LabReconnectTimeline *self);
char       *lab_reconnect_timeline_dup_row_text      (LabReconnectTimeline *self,
                                                      guint                 position);

G_END_DECLS
