/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server-supervisor"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-server-supervisor-private.h"
#include "lab-tls.h"
#include "lab-url.h"

/* Keeps one LabServer serving: starts it with a configuration, applies a new
 * one all at once or rolls back to what served before, and, when the
 * preferred port is taken, finds out by whom. Another WebSocket Lab there is
 * joined (clients go to its counter, this server takes the next free port);
 * another program is reported. The window and --headless share it; only the
 * mode differs. Problems are properties, in words, for whoever shows them. */


enum {
  PROP_0,
  PROP_CLIENT_URL,
  PROP_JOINED_NOTICE,
  PROP_PORT_CONFLICT,
  PROP_PROBLEM,
  PROP_SERVER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabServerSupervisor, lab_server_supervisor, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

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

/* A start or an apply of @config, with its own copy of it. */
GTask *
_lab_server_supervisor_task_new (LabServerSupervisor   *self,
                                 const LabServerConfig *config,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data,
                                 gpointer               source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request_new (config), (GDestroyNotify) request_free);

  return task;
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

void
_lab_server_supervisor_set_problem (LabServerSupervisor *self,
                                   const char          *problem)
{
  set_string (self, &self->problem, problem, PROP_PROBLEM);
}

void
_lab_server_supervisor_set_port_conflict (LabServerSupervisor *self,
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

void
_lab_server_supervisor_leave_joined (LabServerSupervisor *self)
{
  g_clear_handle_id (&self->joined_check_source, g_source_remove);
  set_string (self, &self->joined_notice, NULL, PROP_JOINED_NOTICE);
}

/* Clients of this app go to the WebSocket Lab at @url, and the notice says why. */
void
_lab_server_supervisor_join (LabServerSupervisor *self,
                             const char          *url,
                             const char          *notice)
{
  set_string (self, &self->joined_notice, notice, PROP_JOINED_NOTICE);
  set_string (self, &self->client_url, url, PROP_CLIENT_URL);
}

/* This app's clients trust its own server's certificate without asking: it
 * knows it. Only for this run, and on the loopback names clients use. */
static void
vouch_for_own_server (LabServerSupervisor *self)
{
  static const char * const own_hosts[] = { "127.0.0.1", "localhost" };
  GTlsCertificate *own = lab_server_get_tls_certificate (self->server);
  g_autofree char *fingerprint = NULL;

  if (self->trust_store == NULL)
    return;

  lab_trust_store_clear_vouched (self->trust_store);
  if (own == NULL)
    return;

  fingerprint = lab_tls_dup_fingerprint (own);
  for (guint i = 0; i < G_N_ELEMENTS (own_hosts); i++)
    {
      g_autofree char *peer = lab_url_format_host_port (own_hosts[i],
                                                        lab_server_get_bound_port (self->server));

      lab_trust_store_vouch (self->trust_store, peer, fingerprint);
    }
}

/* The server runs as asked: no problem to tell, and clients of this app go
 * to it, unless it joined another WebSocket Lab. */
void
_lab_server_supervisor_started (LabServerSupervisor *self)
{
  /* Before clients follow the new address. */
  vouch_for_own_server (self);

  _lab_server_supervisor_set_port_conflict (self, FALSE);
  _lab_server_supervisor_set_problem (self, NULL);

  if (self->joined_notice == NULL)
    {
      g_autofree char *url = own_counter_url (self);

      set_string (self, &self->client_url, url, PROP_CLIENT_URL);
    }
}

/* Configuring */

/* Sets the server up as @config says; the port it gets may differ from the preferred one. */
void
_lab_server_supervisor_configure (LabServerSupervisor   *self,
                                  const LabServerConfig *config,
                                  GTlsCertificate       *certificate)
{
  self->preferred_port = config->port;
  lab_server_set_port (self->server, config->port);
  lab_server_set_allow_lan (self->server, config->allow_lan);
  lab_server_set_classic_ports (self->server, config->classic_ports);
  lab_server_set_tls_certificate (self->server, certificate);
  lab_server_set_ping_interval (self->server, config->ping_interval);
  lab_server_limits_apply_config (lab_server_get_limits (self->server), config);
}

/* After a start by hand: the server runs, or :problem says why not. */
gboolean
_lab_server_supervisor_started_or_problem (LabServerSupervisor *self,
                                           gboolean             started,
                                           const GError        *error)
{
  if (!started)
    {
      _lab_server_supervisor_set_problem (self, error->message);
      return FALSE;
    }

  _lab_server_supervisor_started (self);
  return TRUE;
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

  return _lab_server_supervisor_started_or_problem (self, lab_server_start (self->server, &error), error);
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
  g_clear_object (&self->trust_store);
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

/**
 * lab_server_supervisor_set_trust_store:
 * @trust_store: (nullable): where to vouch for this server's own certificate
 *
 * Clients of this app trust its server's certificate without asking.
 */
void
lab_server_supervisor_set_trust_store (LabServerSupervisor *self,
                                       LabTrustStore       *trust_store)
{
  g_return_if_fail (LAB_IS_SERVER_SUPERVISOR (self));
  g_return_if_fail (!trust_store || LAB_IS_TRUST_STORE (trust_store));

  g_set_object (&self->trust_store, trust_store);
  if (lab_server_get_running (self->server))
    vouch_for_own_server (self);
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
