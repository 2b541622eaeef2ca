/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-application"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-options.h"
#include "lab-preferences-window.h"
#include "lab-probe.h"
#include "lab-tls.h"
#include "lab-trusted-certificates.h"
#include "lab-url.h"
#include "lab-window.h"

/* One server per process, shared by every window; each window has its own
 * client. When the preferred port belongs to another WebSocket Lab, this one
 * serves on the next free port and its windows join the other's counter. */

/* How far past the preferred port to look for a free one. */
#define PORT_SEARCH_SPAN 50
/* How often to check that the WebSocket Lab this one joined is still there. */
#define JOINED_CHECK_SECONDS 5
/* Typing a port number digit by digit should restart the server once. */
#define APPLY_SETTINGS_DELAY_MS 400

/* What the server is asked to be; applied all at once or not at all. */
typedef struct
{
  guint            port;
  gboolean         allow_lan;
  gboolean         classic_ports;
  GTlsCertificate *certificate;
} ServerConfig;

struct _LabApplication
{
  AdwApplication  parent_instance;

  LabServer      *server;
  GSettings      *settings;
  LabTrustStore  *trust_store;
  GCancellable   *cancellable;
  LabOptions      options;

  char           *server_problem;
  char           *default_client_url;
  char           *joined_notice;
  guint           preferred_port;
  guint           apply_source;
  guint           joined_check_source;
  guint           port_conflict : 1;
  guint           checking_joined : 1;
};

enum {
  SETTINGS_ERROR,
  N_SIGNALS
};

enum {
  PROP_0,
  PROP_DEFAULT_CLIENT_URL,
  PROP_JOINED_NOTICE,
  PROP_PORT_CONFLICT,
  PROP_SERVER_PROBLEM,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabApplication, lab_application, ADW_TYPE_APPLICATION)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_string (LabApplication  *self,
            char           **field,
            const char      *value,
            int              prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_port_conflict (LabApplication *self,
                   gboolean        conflict)
{
  if (self->port_conflict == !!conflict)
    return;

  self->port_conflict = !!conflict;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT_CONFLICT]);
}

static char *
own_counter_url (LabApplication *self)
{
  return g_strdup_printf ("%s://127.0.0.1:%u/",
                          lab_server_get_tls_certificate (self->server) ? "wss" : "ws",
                          lab_server_get_bound_port (self->server));
}

static void
sync_server_running_action (LabApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "server-running");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (lab_server_get_running (self->server)));
}

/* Tries ports after the preferred one; returns whether one worked. */
static gboolean
start_on_next_free_port (LabApplication  *self,
                         GError         **error)
{
  for (guint port = self->preferred_port + 1;
       port <= MIN (self->preferred_port + PORT_SEARCH_SPAN, G_MAXUINT16);
       port++)
    {
      g_autoptr(GError) local_error = NULL;

      lab_server_set_port (self->server, port);
      if (lab_server_start (self->server, &local_error))
        return TRUE;

      /* Only the main port moves; a classic port in use is not helped by that. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
               _("No free port between %u and %u"),
               self->preferred_port + 1, self->preferred_port + PORT_SEARCH_SPAN);
  return FALSE;
}

/* This app's clients trust its own server's certificate without asking: it
 * knows it. Only for this run, and on the loopback names clients use. */
static void
vouch_for_own_server (LabApplication *self)
{
  static const char * const own_hosts[] = { "127.0.0.1", "localhost" };
  GTlsCertificate *own = lab_server_get_tls_certificate (self->server);
  g_autofree char *fingerprint = NULL;

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

static void
server_started (LabApplication *self)
{
  g_autofree char *url = own_counter_url (self);

  /* Before the windows' clients follow the new address. */
  vouch_for_own_server (self);
  set_port_conflict (self, FALSE);
  set_string (self, &self->server_problem, NULL, PROP_SERVER_PROBLEM);
  if (self->joined_notice == NULL)
    set_string (self, &self->default_client_url, url, PROP_DEFAULT_CLIENT_URL);
  sync_server_running_action (self);
}

static void
joined_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LabApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  self->checking_joined = FALSE;

  if (lab_probe_websocket_lab_finish (result, NULL, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->joined_notice == NULL)
    return;

  /* The other one is gone: the windows come back to this app's server. */
  g_clear_handle_id (&self->joined_check_source, g_source_remove);
  set_string (self, &self->joined_notice, NULL, PROP_JOINED_NOTICE);
  if (lab_server_get_running (self->server))
    {
      url = own_counter_url (self);
      set_string (self, &self->default_client_url, url, PROP_DEFAULT_CLIENT_URL);
    }
}

static gboolean
check_joined_cb (gpointer user_data)
{
  LabApplication *self = user_data;
  g_autofree char *url = NULL;

  if (self->joined_notice == NULL)
    {
      self->joined_check_source = 0;
      return G_SOURCE_REMOVE;
    }

  if (!self->checking_joined)
    {
      self->checking_joined = TRUE;
      url = g_strdup_printf ("ws://127.0.0.1:%u/", self->preferred_port);
      lab_probe_websocket_lab_async (url, self->cancellable, joined_checked_cb, g_object_ref (self));
    }

  return G_SOURCE_CONTINUE;
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(LabApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  gboolean tls = FALSE;

  if (lab_probe_websocket_lab_finish (result, &tls, &error))
    {
      g_autofree char *existing = g_strdup_printf ("%s://127.0.0.1:%u/", tls ? "wss" : "ws",
                                                   self->preferred_port);
      g_autofree char *notice = NULL;

      if (!start_on_next_free_port (self, &error))
        {
          set_string (self, &self->server_problem, error->message, PROP_SERVER_PROBLEM);
          return;
        }

      notice = g_strdup_printf (_("WebSocket Lab is already serving port %u: this window joins it, "
                                  "and this app serves port %u"),
                                self->preferred_port, lab_server_get_bound_port (self->server));
      set_string (self, &self->joined_notice, notice, PROP_JOINED_NOTICE);
      set_string (self, &self->default_client_url, existing, PROP_DEFAULT_CLIENT_URL);
      server_started (self);

      g_clear_handle_id (&self->joined_check_source, g_source_remove);
      self->joined_check_source = g_timeout_add_seconds (JOINED_CHECK_SECONDS, check_joined_cb, self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  problem = g_strdup_printf (_("Port %u is used by another program"), self->preferred_port);
  set_string (self, &self->server_problem, problem, PROP_SERVER_PROBLEM);
  set_port_conflict (self, TRUE);
}

static void
start_server (LabApplication *self)
{
  g_autoptr(GError) error = NULL;

  lab_server_set_port (self->server, self->preferred_port);

  if (lab_server_start (self->server, &error))
    {
      server_started (self);
      return;
    }

  sync_server_running_action (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE) && self->preferred_port != 0)
    {
      /* Ours or someone else's? Ask before deciding. */
      g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/", self->preferred_port);

      lab_probe_websocket_lab_async (url, self->cancellable, probe_cb, g_object_ref (self));
      return;
    }

  set_string (self, &self->server_problem, error->message, PROP_SERVER_PROBLEM);
}

static void
report_settings_error (LabApplication *self,
                       const char     *message)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog;

  g_signal_emit (self, signals[SETTINGS_ERROR], 0, message);

  if (parent == NULL)
    return;

  dialog = adw_message_dialog_new (parent, _("Cannot Apply the Settings"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s.\n\nThe server goes on as it was."), message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Reads the server's part of the settings; FALSE with @error when the
 * certificate does not load (the rest of @config is filled in all the same). */
static gboolean
read_server_config (LabApplication  *self,
                    ServerConfig    *config,
                    GError         **error)
{
  guint16 port;

  g_settings_get (self->settings, "port", "q", &port);
  /* A port given on the command line holds for this run, until the user
   * picks another in Preferences. */
  config->port = self->options.port != -1 ? (guint) self->options.port : port;
  config->allow_lan = self->options.lan || g_settings_get_boolean (self->settings, "allow-lan");
  config->classic_ports = self->options.classic_ports ||
                          g_settings_get_boolean (self->settings, "classic-ports");
  config->certificate = NULL;

  if (self->options.tls_cert != NULL)
    {
      config->certificate = lab_tls_load (self->options.tls_cert, self->options.tls_key, error);
      return config->certificate != NULL;
    }

  if (g_settings_get_boolean (self->settings, "tls-enabled"))
    {
      g_autofree char *certificate_file = g_settings_get_string (self->settings, "tls-certificate-file");
      g_autofree char *key_file = g_settings_get_string (self->settings, "tls-key-file");

      if (*certificate_file == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("TLS needs a certificate: choose one, or generate a self-signed one"));
          return FALSE;
        }

      if (!(config->certificate = lab_tls_load (certificate_file, key_file, error)))
        return FALSE;
    }

  return TRUE;
}

static void
configure_server (LabApplication *self,
                  ServerConfig   *config)
{
  self->preferred_port = config->port;
  lab_server_set_port (self->server, config->port);
  lab_server_set_allow_lan (self->server, config->allow_lan);
  lab_server_set_classic_ports (self->server, config->classic_ports);
  lab_server_set_tls_certificate (self->server, config->certificate);
}

static gboolean
same_config (LabApplication *self,
             ServerConfig   *config)
{
  GTlsCertificate *current = lab_server_get_tls_certificate (self->server);

  return self->preferred_port == config->port &&
         lab_server_get_allow_lan (self->server) == config->allow_lan &&
         lab_server_get_classic_ports (self->server) == config->classic_ports &&
         ((current == NULL && config->certificate == NULL) ||
          (current != NULL && config->certificate != NULL &&
           g_tls_certificate_is_same (current, config->certificate)));
}

/* Restarts the listeners with the settings; on failure the previous
 * configuration keeps serving, and the user is told why. Clients reconnect
 * by themselves. */
static void
apply_server_settings (LabApplication *self)
{
  g_autoptr(GTlsCertificate) old_certificate = NULL;
  g_autoptr(GError) error = NULL;
  ServerConfig config;
  gboolean was_running;
  gboolean port_changed;
  gboolean old_allow_lan;
  gboolean old_classic_ports;
  guint old_preferred_port;
  guint old_port;
  guint old_bound_port;

  if (!read_server_config (self, &config, &error))
    {
      report_settings_error (self, error->message);
      return;
    }

  if (same_config (self, &config))
    {
      g_clear_object (&config.certificate);
      return;
    }

  old_certificate = lab_server_get_tls_certificate (self->server)
                    ? g_object_ref (lab_server_get_tls_certificate (self->server)) : NULL;
  old_allow_lan = lab_server_get_allow_lan (self->server);
  old_classic_ports = lab_server_get_classic_ports (self->server);
  old_preferred_port = self->preferred_port;
  old_port = lab_server_get_port (self->server);
  old_bound_port = lab_server_get_bound_port (self->server);
  port_changed = config.port != self->preferred_port;

  was_running = lab_server_get_running (self->server);
  lab_server_stop (self->server);
  configure_server (self, &config);
  g_clear_object (&config.certificate);

  /* The same port preference keeps the port the server has (another one
   * than preferred when that was taken, or the one "any free port" got):
   * clients know that address. */
  if (!port_changed && old_bound_port != 0)
    lab_server_set_port (self->server, old_bound_port);

  /* A server the user had stopped stays stopped, with the new settings. */
  if (!was_running && self->server_problem == NULL)
    return;

  if (lab_server_start (self->server, &error))
    {
      /* A port of its own choosing: no longer next to another WebSocket Lab. */
      if (port_changed)
        set_string (self, &self->joined_notice, NULL, PROP_JOINED_NOTICE);
      server_started (self);
      return;
    }

  report_settings_error (self, error->message);

  /* Back to what was serving. */
  self->preferred_port = old_preferred_port;
  lab_server_set_port (self->server, old_port);
  lab_server_set_allow_lan (self->server, old_allow_lan);
  lab_server_set_classic_ports (self->server, old_classic_ports);
  lab_server_set_tls_certificate (self->server, old_certificate);

  g_clear_error (&error);
  if (was_running && lab_server_start (self->server, &error))
    server_started (self);
  else if (was_running)
    set_string (self, &self->server_problem, error->message, PROP_SERVER_PROBLEM);

  sync_server_running_action (self);
}

static gboolean
apply_settings_cb (gpointer user_data)
{
  LabApplication *self = user_data;

  self->apply_source = 0;
  apply_server_settings (self);

  return G_SOURCE_REMOVE;
}

static void
server_setting_changed_cb (LabApplication *self,
                           const char     *key)
{
  if (g_str_equal (key, "port"))
    self->options.port = -1;

  g_clear_handle_id (&self->apply_source, g_source_remove);
  self->apply_source = g_timeout_add (APPLY_SETTINGS_DELAY_MS, apply_settings_cb, self);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  LabApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  LabPreferencesWindow *preferences = lab_preferences_window_new (self);

  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
server_running_change_state (GSimpleAction *action,
                             GVariant      *value,
                             gpointer       user_data)
{
  LabApplication *self = user_data;

  if (g_variant_get_boolean (value) == lab_server_get_running (self->server))
    return;

  if (g_variant_get_boolean (value))
    {
      g_autoptr(GError) error = NULL;

      if (lab_server_start (self->server, &error))
        server_started (self);
      else
        set_string (self, &self->server_problem, error->message, PROP_SERVER_PROBLEM);
    }
  else
    lab_server_stop (self->server);

  sync_server_running_action (self);
}

static void
use_another_port_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  LabApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (lab_server_get_running (self->server))
    return;

  if (start_on_next_free_port (self, &error))
    server_started (self);
  else
    set_string (self, &self->server_problem, error->message, PROP_SERVER_PROBLEM);
}

static void
new_window_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  LabApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (lab_window_new (self)));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "WebSocket Lab developers", NULL };
  AdwAboutWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-icon", APP_ID,
                        "application-name", _("WebSocket Lab"),
                        "developer-name", _("WebSocket Lab developers"),
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/wslab/websocket-lab",
                        "issue-url", "https://github.com/wslab/websocket-lab/issues",
                        "comments", _("A WebSocket server and client side by side, to learn how "
                                      "WebSockets work. It speaks the protocol of the Python "
                                      "websockets tutorial."),
                        "developers", developers,
                        "copyright", "© 2026 WebSocket Lab developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* Without its schema GSettings aborts the process: say what is missing instead. */
static gboolean
settings_schema_is_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);

  return schema != NULL;
}

static int
lab_application_handle_local_options (GApplication *app,
                                      GVariantDict *options_dict)
{
  LabApplication *self = LAB_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (self->options.version)
    {
      g_print ("websocket-lab %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (!lab_options_validate (&self->options, &error))
    {
      g_printerr ("websocket-lab: %s\n", error->message);
      return 2;
    }

  if (!settings_schema_is_installed ())
    {
      g_printerr (_("websocket-lab: the settings schema “%s” is not installed, so the window "
                    "cannot open.\n"
                    "Install the app (“meson install”), or start it from its source folder with "
                    "build-aux/run-app.sh, which installs it into the folder itself; or point "
                    "GSETTINGS_SCHEMA_DIR at a folder holding its compiled schema "
                    "(glib-compile-schemas data/).\n"
                    "websocket-lab --headless needs no settings and runs as it is.\n"),
                  SCHEMA_ID);
      return 1;
    }

  return -1;
}

static void
lab_application_startup (GApplication *app)
{
  LabApplication *self = LAB_APPLICATION (app);
  static const GActionEntry actions[] = {
    { "new-window", new_window_activated },
    { "quit", quit_activated },
    { "about", about_activated },
    { "use-another-port", use_another_port_activated },
    { "preferences", preferences_activated },
    { "server-running", NULL, NULL, "false", server_running_change_state },
  };
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.new-window", { "<Control>n", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.plus", { "<Control>plus", "<Control>equal", NULL } },
    { "win.minus", { "<Control>minus", NULL } },
    { "win.open-counter-page", { "<Control>o", NULL } },
  };
  static const char * const server_keys[] = {
    "port", "allow-lan", "classic-ports", "tls-enabled", "tls-certificate-file", "tls-key-file",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  ServerConfig config;

  G_APPLICATION_CLASS (lab_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (SCHEMA_ID);
  self->server = lab_server_new ();
  self->trust_store = lab_trust_store_new ();
  lab_trusted_certificates_bind (self->settings, self->trust_store);

  /* The settings, and the command line over them for this run. */
  if (read_server_config (self, &config, &error))
    {
      configure_server (self, &config);
      g_clear_object (&config.certificate);
    }
  else
    {
      /* Serve without TLS rather than not at all; the window says why. */
      problem = g_strdup_printf (_("Serving without TLS: %s"), error->message);

      g_clear_error (&error);
      configure_server (self, &config);
    }

  for (guint i = 0; i < G_N_ELEMENTS (server_keys); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", server_keys[i], NULL);

      g_signal_connect_object (self->settings, signal,
                               G_CALLBACK (server_setting_changed_cb), self, G_CONNECT_SWAPPED);
    }

  start_server (self);

  if (problem != NULL && lab_server_get_running (self->server))
    set_string (self, &self->server_problem, problem, PROP_SERVER_PROBLEM);
}

static void
lab_application_activate (GApplication *app)
{
  LabApplication *self = LAB_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (lab_window_new (self));

  gtk_window_present (window);
}

static void
lab_application_shutdown (GApplication *app)
{
  LabApplication *self = LAB_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_clear_handle_id (&self->joined_check_source, g_source_remove);
  if (self->server != NULL)
    lab_server_stop (self->server);

  G_APPLICATION_CLASS (lab_application_parent_class)->shutdown (app);
}

static void
lab_application_finalize (GObject *object)
{
  LabApplication *self = LAB_APPLICATION (object);

  g_clear_object (&self->server);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->server_problem, g_free);
  g_clear_pointer (&self->default_client_url, g_free);
  g_clear_pointer (&self->joined_notice, g_free);
  lab_options_clear (&self->options);

  G_OBJECT_CLASS (lab_application_parent_class)->finalize (object);
}

static void
lab_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabApplication *self = LAB_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DEFAULT_CLIENT_URL:
      g_value_set_string (value, self->default_client_url);
      break;

    case PROP_JOINED_NOTICE:
      g_value_set_string (value, self->joined_notice);
      break;

    case PROP_PORT_CONFLICT:
      g_value_set_boolean (value, self->port_conflict);
      break;

    case PROP_SERVER_PROBLEM:
      g_value_set_string (value, self->server_problem);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_application_class_init (LabApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = lab_application_finalize;
  object_class->get_property = lab_application_get_property;

  app_class->handle_local_options = lab_application_handle_local_options;
  app_class->startup = lab_application_startup;
  app_class->activate = lab_application_activate;
  app_class->shutdown = lab_application_shutdown;

  /* Where a new window's client connects unless the user chose a URL. */
  properties[PROP_DEFAULT_CLIENT_URL] =
    g_param_spec_string ("default-client-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Set when this app joined another WebSocket Lab's counter, in words. */
  properties[PROP_JOINED_NOTICE] =
    g_param_spec_string ("joined-notice", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Another program holds the preferred port: "Use Another Port" helps. */
  properties[PROP_PORT_CONFLICT] =
    g_param_spec_boolean ("port-conflict", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Why the server is not running, in words, or NULL. */
  properties[PROP_SERVER_PROBLEM] =
    g_param_spec_string ("server-problem", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabApplication::settings-error:
   * @self: a #LabApplication
   * @message: why the settings could not be applied, in words
   *
   * Settings changed but could not be applied; the server goes on as before.
   */
  signals[SETTINGS_ERROR] =
    g_signal_new ("settings-error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lab_application_init (LabApplication *self)
{
  g_autofree GOptionEntry *entries = NULL;

  lab_options_init (&self->options);
  entries = lab_options_dup_entries (&self->options);
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

LabApplication *
lab_application_new (void)
{
  return g_object_new (LAB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/wslab/WebSocketLab",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

LabServer *
lab_application_get_server (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->server;
}

GSettings *
lab_application_get_settings (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* Returns: (transfer none): whom every client of this app trusts */
LabTrustStore *
lab_application_get_trust_store (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->trust_store;
}

const char *
lab_application_get_server_problem (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->server_problem;
}

gboolean
lab_application_get_port_conflict (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), FALSE);
  return self->port_conflict;
}

const char *
lab_application_get_default_client_url (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->default_client_url;
}

const char *
lab_application_get_joined_notice (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->joined_notice;
}
