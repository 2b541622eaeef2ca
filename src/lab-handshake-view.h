/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-handshake.h"

G_BEGIN_DECLS

#define LAB_TYPE_HANDSHAKE_VIEW (lab_handshake_view_get_type ())

G_DECLARE_FINAL_TYPE (LabHandshakeView, lab_handshake_view, LAB, HANDSHAKE_VIEW, AdwBin)

void        lab_handshake_view_set_handshake   (LabHandshakeView *self,
                                                LabHandshake     *handshake);
char       *lab_handshake_view_dup_request     (LabHandshakeView *self);
char       *lab_handshake_view_dup_response    (LabHandshakeView *self);
char       *lab_handshake_view_dup_steps       (LabHandshakeView *self);
const char *lab_handshake_view_get_verdict_mark (LabHandshakeView *self);
const char *lab_handshake_view_get_verdict     (LabHandshakeView *self);

G_END_DECLS
