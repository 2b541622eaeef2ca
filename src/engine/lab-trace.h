/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-handshake.h"
#include "lab-server.h"

G_BEGIN_DECLS

/* Characters of payload text a trace line shows: a terminal line's worth. */
#define LAB_TRACE_TEXT_MAX 80

typedef struct _LabTrace LabTrace;

LabTrace *lab_trace_start              (LabServer    *server);
void      lab_trace_stop               (LabTrace     *trace);
char    **lab_trace_describe_handshake (LabHandshake *handshake,
                                        guint         peer_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTrace, lab_trace_stop)

G_END_DECLS
