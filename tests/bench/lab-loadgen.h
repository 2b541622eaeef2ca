/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A load generator for the counter protocol: N non-blocking WebSocket clients on one
 * epoll set, driven from the calling thread. It parses just enough of the server's
 * frames to follow `users` counts and `state` values, so it costs far less than the
 * servers it measures. Every call returns within its timeout. */

typedef struct _LabLoadgen LabLoadgen;

typedef enum
{
  LAB_LOADGEN_OK,
  LAB_LOADGEN_TIMED_OUT,
  LAB_LOADGEN_FAILED,
} LabLoadgenStatus;

LabLoadgen       *lab_loadgen_new              (guint16      port,
                                                guint        n_clients,
                                                guint        in_flight);
void              lab_loadgen_free             (LabLoadgen  *self);
const char       *lab_loadgen_get_error        (LabLoadgen  *self);
double            lab_loadgen_get_phase_cpu    (LabLoadgen  *self);
LabLoadgenStatus  lab_loadgen_join             (LabLoadgen  *self,
                                                double       timeout_s,
                                                double      *out_seconds);
LabLoadgenStatus  lab_loadgen_idle             (LabLoadgen  *self,
                                                double       seconds);
LabLoadgenStatus  lab_loadgen_converge         (LabLoadgen  *self,
                                                guint        sender,
                                                guint        n_actions,
                                                double       timeout_s,
                                                double      *out_seconds);
LabLoadgenStatus  lab_loadgen_paced            (LabLoadgen  *self,
                                                guint        sender,
                                                guint        rate,
                                                double       seconds,
                                                double       timeout_s,
                                                GArray      *latencies);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabLoadgen, lab_loadgen_free)

G_END_DECLS
