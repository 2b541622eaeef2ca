/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-bounded-list.h"
#include "lab-peer.h"

G_BEGIN_DECLS

void lab_hello_answer (LabPeer        *peer,
                       const char     *name,
                       LabBoundedList *event_log);

G_END_DECLS
