/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-peer.h"

G_BEGIN_DECLS

/* The tutorial sleeps random.random() * 3 seconds between two timestamps. */
#define LAB_TIME_INTERVAL_MAX_DEFAULT 3.0

#define LAB_TYPE_TIME_ROOM (lab_time_room_get_type ())

G_DECLARE_FINAL_TYPE (LabTimeRoom, lab_time_room, LAB, TIME_ROOM, GObject)

LabTimeRoom *lab_time_room_new              (void);
void         lab_time_room_join             (LabTimeRoom *self,
                                             LabPeer     *peer);
void         lab_time_room_leave            (LabTimeRoom *self,
                                             LabPeer     *peer);
double       lab_time_room_get_interval_max (LabTimeRoom *self);
void         lab_time_room_set_interval_max (LabTimeRoom *self,
                                             double       seconds);

G_END_DECLS
