/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server-supervisor"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-probe.h"
#include "lab-server-supervisor-private.h"
#include "lab-tls.h"
#include "lab-url.h"

/* Starting the server: on the preferred port, or, when that is taken, next
 * to whoever holds it: another WebSocket Lab is joined (this server takes the
 * next free port) until it goes; anyone else is reported, and another port
 * offered. */

/* How far past the preferred port to look for a free one. */
#define PORT_SEARCH_SPAN 50
/* How often to check that the WebSocket Lab this one joined is still there. */
#define JOINED_CHECK_SECONDS 5

/* Tries the ports after the preferred one; only the main port moves, a
 * classic port in use is not helped by that. */
static gboolean
start_on_next_free_port (LabServerSupervisor  *self,
                         GError              **error)
{
  guint first = self->preferred_port + 1;
  guint last = MIN (self->preferred_port + PORT_SEARCH_SPAN, G_MAXUINT16);

  if (first > G_MAXUINT16)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   _("Port %u is the last one there is: choose a lower port in Preferences"),
                   self->preferred_port);
      return FALSE;
    }

  for (guint port = first; port <= last; port++)
    {
      g_autoptr(GError) local_error = NULL;

      lab_server_set_port (self->server, port);
      if (lab_server_start (self->server, &local_error))
        return TRUE;

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
               _("No free port between %u and %u"), first, last);
  return FALSE;
}

static void
joined_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LabServerSupervisor) self = user_data;
  g_autoptr(GError) error = NULL;

  self->checking_joined = FALSE;

  if (lab_probe_websocket_lab_finish (result, NULL, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->joined_notice == NULL)
    return;

  /* The other one is gone: clients come back to this app's server. */
  _lab_server_supervisor_leave_joined (self);
  if (lab_server_get_running (self->server))
    _lab_server_supervisor_started (self);
}

static gboolean
check_joined_cb (gpointer user_data)
{
  LabServerSupervisor *self = user_data;

  if (!self->checking_joined)
    {
      g_autofree char *url = lab_url_build ("ws", "127.0.0.1", self->preferred_port, "/");

      self->checking_joined = TRUE;
      lab_probe_websocket_lab_async (url, self->cancellable, joined_checked_cb, g_object_ref (self));
    }

  return G_SOURCE_CONTINUE;
}

/* Who holds the preferred port decides what to say: only a port nobody
 * answers on, or answers without HTTP, is "another program". */
static char *
describe_port_holder (guint         port,
                      const GError *probe_error)
{
  if (probe_error == NULL ||
      g_error_matches (probe_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      probe_error->domain == SOUP_SESSION_ERROR)
    return g_strdup_printf (_("Port %u is used by another program"), port);

  return g_strdup_printf (_("Port %u is in use, and what holds it did not answer as a WebSocket "
                            "Lab would: %s"),
                          port, probe_error->message);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LabServerSupervisor *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  gboolean tls = FALSE;

  if (lab_probe_websocket_lab_finish (result, &tls, &error))
    {
      g_autofree char *existing = lab_url_build (tls ? "wss" : "ws", "127.0.0.1",
                                                 self->preferred_port, "/");
      g_autofree char *notice = NULL;

      if (!start_on_next_free_port (self, &error))
        {
          _lab_server_supervisor_set_problem (self, error->message);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      notice = g_strdup_printf (_("WebSocket Lab is already serving port %u: this window joins it, "
                                  "and this app serves port %u"),
                                self->preferred_port, lab_server_get_bound_port (self->server));
      _lab_server_supervisor_join (self, existing, notice);
      _lab_server_supervisor_started (self);
      if (request->tls_problem != NULL)
        _lab_server_supervisor_set_problem (self, request->tls_problem);

      g_clear_handle_id (&self->joined_check_source, g_source_remove);
      self->joined_check_source = g_timeout_add_seconds (JOINED_CHECK_SECONDS, check_joined_cb, self);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  problem = describe_port_holder (self->preferred_port, error);
  _lab_server_supervisor_set_problem (self, problem);
  _lab_server_supervisor_set_port_conflict (self, TRUE);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE, "%s", problem);
}

/* The preferred port is taken: a WebSocket Lab there is joined, anyone
 * else reported; @task completes when it is known which. */
static void
ask_port_holder (LabServerSupervisor *self,
                 GTask               *task)
{
  g_autofree char *url = lab_url_build ("ws", "127.0.0.1", self->preferred_port, "/");

  lab_probe_websocket_lab_async (url, g_task_get_cancellable (task), probe_cb, g_object_ref (task));
}

/* Starting */

static void
start_with (GTask           *task,
            GTlsCertificate *certificate)
{
  LabServerSupervisor *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  _lab_server_supervisor_configure (self, request->config, certificate);

  if (lab_server_start (self->server, &error))
    {
      _lab_server_supervisor_started (self);
      if (request->tls_problem != NULL)
        _lab_server_supervisor_set_problem (self, request->tls_problem);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->mode == LAB_SUPERVISION_SHARE && self->preferred_port != 0 &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    {
      /* Ours or someone else's? Ask before deciding. */
      ask_port_holder (self, task);
      return;
    }

  _lab_server_supervisor_set_problem (self, error->message);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void start_loaded (GTask           *task,
                          GTlsCertificate *certificate,
                          GError          *error);

static void
start_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = lab_tls_load_finish (result, &error);
  start_loaded (task, certificate, error);
}

static void
start_loaded (GTask           *task,
              GTlsCertificate *certificate,
              GError          *error)
{
  LabServerSupervisor *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);

  if (certificate == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          self->mode == LAB_SUPERVISION_STRICT)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_task_return_error (task, g_error_copy (error));
          else
            g_task_return_new_error (task, error->domain, error->code,
                                     _("Cannot serve TLS: %s"), error->message);
          return;
        }

      /* Serve without TLS rather than not at all, and say why. */
      request->tls_problem = g_strdup_printf (_("Serving without TLS: %s"), error->message);
    }

  start_with (task, certificate);
}

/**
 * lab_server_supervisor_start_async:
 *
 * Starts the server as @config says. Without TLS it is listening when this
 * returns; a certificate is loaded in a thread first. In
 * %LAB_SUPERVISION_SHARE mode a certificate that does not load means serving
 * without TLS, and a taken port is looked into; :problem tells.
 */
void
lab_server_supervisor_start_async (LabServerSupervisor   *self,
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
                                          lab_server_supervisor_start_async);

  if (lab_server_get_running (self->server))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "The server is already running");
      return;
    }

  if (!lab_server_config_wants_certificate (config, &error))
    start_with (task, NULL);
  else if (error != NULL)
    start_loaded (task, NULL, error);
  else
    lab_tls_load_async (config->certificate_file, lab_server_config_get_key_file (config), cancellable,
                        start_loaded_cb, g_steal_pointer (&task));
}

gboolean
lab_server_supervisor_start_finish (LabServerSupervisor  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * lab_server_supervisor_use_another_port:
 *
 * When another program holds the preferred port: serves on the next free one.
 *
 * Returns: whether the server now runs
 */
gboolean
lab_server_supervisor_use_another_port (LabServerSupervisor *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (self), FALSE);

  if (lab_server_get_running (self->server))
    return TRUE;

  return _lab_server_supervisor_started_or_problem (self, start_on_next_free_port (self, &error),
                             error);
}
