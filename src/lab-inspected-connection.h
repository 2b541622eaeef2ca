/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-handshake.h"
#include "lab-client.h"
#include "lab-peer.h"
#include "lab-recorded-session.h"

G_BEGIN_DECLS

#define LAB_TYPE_INSPECTED_CONNECTION (lab_inspected_connection_get_type ())

G_DECLARE_FINAL_TYPE (LabInspectedConnection, lab_inspected_connection, LAB, INSPECTED_CONNECTION, GObject)

LabInspectedConnection *lab_inspected_connection_new_for_peer      (LabPeer                *peer);
LabInspectedConnection *lab_inspected_connection_new_for_client    (LabClient              *client);
LabInspectedConnection *lab_inspected_connection_new_for_recording (LabRecordedSession     *session);
gboolean                lab_inspected_connection_is_recorded       (LabInspectedConnection *self);
char                   *lab_inspected_connection_dup_url           (LabInspectedConnection *self);
GObject                *lab_inspected_connection_get_source        (LabInspectedConnection *self);
const char             *lab_inspected_connection_get_title         (LabInspectedConnection *self);
LabHandshake           *lab_inspected_connection_get_handshake     (LabInspectedConnection *self);
GListModel             *lab_inspected_connection_get_frames        (LabInspectedConnection *self);
int                     lab_inspected_connection_get_pong_rtt      (LabInspectedConnection *self);
gboolean                lab_inspected_connection_get_open          (LabInspectedConnection *self);
char                   *lab_inspected_connection_dup_close_description
                                                                   (LabInspectedConnection *self);
gushort                 lab_inspected_connection_get_close_code    (LabInspectedConnection *self);
gboolean                lab_inspected_connection_ping_now          (LabInspectedConnection *self);
gboolean                lab_inspected_connection_close             (LabInspectedConnection *self,
                                                                    gushort                 code,
                                                                    const char             *reason,
                                                                    GError                **error);
void                    lab_inspected_connection_set_capture       (LabInspectedConnection *self,
                                                                    gboolean                capture);
void                    lab_inspected_connection_clear_frames      (LabInspectedConnection *self);

G_END_DECLS
