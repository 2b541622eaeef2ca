/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-application"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-options.h"
#include "lab-preferences-window.h"
#include "lab-trusted-certificates.h"
#include "lab-window.h"

/* One server per process, shared by every window; each window has its own
 * client. The server's supervisor (in the engine) keeps it serving; this
 * reads the settings and the command line into its configuration, tells the
 * user when new settings cannot apply, and holds the application's actions. */

/* Typing a port number digit by digit should restart the server once. */
#define APPLY_SETTINGS_DELAY_MS 400

struct _LabApplication
{
  AdwApplication       parent_instance;

  LabServerSupervisor *supervisor;
  GSettings           *settings;
  LabTrustStore       *trust_store;
  GCancellable        *cancellable;
  LabOptions           options;

  guint                apply_source;
};

enum {
  SETTINGS_ERROR,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (LabApplication, lab_application, ADW_TYPE_APPLICATION)

static guint signals[N_SIGNALS];

static LabServer *
get_server (LabApplication *self)
{
  return lab_server_supervisor_get_server (self->supervisor);
}

static void
sync_server_running_action (LabApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "server-running");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (lab_server_get_running (get_server (self))));
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

/* The server's part of the settings, and the command line over it for this run. */
static LabServerConfig *
read_server_config (LabApplication *self)
{
  LabServerConfig *config = lab_server_config_new ();
  guint16 port;

  g_settings_get (self->settings, "port", "q", &port);
  config->port = port;
  config->allow_lan = g_settings_get_boolean (self->settings, "allow-lan");
  config->classic_ports = g_settings_get_boolean (self->settings, "classic-ports");
  config->tls = g_settings_get_boolean (self->settings, "tls-enabled");
  config->certificate_file = g_settings_get_string (self->settings, "tls-certificate-file");
  config->key_file = g_settings_get_string (self->settings, "tls-key-file");
  config->ping_interval = g_settings_get_uint (self->settings, "ping-interval");
  config->max_clients = g_settings_get_uint (self->settings, "max-clients");
  config->max_rate = g_settings_get_uint (self->settings, "max-rate");
  config->request_timeout = g_settings_get_uint (self->settings, "request-timeout");
  config->allow_any_origin = g_settings_get_boolean (self->settings, "allow-any-origin");
  config->allowed_origins = g_settings_get_strv (self->settings, "allowed-origins");

  lab_options_apply_to_config (&self->options, config);

  return config;
}

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lab_server_supervisor_apply_finish (LAB_SERVER_SUPERVISOR (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report_settings_error (self, error->message);
}

static gboolean
apply_settings_cb (gpointer user_data)
{
  LabApplication *self = user_data;
  g_autoptr(LabServerConfig) config = read_server_config (self);

  self->apply_source = 0;
  lab_server_supervisor_apply_async (self->supervisor, config, self->cancellable,
                                     applied_cb, g_object_ref (self));

  return G_SOURCE_REMOVE;
}

static void
server_setting_changed_cb (LabApplication *self,
                           const char     *key)
{
  /* A port given on the command line holds for this run, until the user
   * picks another in Preferences. */
  if (g_str_equal (key, "port"))
    self->options.port = -1;
  if (g_str_equal (key, "ping-interval"))
    self->options.ping_interval = -1;

  g_clear_handle_id (&self->apply_source, g_source_remove);
  self->apply_source = g_timeout_add (APPLY_SETTINGS_DELAY_MS, apply_settings_cb, self);
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  /* Whatever went wrong is the supervisor's :problem, which the windows show. */
  lab_server_supervisor_start_finish (LAB_SERVER_SUPERVISOR (object), result, NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  LabApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  LabPreferencesWindow *preferences = lab_preferences_window_new (GTK_APPLICATION (self), self->trust_store,
                                                                 self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
server_running_change_state (GSimpleAction *action,
                             GVariant      *value,
                             gpointer       user_data)
{
  LabApplication *self = user_data;

  lab_server_supervisor_set_running (self->supervisor, g_variant_get_boolean (value));
  sync_server_running_action (self);
}

static void
use_another_port_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  lab_server_supervisor_use_another_port (LAB_APPLICATION (user_data)->supervisor);
}

static void
new_window_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  LabApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (lab_window_new (GTK_APPLICATION (self), self->supervisor,
                                                  self->trust_store, self->settings)));
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
    { "win.join-screen", { "<Control>j", NULL } },
    { "win.toggle-inspector", { "<Control>i", NULL } },
    { "win.toggle-lessons", { "<Control>l", NULL } },
  };
  static const char * const server_keys[] = {
    "port", "allow-lan", "classic-ports", "tls-enabled", "tls-certificate-file", "tls-key-file",
    "ping-interval", "max-clients", "max-rate", "request-timeout", "allowed-origins",
    "allow-any-origin",
  };
  g_autoptr(LabServerConfig) config = NULL;
  g_autoptr(LabServer) server = NULL;

  G_APPLICATION_CLASS (lab_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (SCHEMA_ID);
  self->trust_store = lab_trust_store_new ();
  lab_trusted_certificates_bind (self->settings, self->trust_store);
  server = lab_server_new ();
  self->supervisor = lab_server_supervisor_new (server, LAB_SUPERVISION_SHARE);
  lab_server_supervisor_set_trust_store (self->supervisor, self->trust_store);

  g_signal_connect_object (server, "notify::running",
                           G_CALLBACK (sync_server_running_action), self, G_CONNECT_SWAPPED);

  for (guint i = 0; i < G_N_ELEMENTS (server_keys); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", server_keys[i], NULL);

      g_signal_connect_object (self->settings, signal,
                               G_CALLBACK (server_setting_changed_cb), self, G_CONNECT_SWAPPED);
    }

  config = read_server_config (self);
  lab_server_supervisor_start_async (self->supervisor, config, self->cancellable, started_cb, NULL);
}

static void
lab_application_activate (GApplication *app)
{
  LabApplication *self = LAB_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (lab_window_new (GTK_APPLICATION (self), self->supervisor, self->trust_store,
                                         self->settings));

  gtk_window_present (window);
}

static void
lab_application_shutdown (GApplication *app)
{
  LabApplication *self = LAB_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  /* The settings may outlive this run (a test runs the app again): no
   * change of theirs may start an apply now. */
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_handle_id (&self->apply_source, g_source_remove);
  if (self->supervisor != NULL)
    lab_server_supervisor_shutdown (self->supervisor);

  G_APPLICATION_CLASS (lab_application_parent_class)->shutdown (app);
}

static void
lab_application_finalize (GObject *object)
{
  LabApplication *self = LAB_APPLICATION (object);

  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_clear_object (&self->supervisor);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  lab_options_clear (&self->options);

  G_OBJECT_CLASS (lab_application_parent_class)->finalize (object);
}

static void
lab_application_class_init (LabApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = lab_application_finalize;

  app_class->handle_local_options = lab_application_handle_local_options;
  app_class->startup = lab_application_startup;
  app_class->activate = lab_application_activate;
  app_class->shutdown = lab_application_shutdown;

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

LabServerSupervisor *
lab_application_get_supervisor (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->supervisor;
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
