/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server-supervisor"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-probe.h"
#include "lab-server-supervisor.h"
#include "lab-tls.h"
#include "lab-url.h"

/* Keeps one LabServer serving: starts it with a configuration, applies a new
 * one all at once or rolls back to what served before, and, when the
 * preferred port is taken, finds out by whom. Another WebSocket Lab there is
 * joined (clients go to its counter, this server takes the next free port);
 * another program is reported. The window and --headless share it; only the
 * mode differs. Problems are properties, in words, for whoever shows them. */

/* How far past the preferred port to look for a free one. */
#define PORT_SEARCH_SPAN 50
/* How often to check that the WebSocket Lab this one joined is still there. */
#define JOINED_CHECK_SECONDS 5

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

/* A start or an apply in flight. */
typedef struct
{
  LabServerConfig *config;
  char            *tls_problem;
} Request;

struct _LabServerSupervisor
{
  GObject             parent_instance;

  LabServer          *server;
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

enum {
  PROP_0,
  PROP_CLIENT_URL,
  PROP_JOINED_NOTICE,
  PROP_PORT_CONFLICT,
  PROP_PROBLEM,
  PROP_SERVER,
  N_PROPS
};

G_DEFINE_BOXED_TYPE (LabServerConfig, lab_server_config, lab_server_config_copy, lab_server_config_free)
G_DEFINE_FINAL_TYPE (LabServerSupervisor, lab_server_supervisor, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* Configuration */

LabServerConfig *
lab_server_config_new (void)
{
  LabServerConfig *config = g_new0 (LabServerConfig, 1);

  config->port = LAB_DEFAULT_PORT;

  return config;
}

LabServerConfig *
lab_server_config_copy (const LabServerConfig *config)
{
  LabServerConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_memdup2 (config, sizeof *config);
  copy->certificate_file = g_strdup (config->certificate_file);
  copy->key_file = g_strdup (config->key_file);

  return copy;
}

void
lab_server_config_free (LabServerConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->certificate_file);
  g_free (config->key_file);
  g_free (config);
}

static void
request_free (Request *request)
{
  lab_server_config_free (request->config);
  g_free (request->tls_problem);
  g_free (request);
}

static Request *
request_new (const LabServerConfig *config)
{
  Request *request = g_new0 (Request, 1);

  request->config = lab_server_config_copy (config);

  return request;
}

/* Properties */

static void
set_string (LabServerSupervisor  *self,
            char                **field,
            const char           *value,
            int                   prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_problem (LabServerSupervisor *self,
             const char          *problem)
{
  set_string (self, &self->problem, problem, PROP_PROBLEM);
}

static void
set_port_conflict (LabServerSupervisor *self,
                   gboolean             conflict)
{
  if (self->port_conflict == !!conflict)
    return;

  self->port_conflict = !!conflict;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT_CONFLICT]);
}

static char *
own_counter_url (LabServerSupervisor *self)
{
  return lab_server_dup_url (self->server, LAB_ENDPOINT_COUNTER);
}

static void
leave_joined (LabServerSupervisor *self)
{
  g_clear_handle_id (&self->joined_check_source, g_source_remove);
  set_string (self, &self->joined_notice, NULL, PROP_JOINED_NOTICE);
}

/* The server runs as asked: no problem to tell, and clients of this app go
 * to it, unless it joined another WebSocket Lab. */
static void
server_started (LabServerSupervisor *self)
{
  set_port_conflict (self, FALSE);
  set_problem (self, NULL);

  if (self->joined_notice == NULL)
    {
      g_autofree char *url = own_counter_url (self);

      set_string (self, &self->client_url, url, PROP_CLIENT_URL);
    }
}

/* Ports */

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
  leave_joined (self);
  if (lab_server_get_running (self->server))
    server_started (self);
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
          set_problem (self, error->message);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      notice = g_strdup_printf (_("WebSocket Lab is already serving port %u: this window joins it, "
                                  "and this app serves port %u"),
                                self->preferred_port, lab_server_get_bound_port (self->server));
      set_string (self, &self->joined_notice, notice, PROP_JOINED_NOTICE);
      set_string (self, &self->client_url, existing, PROP_CLIENT_URL);
      server_started (self);
      if (request->tls_problem != NULL)
        set_problem (self, request->tls_problem);

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
  set_problem (self, problem);
  set_port_conflict (self, TRUE);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE, "%s", problem);
}

/* Configuring */

static void
configure (LabServerSupervisor   *self,
           const LabServerConfig *config,
           GTlsCertificate       *certificate)
{
  self->preferred_port = config->port;
  lab_server_set_port (self->server, config->port);
  lab_server_set_allow_lan (self->server, config->allow_lan);
  lab_server_set_classic_ports (self->server, config->classic_ports);
  lab_server_set_tls_certificate (self->server, certificate);
}

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
    server_started (self);
  else
    set_problem (self, error->message);
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_object (&snapshot->certificate);
}

/* The certificate @config asks for is loaded in a thread; no file at all is
 * an error at once. Returns: whether to load */
static gboolean
wants_certificate (const LabServerConfig  *config,
                   GError                **error)
{
  if (!config->tls)
    return FALSE;

  if (config->certificate_file == NULL || config->certificate_file[0] == '\0')
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         _("TLS needs a certificate: choose one, or generate a self-signed one"));

  return TRUE;
}

static const char *
key_file_of (const LabServerConfig *config)
{
  return config->key_file != NULL && config->key_file[0] != '\0' ? config->key_file : NULL;
}

/* Starting */

static void
start_with (GTask           *task,
            GTlsCertificate *certificate)
{
  LabServerSupervisor *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  configure (self, request->config, certificate);

  if (lab_server_start (self->server, &error))
    {
      server_started (self);
      if (request->tls_problem != NULL)
        set_problem (self, request->tls_problem);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->mode == LAB_SUPERVISION_SHARE && self->preferred_port != 0 &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    {
      /* Ours or someone else's? Ask before deciding. */
      g_autofree char *url = lab_url_build ("ws", "127.0.0.1", self->preferred_port, "/");

      lab_probe_websocket_lab_async (url, g_task_get_cancellable (task), probe_cb, g_object_ref (task));
      return;
    }

  set_problem (self, error->message);
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

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_server_supervisor_start_async);
  g_task_set_task_data (task, request_new (config), (GDestroyNotify) request_free);

  if (lab_server_get_running (self->server))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "The server is already running");
      return;
    }

  if (!wants_certificate (config, &error))
    start_with (task, NULL);
  else if (error != NULL)
    start_loaded (task, NULL, error);
  else
    lab_tls_load_async (config->certificate_file, key_file_of (config), cancellable,
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

  if (is_serving (self, request->config, certificate))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  snapshot = snapshot_take (self);
  port_changed = request->config->port != self->preferred_port;

  lab_server_stop (self->server);
  configure (self, request->config, certificate);

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
        leave_joined (self);
      server_started (self);
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

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_server_supervisor_apply_async);
  g_task_set_task_data (task, request_new (config), (GDestroyNotify) request_free);

  if (!wants_certificate (config, &error))
    apply_with (task, NULL);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    lab_tls_load_async (config->certificate_file, key_file_of (config), cancellable,
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

/**
 * lab_server_supervisor_set_running:
 *
 * The server's switch: starts it where it was configured, or stops it
 * (closing every connection with 1001). A start that fails says why in
 * :problem.
 *
 * Returns: whether the server now runs as asked
 */
gboolean
lab_server_supervisor_set_running (LabServerSupervisor *self,
                                   gboolean             running)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (self), FALSE);

  if (!!running == lab_server_get_running (self->server))
    return TRUE;

  if (!running)
    {
      lab_server_stop (self->server);
      return TRUE;
    }

  if (!lab_server_start (self->server, &error))
    {
      set_problem (self, error->message);
      return FALSE;
    }

  server_started (self);
  return TRUE;
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

  if (!start_on_next_free_port (self, &error))
    {
      set_problem (self, error->message);
      return FALSE;
    }

  server_started (self);
  return TRUE;
}

/**
 * lab_server_supervisor_shutdown:
 *
 * Stops the server and everything the supervisor has in flight.
 */
void
lab_server_supervisor_shutdown (LabServerSupervisor *self)
{
  g_return_if_fail (LAB_IS_SERVER_SUPERVISOR (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->joined_check_source, g_source_remove);
  lab_server_stop (self->server);
}

/* GObject */

static void
lab_server_supervisor_dispose (GObject *object)
{
  LabServerSupervisor *self = LAB_SERVER_SUPERVISOR (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->joined_check_source, g_source_remove);
  g_clear_object (&self->server);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lab_server_supervisor_parent_class)->dispose (object);
}

static void
lab_server_supervisor_finalize (GObject *object)
{
  LabServerSupervisor *self = LAB_SERVER_SUPERVISOR (object);

  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->joined_notice, g_free);
  g_clear_pointer (&self->client_url, g_free);

  G_OBJECT_CLASS (lab_server_supervisor_parent_class)->finalize (object);
}

static void
lab_server_supervisor_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  LabServerSupervisor *self = LAB_SERVER_SUPERVISOR (object);

  switch (prop_id)
    {
    case PROP_CLIENT_URL:
      g_value_set_string (value, self->client_url);
      break;

    case PROP_JOINED_NOTICE:
      g_value_set_string (value, self->joined_notice);
      break;

    case PROP_PORT_CONFLICT:
      g_value_set_boolean (value, self->port_conflict);
      break;

    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;

    case PROP_SERVER:
      g_value_set_object (value, self->server);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_server_supervisor_class_init (LabServerSupervisorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_server_supervisor_dispose;
  object_class->finalize = lab_server_supervisor_finalize;
  object_class->get_property = lab_server_supervisor_get_property;

  /* Where a client of this app connects: this server's counter, or the
   * counter of the WebSocket Lab it joined. NULL until one serves. */
  properties[PROP_CLIENT_URL] =
    g_param_spec_string ("client-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Set while this app joins another WebSocket Lab's counter, in words. */
  properties[PROP_JOINED_NOTICE] =
    g_param_spec_string ("joined-notice", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Another program holds the preferred port: "Use Another Port" helps. */
  properties[PROP_PORT_CONFLICT] =
    g_param_spec_boolean ("port-conflict", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Why the server is not running (or runs without TLS), in words, or NULL. */
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SERVER] =
    g_param_spec_object ("server", NULL, NULL,
                         LAB_TYPE_SERVER,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_server_supervisor_init (LabServerSupervisor *self)
{
  self->cancellable = g_cancellable_new ();
}

LabServerSupervisor *
lab_server_supervisor_new (LabServer          *server,
                           LabSupervisionMode  mode)
{
  LabServerSupervisor *self;

  g_return_val_if_fail (LAB_IS_SERVER (server), NULL);

  self = g_object_new (LAB_TYPE_SERVER_SUPERVISOR, NULL);
  self->server = g_object_ref (server);
  self->mode = mode;
  self->preferred_port = lab_server_get_port (server);

  return self;
}

LabServer *
lab_server_supervisor_get_server (LabServerSupervisor *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (self), NULL);
  return self->server;
}

const char *
lab_server_supervisor_get_problem (LabServerSupervisor *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (self), NULL);
  return self->problem;
}

gboolean
lab_server_supervisor_get_port_conflict (LabServerSupervisor *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (self), FALSE);
  return self->port_conflict;
}

const char *
lab_server_supervisor_get_joined_notice (LabServerSupervisor *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (self), NULL);
  return self->joined_notice;
}

const char *
lab_server_supervisor_get_client_url (LabServerSupervisor *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (self), NULL);
  return self->client_url;
}
