/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-server.h"

G_BEGIN_DECLS

/* What a server is asked to be, applied all at once or not at all. */
typedef struct
{
  guint     port;              /* the preferred port; 0 picks a free one */
  gboolean  allow_lan;
  gboolean  classic_ports;
  gboolean  tls;
  char     *certificate_file;  /* for TLS; it may hold the key too */
  char     *key_file;          /* NULL or "": the key is in the certificate file */
} LabServerConfig;

/* How a supervisor meets a taken port. */
typedef enum
{
  /* The port or nothing: a service manager or a script wants to know. */
  LAB_SUPERVISION_STRICT,
  /* Another WebSocket Lab there is joined, and this one serves the next free
   * port; another program is reported, and another port offered. */
  LAB_SUPERVISION_SHARE,
} LabSupervisionMode;

#define LAB_TYPE_SERVER_CONFIG (lab_server_config_get_type ())
#define LAB_TYPE_SERVER_SUPERVISOR (lab_server_supervisor_get_type ())

GType            lab_server_config_get_type (void) G_GNUC_CONST;
LabServerConfig *lab_server_config_new      (void);
LabServerConfig *lab_server_config_copy     (const LabServerConfig *config);
void             lab_server_config_free     (LabServerConfig       *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabServerConfig, lab_server_config_free)

G_DECLARE_FINAL_TYPE (LabServerSupervisor, lab_server_supervisor, LAB, SERVER_SUPERVISOR, GObject)

LabServerSupervisor *lab_server_supervisor_new             (LabServer             *server,
                                                            LabSupervisionMode     mode);
LabServer           *lab_server_supervisor_get_server      (LabServerSupervisor   *self);
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
