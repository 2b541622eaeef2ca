/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-handshake.h"
#include "lab-types.h"

G_BEGIN_DECLS

#define LAB_TYPE_PEER (lab_peer_get_type ())

G_DECLARE_FINAL_TYPE (LabPeer, lab_peer, LAB, PEER, GObject)

guint       lab_peer_get_id               (LabPeer *self);
LabRoute    lab_peer_get_route            (LabPeer *self);
const char *lab_peer_get_path             (LabPeer *self);
const char *lab_peer_get_remote_address   (LabPeer *self);
const char *lab_peer_get_origin           (LabPeer *self);
GDateTime  *lab_peer_get_connected_since  (LabPeer *self);
const char *lab_peer_get_request_headers  (LabPeer *self);
const char *lab_peer_get_response_headers (LabPeer *self);
LabHandshake *lab_peer_get_handshake     (LabPeer *self);
guint64     lab_peer_get_buffered_amount  (LabPeer *self);
gboolean    lab_peer_get_backed_up        (LabPeer *self);
guint64     lab_peer_get_messages_dropped (LabPeer *self);
gboolean    lab_peer_is_open              (LabPeer *self);
gushort     lab_peer_get_close_code       (LabPeer *self);
const char *lab_peer_get_close_reason     (LabPeer *self);
void        lab_peer_set_capture          (LabPeer  *self,
                                           gboolean  capture);
gboolean    lab_peer_get_capture          (LabPeer *self);
GListModel *lab_peer_get_frames           (LabPeer *self);
int         lab_peer_get_pong_rtt         (LabPeer *self);
gboolean    lab_peer_ping_now             (LabPeer *self);
gboolean    lab_peer_close                (LabPeer     *self,
                                           gushort      code,
                                           const char  *reason,
                                           GError     **error);
gushort     lab_peer_get_close_code_received (LabPeer *self);
char       *lab_peer_describe_close       (LabPeer *self);

G_END_DECLS
