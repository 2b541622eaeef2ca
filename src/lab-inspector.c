/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-close-code.h"
#include "lab-close-dialog.h"
#include "lab-inspector-private.h"

/* The Inspector: one connection, chosen by a person, shown as a teacher
 * explains it: who it is and whether it is open, the ping round trip, its
 * frames and its opening handshake; Ping Now and Close act on it. Its frames
 * are captured while it is shown here, and only then. */


enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabInspector, lab_inspector, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void
update_rtt (LabInspector *self)
{
  int rtt = self->connection ? lab_inspected_connection_get_pong_rtt (self->connection) : -1;
  g_autofree char *text = NULL;

  /* Translators: a ping's round trip in milliseconds */
  text = rtt >= 0 ? g_strdup_printf (_("%d ms"), rtt) : g_strdup ("—");
  gtk_label_set_label (self->rtt_label, text);
}

/* What RFC 6455 (section 7.4) says of @code. */
static char *
describe_code (gushort code)
{
  const char *meaning = lab_close_code_get_meaning (code);

  if (code == 1006)
    return g_strdup (_("Code 1006 is never sent on the wire: it says the connection ended "
                       "without a close frame (RFC 6455)."));
  if (meaning != NULL)
    return g_strdup_printf (_("Code %u means “%s” (RFC 6455)."), code, meaning);
  if (code >= 4000 && code <= 4999)
    return g_strdup_printf (_("Code %u is for private use: applications agree on what it means "
                              "(RFC 6455, 4000–4999)."), code);
  if (code >= 3000 && code <= 3999)
    return g_strdup_printf (_("Code %u is registered with IANA for libraries and frameworks "
                              "(RFC 6455, 3000–3999)."), code);

  return g_strdup_printf (_("Code %u has no meaning in RFC 6455."), code);
}

static void
update_state (LabInspector *self)
{
  g_autofree char *description = NULL;
  gushort code = 0;
  gboolean open = FALSE;
  gboolean live;

  if (self->connection != NULL)
    {
      open = lab_inspected_connection_get_open (self->connection);
      description = lab_inspected_connection_dup_close_description (self->connection);
      code = lab_inspected_connection_get_close_code (self->connection);
    }

  /* Who sent which code and reason, who answered; 1006 when no close frame
   * came; then what the code means. */
  if (description != NULL && code != 0)
    {
      g_autofree char *meaning = describe_code (code);
      g_autofree char *text = g_strdup_printf ("%s\n%s", description, meaning);

      gtk_label_set_label (self->state_label, text);
    }
  else if (description != NULL)
    gtk_label_set_label (self->state_label, description);
  else
    gtk_label_set_label (self->state_label, open ? _("Open") : _("Closed"));

  gtk_widget_set_css_classes (GTK_WIDGET (self->state_label), (const char *[]) {
    "connection-state", open ? "open" : "closed", NULL });
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inspector.ping-now", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inspector.close", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inspector.close-with-code", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inspector.stop", self->connection != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inspector.save-har", self->connection != NULL);
  /* A file has nothing to ping or close. */
  live = self->connection == NULL || !lab_inspected_connection_is_recorded (self->connection);
  gtk_widget_set_visible (self->rtt_box, live);
  gtk_widget_set_visible (self->ping_button, live);
  gtk_widget_set_visible (self->close_button, live);
}

static void
ping_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LabInspector *self = LAB_INSPECTOR (widget);

  if (self->connection != NULL && !lab_inspected_connection_ping_now (self->connection))
    _lab_inspector_show_toast (self, _("The connection is not open"));
}

static void
close_with (LabInspector *self,
            gushort       code,
            const char   *reason)
{
  g_autoptr(GError) error = NULL;

  if (self->connection == NULL)
    return;

  if (!lab_inspected_connection_close (self->connection, code, reason, &error))
    _lab_inspector_show_toast (self, error->message);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  close_with (LAB_INSPECTOR (widget), g_variant_get_uint16 (parameter), NULL);
}

static void
close_dialog_response_cb (LabCloseDialog *dialog,
                          const char     *response,
                          LabInspector   *self)
{
  g_autoptr(GError) error = NULL;
  gushort code;

  if (!g_str_equal (response, "close"))
    return;

  if (!lab_close_dialog_get_code (dialog, &code, &error))
    {
      _lab_inspector_show_toast (self, error->message);
      return;
    }

  close_with (self, code, lab_close_dialog_get_reason (dialog));
}

static void
close_with_code_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  LabInspector *self = LAB_INSPECTOR (widget);
  LabCloseDialog *dialog = lab_close_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)));

  g_signal_connect_object (dialog, "response", G_CALLBACK (close_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  lab_inspector_set_connection (LAB_INSPECTOR (widget), NULL);
}

static void
lab_inspector_dispose (GObject *object)
{
  LabInspector *self = LAB_INSPECTOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  lab_inspector_set_connection (self, NULL);
  /* The bin's child is a bound template child: let go of it once, here. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_INSPECTOR);

  G_OBJECT_CLASS (lab_inspector_parent_class)->dispose (object);
}

static void
lab_inspector_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LabInspector *self = LAB_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_inspector_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LabInspector *self = LAB_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      lab_inspector_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_inspector_class_init (LabInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_inspector_dispose;
  object_class->get_property = lab_inspector_get_property;
  object_class->set_property = lab_inspector_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         LAB_TYPE_INSPECTED_CONNECTION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LAB_TYPE_FRAMES_VIEW);
  g_type_ensure (LAB_TYPE_HANDSHAKE_VIEW);
  g_type_ensure (LAB_TYPE_SEQUENCE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-inspector.ui");
  gtk_widget_class_set_css_name (widget_class, "inspector");
  gtk_widget_class_bind_template_child (widget_class, LabInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, title_label);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, state_label);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, rtt_label);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, frames_view);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, handshake_view);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, sequence_page);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, rtt_box);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, ping_button);
  gtk_widget_class_bind_template_child (widget_class, LabInspector, close_button);

  gtk_widget_class_install_action (widget_class, "inspector.ping-now", NULL, ping_now_action);
  gtk_widget_class_install_action (widget_class, "inspector.close", "q", close_action);
  gtk_widget_class_install_action (widget_class, "inspector.close-with-code", NULL,
                                   close_with_code_action);
  gtk_widget_class_install_action (widget_class, "inspector.stop", NULL, stop_action);
  _lab_inspector_class_install_session_actions (widget_class);
}

static void
lab_inspector_init (LabInspector *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The diagram and the list select one frame. */
  lab_sequence_page_link_selection (self->sequence_page, lab_frames_view_get_shown (self->frames_view));
  update_state (self);
  update_rtt (self);
}

/* Returns: (transfer none) (nullable): the connection shown */
LabInspectedConnection *
lab_inspector_get_connection (LabInspector *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTOR (self), NULL);
  return self->connection;
}

/**
 * lab_inspector_set_connection:
 * @connection: (nullable): the connection to show; %NULL shows how to pick one
 *
 * The connection shown captures its frames; the one before stops.
 */
/* A client's reconnect brings a handshake of its own. */
static void
update_handshake (LabInspector *self)
{
  lab_handshake_view_set_handshake (self->handshake_view,
                                    self->connection != NULL
                                    ? lab_inspected_connection_get_handshake (self->connection)
                                    : NULL);
}

void
lab_inspector_set_connection (LabInspector           *self,
                              LabInspectedConnection *connection)
{
  g_return_if_fail (LAB_IS_INSPECTOR (self));
  g_return_if_fail (!connection || LAB_IS_INSPECTED_CONNECTION (connection));

  if (self->connection == connection)
    return;

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      lab_inspected_connection_set_capture (self->connection, FALSE);
    }

  g_set_object (&self->connection, connection);

  if (connection != NULL)
    {
      lab_inspected_connection_set_capture (connection, TRUE);
      g_signal_connect_object (connection, "notify::pong-rtt", G_CALLBACK (update_rtt), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (connection, "notify::open", G_CALLBACK (update_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (connection, "notify::close-description", G_CALLBACK (update_state),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (connection, "notify::handshake", G_CALLBACK (update_handshake),
                               self, G_CONNECT_SWAPPED);
      gtk_label_set_label (self->title_label, lab_inspected_connection_get_title (connection));
    }

  lab_frames_view_set_connection (self->frames_view, connection);
  lab_sequence_page_set_connection (self->sequence_page, connection);
  update_handshake (self);
  gtk_stack_set_visible_child_name (self->stack, connection != NULL ? "connection" : "empty");
  update_state (self);
  update_rtt (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

LabFramesView *
lab_inspector_get_frames_view (LabInspector *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTOR (self), NULL);
  return self->frames_view;
}

LabHandshakeView *
lab_inspector_get_handshake_view (LabInspector *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTOR (self), NULL);
  return self->handshake_view;
}

/* @name: "frames", "handshake" or "sequence" */
void
lab_inspector_show_page (LabInspector *self,
                         const char   *name)
{
  g_return_if_fail (LAB_IS_INSPECTOR (self));
  gtk_stack_set_visible_child_name (self->view_stack, name);
}

/* What a person reads: the round trip, and whether and how it closed. */
const char *
lab_inspector_get_rtt_text (LabInspector *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTOR (self), NULL);
  return gtk_label_get_label (self->rtt_label);
}

const char *
lab_inspector_get_state_text (LabInspector *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTOR (self), NULL);
  return gtk_label_get_label (self->state_label);
}
