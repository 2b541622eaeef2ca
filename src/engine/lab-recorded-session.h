/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-handshake.h"

G_BEGIN_DECLS

#define LAB_TYPE_RECORDED_SESSION (lab_recorded_session_get_type ())

G_DECLARE_FINAL_TYPE (LabRecordedSession, lab_recorded_session, LAB, RECORDED_SESSION, GObject)

LabRecordedSession *lab_recorded_session_new           (const char         *url,
                                                        LabHandshake       *handshake,
                                                        GListModel         *frames);
const char         *lab_recorded_session_get_url       (LabRecordedSession *self);
const char         *lab_recorded_session_get_title     (LabRecordedSession *self);
LabHandshake       *lab_recorded_session_get_handshake (LabRecordedSession *self);
GListModel         *lab_recorded_session_get_frames    (LabRecordedSession *self);
char               *lab_recorded_session_describe_close (LabRecordedSession *self);
gushort             lab_recorded_session_get_close_code (LabRecordedSession *self);

G_END_DECLS
