/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-peer-row"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-peer-row.h"

#include "lab-changing-text.h"

/* One row of Connected Clients: who, where to, since when, the latest ping's
 * round trip (live), and Inspect, which shows the connection in the
 * Inspector. Rows are recycled by the list view: a row follows one peer at a
 * time. GTK 4.8's list view keeps 200 rows, laid out again whenever one
 * changes: the texts are GtkInscriptions, sized without shaping their text
 * (see lab-changing-text.c). */

struct _LabPeerRow
{
  AdwBin          parent_instance;

  LabPeer        *peer;

  /* Template widgets */
  GtkInscription *title_inscription;
  GtkInscription *subtitle_inscription;
  GtkInscription *rtt_inscription;
  GtkButton      *inspect_button;
};

G_DEFINE_FINAL_TYPE (LabPeerRow, lab_peer_row, ADW_TYPE_BIN)

static void
update_rtt (LabPeerRow *self)
{
  int rtt = self->peer ? lab_peer_get_pong_rtt (self->peer) : -1;
  g_autofree char *text = NULL;

  /* Translators: the latest ping's round trip in milliseconds */
  text = rtt >= 0 ? g_strdup_printf (_("ping %d ms"), rtt) : g_strdup ("");
  lab_changing_text_show (self->rtt_inscription, text);
}

/* Asked for only when the pointer rests on the round trip: a tooltip text set
 * on a shown widget looks for the pointer (a round trip to the X server) for
 * each of the rows a join storm makes. */
static gboolean
rtt_query_tooltip_cb (GtkWidget  *widget,
                      int         x,
                      int         y,
                      gboolean    keyboard_tooltip,
                      GtkTooltip *tooltip)
{
  gtk_tooltip_set_text (tooltip, _("The latest ping’s round trip"));

  return TRUE;
}

static void
lab_peer_row_dispose (GObject *object)
{
  LabPeerRow *self = LAB_PEER_ROW (object);

  lab_peer_row_set_peer (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_PEER_ROW);

  G_OBJECT_CLASS (lab_peer_row_parent_class)->dispose (object);
}

static void
lab_peer_row_class_init (LabPeerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_peer_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-peer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LabPeerRow, title_inscription);
  gtk_widget_class_bind_template_child (widget_class, LabPeerRow, subtitle_inscription);
  gtk_widget_class_bind_template_child (widget_class, LabPeerRow, rtt_inscription);
  gtk_widget_class_bind_template_child (widget_class, LabPeerRow, inspect_button);
  gtk_widget_class_bind_template_callback (widget_class, rtt_query_tooltip_cb);
}

static void
lab_peer_row_init (LabPeerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lab_peer_row_new (void)
{
  return g_object_new (LAB_TYPE_PEER_ROW, NULL);
}

/* Returns: (transfer none) (nullable): the peer shown */
LabPeer *
lab_peer_row_get_peer (LabPeerRow *self)
{
  g_return_val_if_fail (LAB_IS_PEER_ROW (self), NULL);
  return self->peer;
}

/**
 * lab_peer_row_set_peer:
 * @peer: (nullable): the connection to show
 */
void
lab_peer_row_set_peer (LabPeerRow *self,
                       LabPeer    *peer)
{
  g_return_if_fail (LAB_IS_PEER_ROW (self));
  g_return_if_fail (!peer || LAB_IS_PEER (peer));

  if (self->peer == peer)
    return;

  if (self->peer != NULL)
    g_signal_handlers_disconnect_by_data (self->peer, self);
  g_set_object (&self->peer, peer);

  if (peer != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (lab_peer_get_connected_since (peer));
      g_autofree char *since = g_date_time_format (local, "%X");
      g_autofree char *title = g_strdup_printf ("#%u  %s", lab_peer_get_id (peer),
                                                lab_peer_get_remote_address (peer));
      g_autofree char *subtitle = g_strdup_printf (_("%s · connected since %s"),
                                                   lab_peer_get_path (peer), since);
      g_autofree char *inspect_label = g_strdup_printf (_("Inspect connection #%u"),
                                                        lab_peer_get_id (peer));

      gtk_inscription_set_text (self->title_inscription, title);
      gtk_inscription_set_text (self->subtitle_inscription, subtitle);
      /* The target first: the action takes a peer id, never nothing. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->inspect_button), "u",
                                        lab_peer_get_id (peer));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->inspect_button), "win.inspect-peer");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->inspect_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, inspect_label,
                                      -1);
      /* One handler a visible row: a class of a thousand costs a screenful. */
      g_signal_connect_object (peer, "notify::pong-rtt", G_CALLBACK (update_rtt), self,
                               G_CONNECT_SWAPPED);
    }

  update_rtt (self);
}

const char *
lab_peer_row_get_rtt_text (LabPeerRow *self)
{
  g_return_val_if_fail (LAB_IS_PEER_ROW (self), NULL);
  return gtk_inscription_get_text (self->rtt_inscription);
}
