/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-application"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-options.h"
#include "lab-window.h"

struct _LabApplication
{
  AdwApplication  parent_instance;

  LabServer      *server;
  GSettings      *settings;
  LabOptions      options;
  GError         *start_error;
};

G_DEFINE_FINAL_TYPE (LabApplication, lab_application, ADW_TYPE_APPLICATION)

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

  return -1;
}

static void
lab_application_startup (GApplication *app)
{
  LabApplication *self = LAB_APPLICATION (app);

  G_APPLICATION_CLASS (lab_application_parent_class)->startup (app);

  self->settings = g_settings_new (SCHEMA_ID);
  self->server = lab_server_new ();

  lab_server_set_port (self->server, g_settings_get_uint (self->settings, "port"));
  lab_server_set_allow_lan (self->server, g_settings_get_boolean (self->settings, "allow-lan"));
  lab_server_set_classic_ports (self->server,
                                g_settings_get_boolean (self->settings, "classic-ports"));

  /* The command line wins over the saved settings for this run. */
  if (!lab_options_apply (&self->options, self->server, &self->start_error) ||
      !lab_server_start (self->server, &self->start_error))
    g_warning ("%s", self->start_error->message);
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

  if (self->server != NULL)
    lab_server_stop (self->server);

  G_APPLICATION_CLASS (lab_application_parent_class)->shutdown (app);
}

static void
lab_application_finalize (GObject *object)
{
  LabApplication *self = LAB_APPLICATION (object);

  g_clear_object (&self->server);
  g_clear_object (&self->settings);
  g_clear_error (&self->start_error);
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
