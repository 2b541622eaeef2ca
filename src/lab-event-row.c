/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-event-row"

#include "config.h"

#include "lab-event-row.h"

/* One row of the server's Event Log: what happened, and when.
 *
 * In a busy class a hundred events come a second, and the window shares its
 * main loop with the server: every moment a row costs is a moment a click
 * waits to be broadcast. So the texts are GtkInscriptions, whose size comes
 * from the font alone (a label's comes from shaping its text, again at each
 * layout of the window), a text too long for the pane ends in an ellipsis and
 * shows in full as the tooltip, asked for only when the pointer rests on the
 * row. GTK 4.8's list view binds every row again when an event arrives above
 * it: a row that already shows an event keeps it without formatting it anew. */

struct _LabEventRow
{
  GtkWidget       parent_instance;

  LabEvent       *event;

  /* Template widgets */
  GtkInscription *text_inscription;
  GtkInscription *time_inscription;
};

G_DEFINE_FINAL_TYPE (LabEventRow, lab_event_row, GTK_TYPE_WIDGET)

static gboolean
lab_event_row_query_tooltip (GtkWidget  *widget,
                             int         x,
                             int         y,
                             gboolean    keyboard_tooltip,
                             GtkTooltip *tooltip)
{
  const char *text = lab_event_row_get_text (LAB_EVENT_ROW (widget));

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
lab_event_row_dispose (GObject *object)
{
  LabEventRow *self = LAB_EVENT_ROW (object);

  g_clear_object (&self->event);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_EVENT_ROW);

  G_OBJECT_CLASS (lab_event_row_parent_class)->dispose (object);
}

static void
lab_event_row_class_init (LabEventRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_event_row_dispose;
  widget_class->query_tooltip = lab_event_row_query_tooltip;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-event-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LabEventRow, text_inscription);
  gtk_widget_class_bind_template_child (widget_class, LabEventRow, time_inscription);
}

static void
lab_event_row_init (LabEventRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lab_event_row_new (void)
{
  return g_object_new (LAB_TYPE_EVENT_ROW, NULL);
}

/* Returns: (transfer none) (nullable): the event shown */
LabEvent *
lab_event_row_get_event (LabEventRow *self)
{
  g_return_val_if_fail (LAB_IS_EVENT_ROW (self), NULL);

  return self->event;
}

/**
 * lab_event_row_set_event:
 * @event: (nullable): the event to show
 */
void
lab_event_row_set_event (LabEventRow *self,
                         LabEvent    *event)
{
  g_autofree char *text = NULL;
  g_autofree char *time = NULL;

  g_return_if_fail (LAB_IS_EVENT_ROW (self));
  g_return_if_fail (!event || LAB_IS_EVENT (event));

  if (!g_set_object (&self->event, event))
    return;

  if (event != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (lab_event_get_time (event));

      text = lab_event_describe (event);
      time = g_date_time_format (local, "%X");
    }

  gtk_inscription_set_text (self->text_inscription, text);
  gtk_inscription_set_text (self->time_inscription, time);
}

/* Returns: (nullable): the event's description, as the row shows it */
const char *
lab_event_row_get_text (LabEventRow *self)
{
  g_return_val_if_fail (LAB_IS_EVENT_ROW (self), NULL);

  return gtk_inscription_get_text (self->text_inscription);
}
