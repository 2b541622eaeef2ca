/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-join-screen"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-counter.h"
#include "lab-endpoint.h"
#include "lab-join-screen.h"
#include "lab-qr-view.h"
#include "lab-tls.h"

/* The projector's view of the server: a large QR code of the counter page,
 * its URL in type a class reads from the back row, how many are online and
 * the counter, live. With TLS, the certificate's fingerprint too, for
 * students to compare with what their browser's warning shows. When other
 * devices cannot join, it says why, and offers to allow them. */

struct _LabJoinScreen
{
  AdwWindow            parent_instance;

  LabServerSupervisor *supervisor;
  LabServer           *server;
  GSettings           *settings;

  /* Template widgets */
  GtkStack            *stack;
  LabQrView           *qr_view;
  GtkLabel            *url_label;
  GtkLabel            *users_label;
  GtkLabel            *value_label;
  GtkLabel            *fingerprint_label;
  AdwStatusPage       *status_page;
  GtkWidget           *allow_button;
};

G_DEFINE_FINAL_TYPE (LabJoinScreen, lab_join_screen, ADW_TYPE_WINDOW)

/* The first address other devices reach the counter page at: IPv4 first. */
static LabEndpoint *
find_join_endpoint (LabServer *server)
{
  GListModel *endpoints = lab_server_get_endpoints (server);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      if (lab_endpoint_get_kind (endpoint) == LAB_ENDPOINT_COUNTER_PAGE &&
          !lab_endpoint_is_loopback (endpoint))
        return g_steal_pointer (&endpoint);
    }

  return NULL;
}

static void
set_label_if_changed (GtkLabel   *label,
                      const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

static void
update_counter (LabJoinScreen *self)
{
  LabCounter *counter = lab_server_get_counter (self->server);
  guint users = lab_counter_get_users (counter);
  g_autofree char *users_text = g_strdup_printf (ngettext ("%u person online",
                                                           "%u people online", users),
                                                 users);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, lab_counter_get_value (counter));
  g_autofree char *value_text = g_strdup_printf (_("Counter: %s"), value);

  set_label_if_changed (self->users_label, users_text);
  set_label_if_changed (self->value_label, value_text);
}

static void
show_closed (LabJoinScreen *self,
             const char    *title,
             const char    *description,
             gboolean       can_allow)
{
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (self->allow_button, can_allow);
  lab_qr_view_set_text (self->qr_view, NULL);
  gtk_stack_set_visible_child_name (self->stack, "closed");
}

static void
update_address (LabJoinScreen *self)
{
  g_autoptr(LabEndpoint) endpoint = NULL;
  GTlsCertificate *certificate;

  if (!lab_server_get_running (self->server))
    {
      show_closed (self, _("The Server Is Stopped"),
                   _("Start the server in the main window to let others join."), FALSE);
      return;
    }

  if (!lab_server_get_allow_lan (self->server))
    {
      show_closed (self, _("Other Devices Cannot Join"),
                   _("The server listens for this computer only. Allow other devices so that "
                     "phones and computers on this network can open the counter."), TRUE);
      return;
    }

  endpoint = find_join_endpoint (self->server);
  if (endpoint == NULL)
    {
      show_closed (self, _("No Network"),
                   _("This computer has no address other devices can reach. Connect it to the "
                     "network the class uses."), FALSE);
      return;
    }

  lab_qr_view_set_text (self->qr_view, lab_endpoint_get_url (endpoint));
  set_label_if_changed (self->url_label, lab_endpoint_get_url (endpoint));

  certificate = lab_server_get_tls_certificate (self->server);
  if (certificate != NULL)
    {
      g_autofree char *fingerprint = lab_tls_dup_fingerprint (certificate);
      g_autofree char *text = g_strdup_printf (_("Certificate SHA-256: %s"), fingerprint);

      set_label_if_changed (self->fingerprint_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fingerprint_label), certificate != NULL);

  gtk_stack_set_visible_child_name (self->stack, "join");
}

static void
allow_other_devices_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  LabJoinScreen *self = LAB_JOIN_SCREEN (widget);

  /* The application applies the setting to the server, as Preferences does. */
  g_settings_set_boolean (self->settings, "allow-lan", TRUE);
}

static void
lab_join_screen_dispose (GObject *object)
{
  LabJoinScreen *self = LAB_JOIN_SCREEN (object);

  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_signal_handlers_disconnect_by_data (lab_server_get_endpoints (self->server), self);
      g_signal_handlers_disconnect_by_data (lab_server_get_counter (self->server), self);
    }
  g_clear_object (&self->server);
  g_clear_object (&self->supervisor);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_JOIN_SCREEN);

  G_OBJECT_CLASS (lab_join_screen_parent_class)->dispose (object);
}

static void
lab_join_screen_class_init (LabJoinScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_join_screen_dispose;

  g_type_ensure (LAB_TYPE_QR_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-join-screen.ui");
  gtk_widget_class_bind_template_child (widget_class, LabJoinScreen, stack);
  gtk_widget_class_bind_template_child (widget_class, LabJoinScreen, qr_view);
  gtk_widget_class_bind_template_child (widget_class, LabJoinScreen, url_label);
  gtk_widget_class_bind_template_child (widget_class, LabJoinScreen, users_label);
  gtk_widget_class_bind_template_child (widget_class, LabJoinScreen, value_label);
  gtk_widget_class_bind_template_child (widget_class, LabJoinScreen, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, LabJoinScreen, status_page);
  gtk_widget_class_bind_template_child (widget_class, LabJoinScreen, allow_button);

  gtk_widget_class_install_action (widget_class, "join.allow-other-devices", NULL,
                                   allow_other_devices_action);
  /* Escape leaves the projector's view, as it leaves full screen elsewhere. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lab_join_screen_init (LabJoinScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lab_join_screen_new:
 * @parent: the window it was opened from
 * @supervisor: the server whose address it shows
 * @settings: where "Allow Other Devices" is kept
 *
 * Returns: (transfer none): the Join Screen, full screen; it goes when closed
 */
LabJoinScreen *
lab_join_screen_new (GtkWindow           *parent,
                     LabServerSupervisor *supervisor,
                     GSettings           *settings)
{
  LabJoinScreen *self;

  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (supervisor), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (LAB_TYPE_JOIN_SCREEN,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->supervisor = g_object_ref (supervisor);
  self->server = g_object_ref (lab_server_supervisor_get_server (supervisor));
  self->settings = g_object_ref (settings);

  g_signal_connect_object (self->server, "notify::running", G_CALLBACK (update_address), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->server, "notify::allow-lan", G_CALLBACK (update_address), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->server, "notify::tls-certificate", G_CALLBACK (update_address),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_server_get_endpoints (self->server), "items-changed",
                           G_CALLBACK (update_address), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_server_get_counter (self->server), "notify::users",
                           G_CALLBACK (update_counter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_server_get_counter (self->server), "notify::value",
                           G_CALLBACK (update_counter), self, G_CONNECT_SWAPPED);

  update_address (self);
  update_counter (self);
  gtk_window_fullscreen (GTK_WINDOW (self));

  return self;
}
