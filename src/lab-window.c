/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-window.h"

struct _LabWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwStatusPage        *status_page;
};

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_status (LabWindow *self)
{
  LabApplication *app = LAB_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  LabServer *server = lab_application_get_server (app);
  g_auto(GStrv) urls = lab_server_dup_urls (server);
  g_autofree char *joined = g_strjoinv ("\n", urls);

  if (lab_server_get_running (server))
    adw_status_page_set_description (self->status_page, joined);
  else
    adw_status_page_set_description (self->status_page, _("The server is not running."));
}

static void
lab_window_constructed (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  G_OBJECT_CLASS (lab_window_parent_class)->constructed (object);

  update_status (self);
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = lab_window_constructed;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wslab/WebSocketLab/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, status_page);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

LabWindow *
lab_window_new (LabApplication *application)
{
  return g_object_new (LAB_TYPE_WINDOW, "application", application, NULL);
}
