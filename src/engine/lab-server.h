/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-counter.h"
#include "lab-endpoint.h"
#include "lab-bounded-list.h"
#include "lab-server-limits.h"
#include "lab-event.h"
#include "lab-frame.h"
#include "lab-types.h"

G_BEGIN_DECLS

#define LAB_DEFAULT_PORT 6789

/* Frames the server keeps while it captures every connection: the memory
 * stays bounded however many clients talk. */
#define LAB_SERVER_CAPTURE_FRAMES 10000

#define LAB_SERVER_ERROR (lab_server_error_quark ())

typedef enum
{
  /* A classic tutorial port (5678, 8765) is taken: the main port is not at fault. */
  LAB_SERVER_ERROR_CLASSIC_PORT_IN_USE,
} LabServerError;

#define LAB_TYPE_SERVER (lab_server_get_type ())

G_DECLARE_FINAL_TYPE (LabServer, lab_server, LAB, SERVER, GObject)

GQuark           lab_server_error_quark           (void);
LabServer       *lab_server_new                   (void);
gboolean         lab_server_start                 (LabServer            *self,
                                                   GError              **error);
void             lab_server_stop                  (LabServer            *self);
void             lab_server_shutdown_async        (LabServer            *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         lab_server_shutdown_finish       (LabServer            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
gboolean         lab_server_get_running           (LabServer            *self);
guint            lab_server_get_port              (LabServer            *self);
void             lab_server_set_port              (LabServer            *self,
                                                   guint                 port);
guint            lab_server_get_bound_port        (LabServer            *self);
gboolean         lab_server_get_allow_lan         (LabServer            *self);
void             lab_server_set_allow_lan         (LabServer            *self,
                                                   gboolean              allow_lan);
gboolean         lab_server_get_classic_ports     (LabServer            *self);
void             lab_server_set_classic_ports     (LabServer            *self,
                                                   gboolean              classic_ports);
GTlsCertificate *lab_server_get_tls_certificate   (LabServer            *self);
void             lab_server_set_tls_certificate   (LabServer            *self,
                                                   GTlsCertificate      *certificate);
char           **lab_server_dup_urls              (LabServer            *self);
GListModel      *lab_server_get_endpoints         (LabServer            *self);
char            *lab_server_dup_url               (LabServer            *self,
                                                   LabEndpointKind       kind);
LabCounter      *lab_server_get_counter           (LabServer            *self);
GListModel      *lab_server_get_peers             (LabServer            *self);
LabBoundedList  *lab_server_get_event_log         (LabServer            *self);
LabServerLimits *lab_server_get_limits            (LabServer            *self);
double           lab_server_get_time_interval_max (LabServer            *self);
void             lab_server_set_time_interval_max (LabServer            *self,
                                                   double                seconds);
guint            lab_server_get_stall_timeout     (LabServer            *self);
void             lab_server_set_stall_timeout     (LabServer            *self,
                                                   guint                 milliseconds);
gboolean         lab_server_get_capture_all       (LabServer            *self);
void             lab_server_set_capture_all       (LabServer            *self,
                                                   gboolean              capture_all);
LabBoundedList  *lab_server_get_frames            (LabServer            *self);
guint            lab_server_get_ping_interval     (LabServer            *self);
void             lab_server_set_ping_interval     (LabServer            *self,
                                                   guint                 seconds);

G_END_DECLS
