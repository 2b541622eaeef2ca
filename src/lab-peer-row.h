/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-peer.h"

G_BEGIN_DECLS

#define LAB_TYPE_PEER_ROW (lab_peer_row_get_type ())

G_DECLARE_FINAL_TYPE (LabPeerRow, lab_peer_row, LAB, PEER_ROW, AdwBin)

GtkWidget  *lab_peer_row_new          (void);
LabPeer    *lab_peer_row_get_peer     (LabPeerRow *self);
void        lab_peer_row_set_peer     (LabPeerRow *self,
                                       LabPeer    *peer);
const char *lab_peer_row_get_rtt_text (LabPeerRow *self);

G_END_DECLS
