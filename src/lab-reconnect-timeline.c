/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-reconnect-timeline"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-reconnect-attempt.h"
#include "lab-reconnect-timeline.h"

/* The client half's reconnects: the counter connection's attempts of its
 * latest outage, newest first (when, the backoff's wait before, the result),
 * and the countdown to the next try. It only shows what its LabClient
 * records; Drop Connection is the window's action. */

struct _LabReconnectTimeline
{
  AdwBin      parent_instance;

  LabClient  *client;

  /* Template widgets */
  GtkLabel   *countdown_label;
  GtkStack   *stack;
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (LabReconnectTimeline, lab_reconnect_timeline, ADW_TYPE_BIN)

static GtkWidget *
add_label (GtkBox     *row,
           const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, css_class);
  gtk_box_append (row, label);

  return label;
}

/* Attempts never change once recorded: a row is made once. */
static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  LabReconnectAttempt *attempt = item;
  gboolean connected = lab_reconnect_attempt_get_connected (attempt);
  g_autofree char *time = g_date_time_format (lab_reconnect_attempt_get_started (attempt),
                                              "%H:%M:%S");
  /* TRANSLATORS: the wait before a reconnect attempt, in seconds */
  g_autofree char *delay = g_strdup_printf (_("after %.1f s"),
                                            lab_reconnect_attempt_get_delay_ms (attempt) / 1000.0);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  /* Icons GTK itself ships: shown on any system. */
  GtkWidget *icon = gtk_image_new_from_icon_name (connected ? "object-select-symbolic"
                                                            : "dialog-error-symbolic");
  GtkWidget *result;

  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);

  add_label (GTK_BOX (row), time, "monospace");
  gtk_label_set_width_chars (GTK_LABEL (add_label (GTK_BOX (row), delay, "monospace")), 11);

  gtk_widget_add_css_class (icon, connected ? "success" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  connected ? _("Connected") : _("Failed"),
                                  -1);
  gtk_box_append (GTK_BOX (row), icon);

  result = add_label (GTK_BOX (row), lab_reconnect_attempt_get_result (attempt),
                      connected ? "success" : "reconnect-result");
  gtk_label_set_wrap (GTK_LABEL (result), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (result), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (result, TRUE);

  return row;
}

static void
set_label_text (GtkLabel   *label,
                const char *text)
{
  /* A label set to what it shows already would still be redrawn. */
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

/* Ticks once a second while waiting, as :retry-in does. */
static void
update_countdown (LabReconnectTimeline *self)
{
  LabClientState state = self->client ? lab_client_get_state (self->client)
                                      : LAB_CLIENT_STATE_DISCONNECTED;
  g_autofree char *text = NULL;
  guint retry_in;

  switch (state)
    {
    case LAB_CLIENT_STATE_WAITING_TO_RECONNECT:
      retry_in = lab_client_get_retry_in (self->client);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Next try in %u second",
                                           "Next try in %u seconds",
                                           retry_in),
                              retry_in);
      break;

    case LAB_CLIENT_STATE_CONNECTING:
      text = g_strdup (_("Trying now…"));
      break;

    case LAB_CLIENT_STATE_CONNECTED:
    case LAB_CLIENT_STATE_DISCONNECTED:
    default:
      break;
    }

  if (text != NULL)
    set_label_text (self->countdown_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), text != NULL);
}

static void
update_page (LabReconnectTimeline *self)
{
  GListModel *attempts = self->client ? lab_client_get_attempts (self->client) : NULL;
  gboolean empty = attempts == NULL || g_list_model_get_n_items (attempts) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
lab_reconnect_timeline_dispose (GObject *object)
{
  LabReconnectTimeline *self = LAB_RECONNECT_TIMELINE (object);

  lab_reconnect_timeline_set_client (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_RECONNECT_TIMELINE);

  G_OBJECT_CLASS (lab_reconnect_timeline_parent_class)->dispose (object);
}

static void
lab_reconnect_timeline_class_init (LabReconnectTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_reconnect_timeline_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-reconnect-timeline.ui");
  gtk_widget_class_bind_template_child (widget_class, LabReconnectTimeline, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, LabReconnectTimeline, stack);
  gtk_widget_class_bind_template_child (widget_class, LabReconnectTimeline, list);
}

static void
lab_reconnect_timeline_init (LabReconnectTimeline *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  update_page (self);
  update_countdown (self);
}

void
lab_reconnect_timeline_set_client (LabReconnectTimeline *self,
                                   LabClient            *client)
{
  g_return_if_fail (LAB_IS_RECONNECT_TIMELINE (self));
  g_return_if_fail (!client || LAB_IS_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_signal_handlers_disconnect_by_data (lab_client_get_attempts (self->client), self);
      gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
    }

  g_set_object (&self->client, client);

  if (client != NULL)
    {
      g_signal_connect_object (client, "notify::state", G_CALLBACK (update_countdown), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "notify::retry-in", G_CALLBACK (update_countdown), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (lab_client_get_attempts (client), "items-changed",
                               G_CALLBACK (update_page), self, G_CONNECT_SWAPPED);
      /* At most 20, newest first: a list box shows each new one at the top. */
      gtk_list_box_bind_model (self->list, lab_client_get_attempts (client), create_row, NULL, NULL);
    }

  update_page (self);
  update_countdown (self);
}

/* What a person reads as the countdown; NULL while none is shown. */
const char *
lab_reconnect_timeline_get_countdown (LabReconnectTimeline *self)
{
  g_return_val_if_fail (LAB_IS_RECONNECT_TIMELINE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->countdown_label)))
    return NULL;

  return gtk_label_get_label (self->countdown_label);
}

/**
 * lab_reconnect_timeline_dup_row_text:
 * @position: from 0, newest first
 *
 * Returns: (transfer full) (nullable): what a person reads in that row,
 *   its texts joined by " · "; %NULL past the last row
 */
char *
lab_reconnect_timeline_dup_row_text (LabReconnectTimeline *self,
                                     guint                 position)
{
  GtkListBoxRow *row;
  g_autoptr(GStrvBuilder) texts = NULL;
  g_auto(GStrv) joined = NULL;

  g_return_val_if_fail (LAB_IS_RECONNECT_TIMELINE (self), NULL);

  row = gtk_list_box_get_row_at_index (self->list, (int) position);
  if (row == NULL)
    return NULL;

  texts = g_strv_builder_new ();
  for (GtkWidget *child = gtk_widget_get_first_child (gtk_list_box_row_get_child (row));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child))
        g_strv_builder_add (texts, gtk_label_get_label (GTK_LABEL (child)));
    }

  joined = g_strv_builder_end (texts);
  return g_strjoinv (" · ", joined);
}
