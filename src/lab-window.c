/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-client-pane.h"
#include "lab-halves.h"
#include "lab-join-screen.h"
#include "lab-probe.h"
#include "lab-server-pane.h"
#include "lab-tls.h"
#include "lab-url.h"
#include "lab-window.h"
#include "lab-window-private.h"

/* One window: the application's server on one side, this window's own client
 * on the other. Each window is one more client of whatever server it joins. */

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, ADW_TYPE_APPLICATION_WINDOW)

static LabServer *
get_server (LabWindow *self)
{
  return lab_server_supervisor_get_server (self->supervisor);
}

/* Closed, and waiting for its last reference to go. */
static gboolean
is_closed (LabWindow *self)
{
  return gtk_window_get_application (GTK_WINDOW (self)) == NULL;
}

static void
show_toast (LabWindow  *self,
            const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static const char *
current_url (LabWindow *self)
{
  if (self->chosen_url != NULL)
    return self->chosen_url;

  return lab_server_supervisor_get_client_url (self->supervisor);
}

static void
update_actions (LabWindow *self)
{
  gboolean ready = lab_client_get_state (self->client) == LAB_CLIENT_STATE_CONNECTED &&
                   lab_client_get_has_value (self->client);
  LabServer *server = get_server (self);

  /* Insensitive while disconnected: no click is ever lost silently. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.plus", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.minus", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.disconnect",
                                 lab_client_get_state (self->client) != LAB_CLIENT_STATE_DISCONNECTED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-counter-page",
                                 lab_server_get_running (server));
}

static void
probed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GWeakRef *window_ref = user_data;
  g_autoptr(LabWindow) self = g_weak_ref_get (window_ref);
  g_autofree char *time_url = NULL;

  g_weak_ref_clear (window_ref);
  g_free (window_ref);

  if (!lab_probe_websocket_lab_finish (result, NULL, NULL) || self == NULL)
    return;

  time_url = lab_url_with_path (lab_client_get_counter_url (self->client), "/time");
  lab_client_set_time_url (self->client, time_url);
}

/* Connects this window's client to @url. The time stream lives at /time of
 * a WebSocket Lab; another server (the tutorial's counter, say) would take a
 * second connection there for one more user, so it is asked first. */
static void
connect_client (LabWindow  *self,
                const char *url)
{
  const char *known_lab = lab_server_supervisor_get_client_url (self->supervisor);
  g_autofree char *time_url = NULL;

  if (url == NULL || *url == '\0')
    return;

  g_cancellable_cancel (self->probe_cancellable);
  g_clear_object (&self->probe_cancellable);

  if (g_strcmp0 (url, known_lab) == 0)
    time_url = lab_url_with_path (url, "/time");
  else
    {
      GWeakRef *window_ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (window_ref, self);
      self->probe_cancellable = g_cancellable_new ();
      lab_probe_websocket_lab_async (url, self->probe_cancellable, probed_cb, window_ref);
    }

  lab_client_disconnect (self->client);
  lab_client_set_counter_url (self->client, url);
  lab_client_set_time_url (self->client, time_url);
  lab_client_pane_set_url_text (self->client_pane, url);
  lab_client_connect (self->client);
}

/* The CA file chosen in Preferences cannot be used: clients trust the
 * system's authorities meanwhile. */
static void
ca_file_problem_cb (LabWindow *self)
{
  const char *problem;

  if (is_closed (self))
    return;

  problem = lab_trust_store_get_ca_file_problem (self->trust_store);
  if (problem != NULL)
    show_toast (self, problem);
}

static void
trust_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   LabWindow        *self)
{
  const char *peer = g_object_get_data (G_OBJECT (dialog), "lab-peer");
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "lab-fingerprint");

  if (!g_str_equal (response, "trust"))
    return;

  /* Remembered for this server, listed in Preferences, and used at once by
   * every client waiting on it. */
  lab_trust_store_trust (lab_client_get_trust_store (self->client), peer, fingerprint);
}

static void
ask_about_certificate (LabWindow *self)
{
  GTlsCertificateFlags errors = 0;
  const char *peer = NULL;
  GTlsCertificate *certificate = lab_client_get_untrusted_certificate (self->client, &errors, &peer);
  g_autofree char *fingerprint = NULL;
  g_autofree char *reasons = NULL;
  GtkWidget *dialog;

  if (certificate == NULL)
    return;

  fingerprint = lab_tls_dup_fingerprint (certificate);
  reasons = lab_tls_describe_errors (errors);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Trust This Certificate?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The server at %s shows a certificate that is not trusted: %s.\n\n"
                                    "SHA-256 fingerprint:\n%s\n\n"
                                    "Trust it only if this is the fingerprint the server’s owner sees "
                                    "(in the server’s Preferences, or its log)."),
                                  peer, reasons, fingerprint);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "trust", _("_Trust"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  g_object_set_data_full (G_OBJECT (dialog), "lab-peer", g_strdup (peer), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "lab-fingerprint", g_steal_pointer (&fingerprint), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (trust_response_cb), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
untrusted_certificate_cb (LabWindow *self)
{
  if (lab_trust_store_get_mode (lab_client_get_trust_store (self->client)) == LAB_TRUST_ASK)
    ask_about_certificate (self);
}

static void
server_changed_cb (LabWindow *self)
{
  /* Closed, and waiting for its last reference to go. */
  if (is_closed (self))
    return;

  update_actions (self);
}

static void
default_client_url_changed_cb (LabWindow *self)
{
  if (self->chosen_url == NULL)
    connect_client (self, current_url (self));
}

static void
client_notify_cb (LabWindow *self)
{
  if (is_closed (self))
    return;

  update_actions (self);
}

static void
client_server_error_cb (LabWindow  *self,
                        const char *message)
{
  g_autofree char *text = g_strdup_printf (_("The server says: %s"), message);

  show_toast (self, text);
}

static void
plus_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  lab_client_plus (LAB_WINDOW (widget)->client);
}

static void
minus_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  lab_client_minus (LAB_WINDOW (widget)->client);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  g_autofree char *text = g_strstrip (g_strdup (lab_client_pane_get_url_text (self->client_pane)));
  const char *default_url = lab_server_supervisor_get_client_url (self->supervisor);
  g_autoptr(GError) error = NULL;
  GSettings *settings = self->settings;

  /* An empty entry means this app's own server again. */
  if (*text == '\0')
    {
      g_clear_pointer (&self->chosen_url, g_free);
      g_settings_set_string (settings, "client-url", "");
      connect_client (self, default_url);
      return;
    }

  /* Nothing is saved or changed for an address that cannot work. */
  if (!lab_client_check_url (text, &error))
    {
      show_toast (self, error->message);
      return;
    }

  g_free (self->chosen_url);
  self->chosen_url = g_strdup (text);
  g_settings_set_string (settings, "client-url",
                         g_strcmp0 (text, default_url) == 0 ? "" : text);
  connect_client (self, text);
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  lab_client_disconnect (LAB_WINDOW (widget)->client);
}

static void
copy_text_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  const char *text = g_variant_get_string (parameter, NULL);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  show_toast (LAB_WINDOW (widget), _("Copied to the clipboard"));
}

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GWeakRef *window_ref = user_data;
  g_autoptr(LabWindow) self = g_weak_ref_get (window_ref);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (window_ref);
  g_free (window_ref);

  /* A browser chooser may take long: the window may be gone by then. */
  if (!g_app_info_launch_default_for_uri_finish (result, &error) && self != NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Could not open a web browser: %s"), error->message);

      show_toast (self, text);
    }
}

static void
open_uri (LabWindow  *self,
          const char *uri)
{
  g_autoptr(GAppLaunchContext) context = NULL;

  GWeakRef *window_ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (window_ref, self);
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self))));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, launched_cb, window_ref);
}

static void
open_uri_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  open_uri (LAB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
open_counter_page_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  g_autofree char *uri = lab_server_dup_url (get_server (self), LAB_ENDPOINT_COUNTER_PAGE);

  if (uri != NULL)
    open_uri (self, uri);
}

static void
join_screen_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (lab_join_screen_new (GTK_WINDOW (self), self->supervisor,
                                                       self->settings)));
}

/* Once the window has what it shows. */
/* The client pings its server as often as the server pings its own clients. */
static void
server_ping_interval_cb (LabWindow *self)
{
  lab_client_set_keepalive_interval (self->client, lab_server_get_ping_interval (get_server (self)));
}

static void
attach (LabWindow *self)
{
  GSettings *settings = self->settings;
  g_autofree char *saved_url = g_settings_get_string (settings, "client-url");

  /* Each window starts at the size the last one had; one window resized
   * later does not resize the others. */
  g_settings_bind (settings, "window-width", self, "default-width",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_GET_NO_CHANGES);
  g_settings_bind (settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_GET_NO_CHANGES);
  g_settings_bind (settings, "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_GET_NO_CHANGES);

  lab_client_set_trust_store (self->client, self->trust_store);
  server_ping_interval_cb (self);
  g_signal_connect_object (get_server (self), "notify::ping-interval",
                           G_CALLBACK (server_ping_interval_cb), self, G_CONNECT_SWAPPED);
  lab_server_pane_set_supervisor (self->server_pane, self->supervisor);
  lab_client_pane_set_client (self->client_pane, self->client);

  g_signal_connect_object (self->supervisor, "notify::client-url",
                           G_CALLBACK (default_client_url_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (get_server (self), "notify::running",
                           G_CALLBACK (server_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (get_server (self), "notify::bound-port",
                           G_CALLBACK (server_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (get_server (self), "notify::tls-certificate",
                           G_CALLBACK (server_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->trust_store, "notify::ca-file-problem",
                           G_CALLBACK (ca_file_problem_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::untrusted-certificate",
                           G_CALLBACK (untrusted_certificate_cb), self, G_CONNECT_SWAPPED);

  _lab_window_attach_lessons (self);
  _lab_window_attach_reconnects (self);
  _lab_window_attach_faults (self);
  ca_file_problem_cb (self);

  if (*saved_url != '\0')
    self->chosen_url = g_steal_pointer (&saved_url);

  connect_client (self, current_url (self));
  update_actions (self);
}

static void
lab_window_dispose (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  g_cancellable_cancel (self->probe_cancellable);
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      lab_client_disconnect (self->client);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_WINDOW);

  g_clear_object (&self->client);
  g_clear_object (&self->probe_cancellable);
  g_clear_object (&self->supervisor);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lab_window_parent_class)->dispose (object);
}

static void
lab_window_finalize (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  g_clear_pointer (&self->chosen_url, g_free);

  G_OBJECT_CLASS (lab_window_parent_class)->finalize (object);
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_window_dispose;
  object_class->finalize = lab_window_finalize;

  g_type_ensure (LAB_TYPE_HALVES);
  g_type_ensure (LAB_TYPE_SERVER_PANE);
  g_type_ensure (LAB_TYPE_CLIENT_PANE);
  g_type_ensure (LAB_TYPE_INSPECTOR);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wslab/WebSocketLab/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, server_pane);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, client_pane);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lessons_view);

  gtk_widget_class_install_action (widget_class, "win.plus", NULL, plus_action);
  gtk_widget_class_install_action (widget_class, "win.minus", NULL, minus_action);
  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.disconnect", NULL, disconnect_action);
  gtk_widget_class_install_action (widget_class, "win.copy-text", "s", copy_text_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);
  gtk_widget_class_install_action (widget_class, "win.open-counter-page", NULL, open_counter_page_action);
  gtk_widget_class_install_action (widget_class, "win.join-screen", NULL, join_screen_action);
  _lab_window_class_install_inspect_actions (widget_class);
  _lab_window_class_install_lessons_actions (widget_class);
  _lab_window_class_install_reconnects_actions (widget_class);
  _lab_window_class_install_faults_actions (widget_class);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->client = lab_client_new (NULL, NULL);

  g_signal_connect_object (self->client, "notify", G_CALLBACK (client_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "server-error", G_CALLBACK (client_server_error_cb), self,
                           G_CONNECT_SWAPPED);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/**
 * lab_window_new:
 * @supervisor: the supervisor of the server this window shows
 * @trust_store: whom the window's client trusts
 * @settings: the application's settings
 */
LabWindow *
lab_window_new (GtkApplication      *application,
                LabServerSupervisor *supervisor,
                LabTrustStore       *trust_store,
                GSettings           *settings)
{
  LabWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (LAB_IS_SERVER_SUPERVISOR (supervisor), NULL);
  g_return_val_if_fail (LAB_IS_TRUST_STORE (trust_store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (LAB_TYPE_WINDOW, "application", application, NULL);
  self->supervisor = g_object_ref (supervisor);
  self->trust_store = g_object_ref (trust_store);
  self->settings = g_object_ref (settings);
  attach (self);

  return self;
}

LabClient *
lab_window_get_client (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return self->client;
}

LabClientPane *
lab_window_get_client_pane (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return self->client_pane;
}

LabServerPane *
lab_window_get_server_pane (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return self->server_pane;
}

LabInspector *
lab_window_get_inspector (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return self->inspector;
}
