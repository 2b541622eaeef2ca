/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-server.h"
#include "lab-server-config.h"
#include "lab-trust-store.h"

G_BEGIN_DECLS

/* How a supervisor meets a taken port. */
typedef enum
{
  /* The port or nothing: a service manager or a script wants to know. */
  LAB_SUPERVISION_STRICT,
  /* Another WebSocket Lab there is joined, and this one serves the next free
   * port; another program is reported, and another port offered. */
  LAB_SUPERVISION_SHARE,
} LabSupervisionMode;

#define LAB_TYPE_SERVER_SUPERVISOR (lab_server_supervisor_get_type ())

G_DECLARE_FINAL_TYPE (LabServerSupervisor, lab_server_supervisor, LAB, SERVER_SUPERVISOR, GObject)

LabServerSupervisor *lab_server_supervisor_new             (LabServer             *server,
                                                            LabSupervisionMode     mode);
LabServer           *lab_server_supervisor_get_server      (LabServerSupervisor   *self);
void                 lab_server_supervisor_set_trust_store (LabServerSupervisor   *self,
                                                            LabTrustStore         *trust_store);
void                 lab_server_supervisor_start_async     (LabServerSupervisor   *self,
                                                            const LabServerConfig *config,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
gboolean             lab_server_supervisor_start_finish    (LabServerSupervisor   *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);
void                 lab_server_supervisor_apply_async     (LabServerSupervisor   *self,
                                                            const LabServerConfig *config,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
gboolean             lab_server_supervisor_apply_finish    (LabServerSupervisor   *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);
gboolean             lab_server_supervisor_set_running     (LabServerSupervisor   *self,
                                                            gboolean               running);
gboolean             lab_server_supervisor_use_another_port (LabServerSupervisor  *self);
void                 lab_server_supervisor_shutdown        (LabServerSupervisor   *self);
const char          *lab_server_supervisor_get_problem     (LabServerSupervisor   *self);
gboolean             lab_server_supervisor_get_port_conflict (LabServerSupervisor *self);
const char          *lab_server_supervisor_get_joined_notice (LabServerSupervisor *self);
const char          *lab_server_supervisor_get_client_url  (LabServerSupervisor   *self);

G_END_DECLS
