/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-client-pane.h"

#include "lab-changing-text.h"
#include "lab-paced-update.h"
#include "lab-reconnect-timeline.h"
#include "lab-timestamp.h"

/* The client half of the window: where to connect, the counter as this client
 * sees it, who is online and the timestamps the server pushes. It only shows
 * its LabClient; what the buttons do are the window's actions. */

struct _LabClientPane
{
  AdwBin                parent_instance;

  LabClient            *client;
  LabPacedUpdate        counter_update;

  /* Template widgets */
  AdwEntryRow          *url_row;
  GtkButton            *connect_button;
  GtkButton            *disconnect_button;
  AdwActionRow         *status_row;
  GtkImage             *status_icon;
  GtkInscription       *value_inscription;
  GtkInscription       *users_inscription;
  GtkListBox           *timestamps_list;
  GtkStack             *timestamps_stack;
  LabReconnectTimeline *reconnect_timeline;
};

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabClientPane, lab_client_pane, ADW_TYPE_BIN)

/* In a storm of clicks or joins the numbers move at most this often. */
#define COUNTER_UPDATE_MS 100

static GParamSpec *properties[N_PROPS];

char *
lab_client_pane_dup_status (LabClientPane *self)
{
  const char *error;
  guint retry_in;

  g_return_val_if_fail (LAB_IS_CLIENT_PANE (self), NULL);

  if (self->client == NULL)
    return g_strdup (_("Disconnected"));

  error = lab_client_get_last_error (self->client);

  switch (lab_client_get_state (self->client))
    {
    case LAB_CLIENT_STATE_DISCONNECTED:
      if (error == NULL)
        return g_strdup (_("Disconnected"));
      if (lab_client_get_untrusted_certificate (self->client, NULL, NULL) != NULL &&
          lab_trust_store_get_mode (lab_client_get_trust_store (self->client)) != LAB_TRUST_ASK)
        return g_strdup_printf (_("Stopped: %s. To check its fingerprint and trust it, choose "
                                  "“Ask Me About Unknown Certificates” in Preferences"), error);
      return g_strdup_printf (_("Stopped: %s"), error);

    case LAB_CLIENT_STATE_CONNECTING:
      return g_strdup (_("Connecting…"));

    case LAB_CLIENT_STATE_CONNECTED:
      return g_strdup (_("Connected"));

    case LAB_CLIENT_STATE_WAITING_TO_RECONNECT:
      retry_in = lab_client_get_retry_in (self->client);
      if (error != NULL)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Failed: %s. Reconnecting in %u second",
                                             "Failed: %s. Reconnecting in %u seconds",
                                             retry_in),
                                error, retry_in);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Reconnecting in %u second",
                                           "Reconnecting in %u seconds",
                                           retry_in),
                              retry_in);

    default:
      g_return_val_if_reached (NULL);
    }
}

static void
update_status (LabClientPane *self)
{
  g_autofree char *status = lab_client_pane_dup_status (self);
  LabClientState state = self->client ? lab_client_get_state (self->client)
                                      : LAB_CLIENT_STATE_DISCONNECTED;
  const char *icon;

  switch (state)
    {
    case LAB_CLIENT_STATE_CONNECTED:
      icon = "network-transmit-receive-symbolic";
      break;
    case LAB_CLIENT_STATE_CONNECTING:
      icon = "network-idle-symbolic";
      break;
    case LAB_CLIENT_STATE_WAITING_TO_RECONNECT:
      icon = "network-error-symbolic";
      break;
    case LAB_CLIENT_STATE_DISCONNECTED:
    default:
      icon = "network-offline-symbolic";
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), status);
  /* Setting an image, even to the icon it has, lays out the window again. */
  if (g_strcmp0 (gtk_image_get_icon_name (self->status_icon), icon) != 0)
    gtk_image_set_from_icon_name (self->status_icon, icon);

  gtk_widget_set_visible (GTK_WIDGET (self->connect_button),
                          state == LAB_CLIENT_STATE_DISCONNECTED);
  gtk_widget_set_visible (GTK_WIDGET (self->disconnect_button),
                          state != LAB_CLIENT_STATE_DISCONNECTED);
}

static void
update_value (LabClientPane *self)
{
  g_autofree char *text = NULL;
  g_autofree char *spoken = NULL;

  if (self->client != NULL && lab_client_get_has_value (self->client))
    {
      text = g_strdup_printf ("%" G_GINT64_FORMAT, lab_client_get_value (self->client));
      /* TRANSLATORS: read aloud by screen readers when the counter changes */
      spoken = g_strdup_printf (_("Counter: %s"), text);
    }
  else
    {
      text = g_strdup ("?");
      spoken = g_strdup (_("Counter: unknown until connected"));
    }

  lab_changing_text_show (self->value_inscription, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->value_inscription),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, spoken,
                                  -1);
}

static void
update_users (LabClientPane *self)
{
  g_autofree char *text = NULL;

  if (self->client != NULL && lab_client_get_state (self->client) == LAB_CLIENT_STATE_CONNECTED)
    {
      guint users = lab_client_get_users (self->client);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u user online",
                                           "%u users online",
                                           users),
                              users);
    }
  else
    text = g_strdup (_("Not connected"));

  lab_changing_text_show (self->users_inscription, text);
}

static void
update_timestamps_page (LabClientPane *self)
{
  GListModel *model = self->client ? lab_client_get_timestamps (self->client) : NULL;
  gboolean empty = model == NULL || g_list_model_get_n_items (model) == 0;

  gtk_stack_set_visible_child_name (self->timestamps_stack, empty ? "empty" : "list");
}

static void
update_everything (LabClientPane *self)
{
  update_status (self);
  update_value (self);
  update_users (self);
  update_timestamps_page (self);
}

static void
update_counter (gpointer user_data)
{
  LabClientPane *self = user_data;

  update_value (self);
  update_users (self);
}

/* In a busy class the value changes hundreds of times a second: it updates
 * what shows it and nothing else. */
static void
client_notify_cb (LabClientPane *self,
                  GParamSpec    *pspec,
                  LabClient     *client)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "value") || g_str_equal (name, "users"))
    lab_paced_update_request (&self->counter_update);
  else if (!g_str_equal (name, "pong-rtt"))
    {
      update_status (self);
      update_value (self);
      update_users (self);
    }
}

static void
timestamps_changed_cb (LabClientPane *self)
{
  update_timestamps_page (self);
}

static GtkWidget *
create_timestamp_row (gpointer item,
                      gpointer user_data)
{
  GtkWidget *label = gtk_label_new (lab_timestamp_get_text (item));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);

  return label;
}

static void
url_row_apply_cb (LabClientPane *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.connect", NULL);
}

static void
lab_client_pane_dispose (GObject *object)
{
  LabClientPane *self = LAB_CLIENT_PANE (object);

  lab_client_pane_set_client (self, NULL);
  lab_paced_update_clear (&self->counter_update);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_CLIENT_PANE);

  G_OBJECT_CLASS (lab_client_pane_parent_class)->dispose (object);
}

static void
lab_client_pane_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabClientPane *self = LAB_CLIENT_PANE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_client_pane_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LabClientPane *self = LAB_CLIENT_PANE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      lab_client_pane_set_client (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_client_pane_class_init (LabClientPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_client_pane_dispose;
  object_class->get_property = lab_client_pane_get_property;
  object_class->set_property = lab_client_pane_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         LAB_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LAB_TYPE_RECONNECT_TIMELINE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-client-pane.ui");
  gtk_widget_class_set_css_name (widget_class, "clientpane");

  gtk_widget_class_bind_template_child (widget_class, LabClientPane, url_row);
  gtk_widget_class_bind_template_child (widget_class, LabClientPane, connect_button);
  gtk_widget_class_bind_template_child (widget_class, LabClientPane, disconnect_button);
  gtk_widget_class_bind_template_child (widget_class, LabClientPane, status_row);
  gtk_widget_class_bind_template_child (widget_class, LabClientPane, status_icon);
  gtk_widget_class_bind_template_child (widget_class, LabClientPane, value_inscription);
  gtk_widget_class_bind_template_child (widget_class, LabClientPane, users_inscription);
  gtk_widget_class_bind_template_child (widget_class, LabClientPane, timestamps_list);
  gtk_widget_class_bind_template_child (widget_class, LabClientPane, timestamps_stack);
  gtk_widget_class_bind_template_child (widget_class, LabClientPane, reconnect_timeline);
  gtk_widget_class_bind_template_callback (widget_class, url_row_apply_cb);

  /* Plain + and − while the counter has the focus; Ctrl+plus and Ctrl+minus
   * work anywhere in the window (application accelerators). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "win.plus", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "win.plus", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "win.minus", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "win.minus", NULL);
}

static void
lab_client_pane_init (LabClientPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  lab_paced_update_init (&self->counter_update, COUNTER_UPDATE_MS, update_counter, self);

  update_everything (self);
}

LabClient *
lab_client_pane_get_client (LabClientPane *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_PANE (self), NULL);

  return self->client;
}

void
lab_client_pane_set_client (LabClientPane *self,
                            LabClient     *client)
{
  g_return_if_fail (LAB_IS_CLIENT_PANE (self));
  g_return_if_fail (!client || LAB_IS_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_signal_handlers_disconnect_by_data (lab_client_get_timestamps (self->client), self);
      gtk_list_box_bind_model (self->timestamps_list, NULL, NULL, NULL, NULL);
    }

  g_set_object (&self->client, client);
  lab_reconnect_timeline_set_client (self->reconnect_timeline, client);

  if (client != NULL)
    {
      g_signal_connect_object (client, "notify", G_CALLBACK (client_notify_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (lab_client_get_timestamps (client), "items-changed",
                               G_CALLBACK (timestamps_changed_cb), self, G_CONNECT_SWAPPED);

      /* Newest first: a list box shows each new one at the top, in view. */
      gtk_list_box_bind_model (self->timestamps_list, lab_client_get_timestamps (client),
                               create_timestamp_row, NULL, NULL);
    }

  update_everything (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

const char *
lab_client_pane_get_url_text (LabClientPane *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_PANE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->url_row));
}

void
lab_client_pane_set_url_text (LabClientPane *self,
                              const char    *text)
{
  g_return_if_fail (LAB_IS_CLIENT_PANE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), text ? text : "");
}

/* What a person reads as the counter value ("?" until it is known). */
const char *
lab_client_pane_get_value_text (LabClientPane *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_PANE (self), NULL);

  return gtk_inscription_get_text (self->value_inscription);
}

LabReconnectTimeline *
lab_client_pane_get_reconnect_timeline (LabClientPane *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_PANE (self), NULL);

  return self->reconnect_timeline;
}

/* What a person reads as the number of users online. */
const char *
lab_client_pane_get_users_text (LabClientPane *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_PANE (self), NULL);

  return gtk_inscription_get_text (self->users_inscription);
}
