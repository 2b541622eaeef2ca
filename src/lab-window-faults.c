/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-window"

#include "config.h"

#include "lab-window-private.h"

/* The window's Faults menu: each item breaks a rule on this window's own
 * client connection, so that the class sees how the server answers. Only an
 * open connection can misbehave. */

/* Enough frames to see, few enough to read */
#define FRAGMENTS 3

static const char * const fault_actions[] = {
  "win.fault-fragments",
  "win.fault-rsv1",
  "win.fault-unmasked",
  "win.fault-oversized",
  "win.fault-binary",
};

static void
update_fault_actions (LabWindow *self)
{
  gboolean connected = lab_client_get_state (self->client) == LAB_CLIENT_STATE_CONNECTED;
  GAction *skip_pongs;

  for (guint i = 0; i < G_N_ELEMENTS (fault_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), fault_actions[i], connected);

  skip_pongs = g_action_map_lookup_action (G_ACTION_MAP (self), "fault-skip-pongs");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (skip_pongs), connected);
}

static void
fault_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LabClient *client = LAB_WINDOW (widget)->client;

  if (g_str_equal (action_name, "win.fault-fragments"))
    lab_client_plus_fragmented (client, FRAGMENTS);
  else if (g_str_equal (action_name, "win.fault-rsv1"))
    lab_client_send_protocol_error (client, LAB_PROTOCOL_FAULT_RSV1);
  else if (g_str_equal (action_name, "win.fault-unmasked"))
    lab_client_send_protocol_error (client, LAB_PROTOCOL_FAULT_UNMASKED);
  else if (g_str_equal (action_name, "win.fault-oversized"))
    lab_client_send_oversized (client);
  else if (g_str_equal (action_name, "win.fault-binary"))
    lab_client_send_binary (client);
  else
    g_assert_not_reached ();
}

static void
skip_pongs_change_state_cb (LabWindow     *self,
                            GVariant      *state,
                            GSimpleAction *action)
{
  lab_client_set_skip_pongs (self->client, g_variant_get_boolean (state));
  g_simple_action_set_state (action, state);
}

void
_lab_window_class_install_faults_actions (GtkWidgetClass *widget_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (fault_actions); i++)
    gtk_widget_class_install_action (widget_class, fault_actions[i], NULL, fault_action);
}

void
_lab_window_attach_faults (LabWindow *self)
{
  g_autoptr(GSimpleAction) skip_pongs = NULL;
  gboolean skipping = lab_client_get_skip_pongs (self->client);

  /* A toggle in the menu needs a stateful action: the window's action map has them. */
  skip_pongs = g_simple_action_new_stateful ("fault-skip-pongs", NULL,
                                             g_variant_new_boolean (skipping));
  g_signal_connect_object (skip_pongs, "change-state",
                           G_CALLBACK (skip_pongs_change_state_cb), self, G_CONNECT_SWAPPED);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (skip_pongs));

  g_signal_connect_object (self->client, "notify::state",
                           G_CALLBACK (update_fault_actions), self, G_CONNECT_SWAPPED);
  update_fault_actions (self);
}
