/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server-supervisor"

#include "config.h"

#include "lab-server-supervisor-private.h"
#include "lab-tls.h"

/* Applying a new configuration to a running server: all of it, or none of
 * it, with the previous configuration serving again after a failure. */

/* What serves now: enough to put it back when a new configuration fails. */
typedef struct
{
  guint            preferred_port;
  guint            port;
  guint            bound_port;
  gboolean         allow_lan;
  gboolean         classic_ports;
  gboolean         running;
  GTlsCertificate *certificate;
} Snapshot;

static gboolean
is_serving (LabServerSupervisor   *self,
            const LabServerConfig *config,
            GTlsCertificate       *certificate)
{
  GTlsCertificate *current = lab_server_get_tls_certificate (self->server);

  return self->preferred_port == config->port &&
         lab_server_get_allow_lan (self->server) == config->allow_lan &&
         lab_server_get_classic_ports (self->server) == config->classic_ports &&
         ((current == NULL && certificate == NULL) ||
          (current != NULL && certificate != NULL && g_tls_certificate_is_same (current, certificate)));
}

static Snapshot
snapshot_take (LabServerSupervisor *self)
{
  GTlsCertificate *certificate = lab_server_get_tls_certificate (self->server);
  Snapshot snapshot = {
    .preferred_port = self->preferred_port,
    .port = lab_server_get_port (self->server),
    .bound_port = lab_server_get_bound_port (self->server),
    .allow_lan = lab_server_get_allow_lan (self->server),
    .classic_ports = lab_server_get_classic_ports (self->server),
    .running = lab_server_get_running (self->server),
    .certificate = certificate ? g_object_ref (certificate) : NULL,
  };

  return snapshot;
}

static void
snapshot_restore (LabServerSupervisor *self,
                  Snapshot            *snapshot)
{
  g_autoptr(GError) error = NULL;

  lab_server_stop (self->server);
  self->preferred_port = snapshot->preferred_port;
  /* Back on the very port it had ("any free port" would pick another). */
  lab_server_set_port (self->server, snapshot->bound_port != 0 ? snapshot->bound_port : snapshot->port);
  lab_server_set_allow_lan (self->server, snapshot->allow_lan);
  lab_server_set_classic_ports (self->server, snapshot->classic_ports);
  lab_server_set_tls_certificate (self->server, snapshot->certificate);

  if (!snapshot->running)
    return;

  if (lab_server_start (self->server, &error))
    _lab_server_supervisor_started (self);
  else
    _lab_server_supervisor_set_problem (self, error->message);
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_object (&snapshot->certificate);
}

/* Applying */

static void
apply_with (GTask           *task,
            GTlsCertificate *certificate)
{
  LabServerSupervisor *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  Snapshot snapshot;
  gboolean port_changed;

  /* Takes effect on every connection without a restart. */
  lab_server_set_ping_interval (self->server, request->config->ping_interval);
  lab_server_limits_apply_config (lab_server_get_limits (self->server), request->config);

  if (is_serving (self, request->config, certificate))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  snapshot = snapshot_take (self);
  port_changed = request->config->port != self->preferred_port;

  lab_server_stop (self->server);
  _lab_server_supervisor_configure (self, request->config, certificate);

  /* The same port preference keeps the port the server has (another one
   * than preferred when that was taken, or the one "any free port" got):
   * clients know that address. */
  if (!port_changed && snapshot.bound_port != 0)
    lab_server_set_port (self->server, snapshot.bound_port);

  /* A server the user had stopped stays stopped, with the new settings. */
  if (!snapshot.running && self->problem == NULL)
    {
      snapshot_clear (&snapshot);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (lab_server_start (self->server, &error))
    {
      /* A port of its own choosing: no longer next to another WebSocket Lab. */
      if (port_changed)
        _lab_server_supervisor_leave_joined (self);
      _lab_server_supervisor_started (self);
      snapshot_clear (&snapshot);
      g_task_return_boolean (task, TRUE);
      return;
    }

  snapshot_restore (self, &snapshot);
  snapshot_clear (&snapshot);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
apply_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  if (!(certificate = lab_tls_load_finish (result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  apply_with (task, certificate);
}

/**
 * lab_server_supervisor_apply_async:
 *
 * Restarts the listeners with @config, all at once; on failure (a
 * certificate that does not load, a port in use) the previous configuration
 * keeps serving and the error says why. Clients reconnect by themselves.
 */
void
lab_server_supervisor_apply_async (LabServerSupervisor   *self,
                                   const LabServerConfig *config,
                                   GCancellable          *cancellable,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (LAB_IS_SERVER_SUPERVISOR (self));
  g_return_if_fail (config != NULL);

  task = _lab_server_supervisor_task_new (self, config, cancellable, callback, user_data,
                                          lab_server_supervisor_apply_async);

  if (!lab_server_config_wants_certificate (config, &error))
    apply_with (task, NULL);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    lab_tls_load_async (config->certificate_file, lab_server_config_get_key_file (config), cancellable,
                        apply_loaded_cb, g_steal_pointer (&task));
}

gboolean
lab_server_supervisor_apply_finish (LabServerSupervisor  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
