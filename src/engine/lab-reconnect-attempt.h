/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define LAB_TYPE_RECONNECT_ATTEMPT (lab_reconnect_attempt_get_type ())

G_DECLARE_FINAL_TYPE (LabReconnectAttempt, lab_reconnect_attempt, LAB, RECONNECT_ATTEMPT, GObject)

LabReconnectAttempt *lab_reconnect_attempt_new          (GDateTime           *started,
                                                         guint                delay_ms,
                                                         guint                duration_ms,
                                                         gboolean             connected,
                                                         const char          *result);
GDateTime           *lab_reconnect_attempt_get_started  (LabReconnectAttempt *self);
guint                lab_reconnect_attempt_get_delay_ms (LabReconnectAttempt *self);
guint                lab_reconnect_attempt_get_duration_ms (LabReconnectAttempt *self);
gboolean             lab_reconnect_attempt_get_connected (LabReconnectAttempt *self);
const char          *lab_reconnect_attempt_get_result   (LabReconnectAttempt *self);

G_END_DECLS
