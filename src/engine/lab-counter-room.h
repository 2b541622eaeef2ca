/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-bounded-list.h"
#include "lab-counter.h"
#include "lab-peer.h"

G_BEGIN_DECLS

#define LAB_TYPE_COUNTER_ROOM (lab_counter_room_get_type ())

G_DECLARE_FINAL_TYPE (LabCounterRoom, lab_counter_room, LAB, COUNTER_ROOM, GObject)

LabCounterRoom *lab_counter_room_new         (LabCounter     *counter,
                                              LabBoundedList *event_log);
void            lab_counter_room_join        (LabCounterRoom *self,
                                              LabPeer        *peer);
void            lab_counter_room_leave       (LabCounterRoom *self,
                                              LabPeer        *peer);
void            lab_counter_room_receive     (LabCounterRoom *self,
                                              LabPeer        *peer,
                                              const char     *text);
guint           lab_counter_room_get_n_peers (LabCounterRoom *self);

G_END_DECLS
