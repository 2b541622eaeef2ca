/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include "lab-client-private.h"

/* The client as an Inspector shows it: its counter connection, the one
 * people watch, with the handshake, the frames both ways and the keepalive
 * pings, from the stream the client owns. */

static void
handshake_cb (LabClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_HANDSHAKE]);
}

static void
pong_rtt_cb (LabClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_PONG_RTT]);
}

void
_lab_client_watch_inspect (LabClient *self)
{
  g_signal_connect_object (self->counter, "notify::handshake",
                           G_CALLBACK (handshake_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->counter, "notify::pong-rtt",
                           G_CALLBACK (pong_rtt_cb), self, G_CONNECT_SWAPPED);
}

/**
 * lab_client_get_handshake:
 *
 * Returns: (transfer none) (nullable): the counter connection's latest
 *   opening handshake as it was sent both ways, with the derivation of
 *   Sec-WebSocket-Accept; %NULL before the first connection
 */
LabHandshake *
lab_client_get_handshake (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);
  return lab_client_channel_get_handshake (self->counter);
}

/**
 * lab_client_set_capture:
 * @capture: whether to keep the counter connection's frames
 *
 * Keeps the newest %LAB_FRAME_CAPTURE_FRAMES frames of both directions, across
 * reconnects, in lab_client_get_frames() while on. Off, frames cost nothing.
 */
void
lab_client_set_capture (LabClient *self,
                        gboolean   capture)
{
  g_return_if_fail (LAB_IS_CLIENT (self));
  lab_client_channel_set_capture (self->counter, capture);
}

gboolean
lab_client_get_capture (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);
  return lab_client_channel_get_capture (self->counter);
}

/**
 * lab_client_get_frames:
 *
 * Returns: (transfer none): a #GListModel of #LabFrame, oldest first:
 *   client→server frames masked, as they went on the wire
 */
GListModel *
lab_client_get_frames (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);
  return lab_client_channel_get_frames (self->counter);
}

/* The counter connection's latest ping round trip in ms, -1 before its first pong. */
int
lab_client_get_pong_rtt (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), -1);
  return lab_client_channel_get_pong_rtt (self->counter);
}

/**
 * lab_client_ping_now:
 *
 * Pings the counter server at once; its pong updates #LabClient:pong-rtt.
 *
 * Returns: whether a ping went out (the connection is open)
 */
gboolean
lab_client_ping_now (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);
  return lab_client_channel_ping_now (self->counter);
}
