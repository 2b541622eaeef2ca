/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-server-supervisor.h"
#include "lab-trust-store.h"

G_BEGIN_DECLS

/* The supervisor's files: lab-server-supervisor.c holds its state and
 * properties, lab-server-supervisor-start.c starts the server (and deals with
 * a taken port), lab-server-supervisor-apply.c applies new configurations
 * with rollback. */

struct _LabServerSupervisor
{
  GObject             parent_instance;

  LabServer          *server;
  LabTrustStore      *trust_store;  /* may be NULL */
  GCancellable       *cancellable;
  char               *problem;
  char               *joined_notice;
  char               *client_url;

  LabSupervisionMode  mode;
  guint               preferred_port;
  guint               joined_check_source;

  guint               port_conflict : 1;
  guint               checking_joined : 1;
};

/* A start or an apply in flight. */
typedef struct
{
  LabServerConfig *config;
  char            *tls_problem;
} Request;

GTask   *_lab_server_supervisor_task_new     (LabServerSupervisor   *self,
                                              const LabServerConfig *config,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data,
                                              gpointer               source_tag);
void     _lab_server_supervisor_set_problem  (LabServerSupervisor   *self,
                                              const char            *problem);
void     _lab_server_supervisor_started      (LabServerSupervisor   *self);
void     _lab_server_supervisor_leave_joined (LabServerSupervisor   *self);
void     _lab_server_supervisor_configure    (LabServerSupervisor   *self,
                                              const LabServerConfig *config,
                                              GTlsCertificate       *certificate);
void     _lab_server_supervisor_join         (LabServerSupervisor   *self,
                                              const char            *url,
                                              const char            *notice);
void     _lab_server_supervisor_set_port_conflict
                                             (LabServerSupervisor   *self,
                                              gboolean               conflict);
gboolean _lab_server_supervisor_started_or_problem
                                             (LabServerSupervisor   *self,
                                              gboolean               started,
                                              const GError          *error);

G_END_DECLS
