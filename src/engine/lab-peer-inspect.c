/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-peer"

#include "config.h"

#include "lab-peer-struct.h"

/* What a peer shows an Inspector: its opening handshake and its frames. */

/**
 * lab_peer_get_handshake:
 *
 * Returns: (transfer none): the opening handshake, header by header, and the
 *   derivation of its Sec-WebSocket-Accept
 */
LabHandshake *
lab_peer_get_handshake (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);
  return self->handshake;
}

/**
 * lab_peer_set_capture:
 * @capture: whether to keep this connection's frames
 *
 * Keeps the newest %LAB_PEER_CAPTURE_FRAMES frames of both directions in
 * lab_peer_get_frames() while on. Off, frames cost nothing; the frames kept
 * so far stay.
 */
void
lab_peer_set_capture (LabPeer  *self,
                      gboolean  capture)
{
  g_return_if_fail (LAB_IS_PEER (self));

  lab_peer_capture_set_own (&self->capture, capture);
}

gboolean
lab_peer_get_capture (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), FALSE);
  return self->capture.own;
}

/**
 * lab_peer_get_frames:
 *
 * Returns: (transfer none) (nullable): a #GListModel of #LabFrame, oldest
 *   first, or %NULL if capture was never on
 */
GListModel *
lab_peer_get_frames (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);
  return (GListModel *) lab_peer_capture_get_frames (&self->capture);
}

/* The server's ring, where every frame also goes while it captures all. */
void
_lab_peer_set_capture_sink (LabPeer        *self,
                            LabBoundedList *sink)
{
  g_return_if_fail (LAB_IS_PEER (self));

  lab_peer_capture_set_sink (&self->capture, sink);
}
