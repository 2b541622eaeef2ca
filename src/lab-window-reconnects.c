/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-window"

#include "config.h"

#include "lab-window-private.h"

/* The window's part in showing reconnects: Drop Connection, which ends this
 * window's own client connection with no close frame, so that the server logs
 * 1006 and the client's reconnects show in the client half. */

static void
update_drop_action (LabWindow *self)
{
  /* Only an open connection can be dropped. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.drop-connection",
                                 lab_client_get_state (self->client) == LAB_CLIENT_STATE_CONNECTED);
}

static void
drop_connection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  lab_client_drop_connection (LAB_WINDOW (widget)->client);
}

void
_lab_window_class_install_reconnects_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.drop-connection", NULL,
                                   drop_connection_action);
}

void
_lab_window_attach_reconnects (LabWindow *self)
{
  g_signal_connect_object (self->client, "notify::state",
                           G_CALLBACK (update_drop_action), self, G_CONNECT_SWAPPED);
  update_drop_action (self);
}
