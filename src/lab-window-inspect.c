/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-inspected-connection.h"
#include "lab-window-private.h"

/* The window's Inspector page: going there and back, and what it shows — a
 * connection picked in Connected Clients. */

static void
show_page (LabWindow  *self,
           const char *name)
{
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  show_page (LAB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
toggle_inspector_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  const char *shown = adw_view_stack_get_visible_child_name (self->view_stack);

  show_page (self, g_strcmp0 (shown, "inspector") == 0 ? "lab" : "inspector");
}

static LabPeer *
find_peer (LabWindow *self,
           guint      peer_id)
{
  GListModel *peers = lab_server_get_peers (lab_server_supervisor_get_server (self->supervisor));

  /* A click, not a loop per frame: a walk along the peers is fine. */
  for (guint i = 0; i < g_list_model_get_n_items (peers); i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (peers, i);

      if (lab_peer_get_id (peer) == peer_id)
        return g_steal_pointer (&peer);
    }

  return NULL;
}

/**
 * lab_window_inspect_peer:
 * @peer_id: the id of a connection to this app's server
 *
 * Shows the connection in the Inspector, and the Inspector.
 *
 * Returns: whether the connection is still there to show
 */
gboolean
lab_window_inspect_peer (LabWindow *self,
                         guint      peer_id)
{
  g_autoptr(LabPeer) peer = NULL;
  g_autoptr(LabInspectedConnection) connection = NULL;
  LabInspectedConnection *shown;

  g_return_val_if_fail (LAB_IS_WINDOW (self), FALSE);

  peer = find_peer (self, peer_id);
  if (peer == NULL)
    return FALSE;

  shown = lab_inspector_get_connection (self->inspector);
  if (shown == NULL || lab_inspected_connection_get_source (shown) != G_OBJECT (peer))
    {
      connection = lab_inspected_connection_new_for_peer (peer);
      lab_inspector_set_connection (self->inspector, connection);
    }

  show_page (self, "inspector");
  return TRUE;
}

/**
 * lab_window_inspect_client:
 *
 * Shows this window's own client in the Inspector, and the Inspector: the
 * same connection as the server sees it, from the other end.
 */
void
lab_window_inspect_client (LabWindow *self)
{
  LabInspectedConnection *shown;

  g_return_if_fail (LAB_IS_WINDOW (self));

  shown = lab_inspector_get_connection (self->inspector);
  if (shown == NULL || lab_inspected_connection_get_source (shown) != G_OBJECT (self->client))
    {
      g_autoptr(LabInspectedConnection) connection = lab_inspected_connection_new_for_client (self->client);

      lab_inspector_set_connection (self->inspector, connection);
    }

  show_page (self, "inspector");
}

static void
inspect_client_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  lab_window_inspect_client (LAB_WINDOW (widget));
}

static void
inspect_peer_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);

  if (!lab_window_inspect_peer (self, g_variant_get_uint32 (parameter)))
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (_("That connection has just closed")));
}

void
_lab_window_class_install_inspect_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-inspector", NULL,
                                   toggle_inspector_action);
  gtk_widget_class_install_action (widget_class, "win.inspect-peer", "u", inspect_peer_action);
  gtk_widget_class_install_action (widget_class, "win.inspect-client", NULL, inspect_client_action);
}
