/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-peer"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-peer-struct.h"

/* What a peer shows an Inspector: its opening handshake and its frames; its
 * keepalive (lab-keepalive): a ping every interval, and a close with 1011 when
 * one went a whole interval unanswered; and its close:
 * with a code a person chose, and how the closing handshake went. */

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

  if (self->handshake == NULL)
    self->handshake = lab_handshake_new_from_text (self->request_headers, self->response_headers);

  return self->handshake;
}

/**
 * lab_peer_set_capture:
 * @capture: whether to keep this connection's frames
 *
 * Keeps the newest %LAB_FRAME_CAPTURE_FRAMES frames of both directions in
 * lab_peer_get_frames() while on. Off, frames cost nothing; the frames kept
 * so far stay.
 */
void
lab_peer_set_capture (LabPeer  *self,
                      gboolean  capture)
{
  g_return_if_fail (LAB_IS_PEER (self));

  lab_frame_capture_set_own (&self->capture, capture);
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
  return (GListModel *) lab_frame_capture_get_frames (&self->capture);
}

/* The server's ring, where every frame also goes while it captures all. */
void
_lab_peer_set_capture_sink (LabPeer        *self,
                            LabBoundedList *sink)
{
  g_return_if_fail (LAB_IS_PEER (self));

  lab_frame_capture_set_sink (&self->capture, sink);
}

/*
 * _lab_peer_keepalive_tick:
 *
 * One tick of the server's keepalive: a ping, or, when one went a whole
 * interval unanswered, the end: the peer is gone or stuck.
 */
void
_lab_peer_keepalive_tick (LabPeer *self)
{
  g_autofree char *reason = NULL;

  g_return_if_fail (LAB_IS_PEER (self));

  if (!lab_peer_is_open (self) || lab_keepalive_tick (&self->keepalive) != LAB_KEEPALIVE_OVERDUE)
    return;

  reason = lab_keepalive_describe_overdue (&self->keepalive);
  _lab_peer_close (self, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, reason);
}

void
_lab_peer_stop_keepalive (LabPeer *self)
{
  lab_keepalive_set_interval (&self->keepalive, 0);
}

/*
 * _lab_peer_set_ping_interval:
 * @seconds: between pings, also the time a pong may take; 0: no pings
 *
 * The server's keepalive ticks every @seconds for all its peers at once.
 */
void
_lab_peer_set_ping_interval (LabPeer *self,
                             guint    seconds)
{
  g_return_if_fail (LAB_IS_PEER (self));

  lab_keepalive_set_interval (&self->keepalive, seconds);
}

static void
connection_pong_cb (LabPeer                 *self,
                    GBytes                  *message,
                    SoupWebsocketConnection *connection)
{
  if (lab_keepalive_pong (&self->keepalive, message))
    _lab_peer_notify_pong_rtt (self);
}

static void
connection_closing_cb (LabPeer                 *self,
                       SoupWebsocketConnection *connection)
{
  lab_close_record_closing (&self->close, connection);
}

static void
connection_error_cb (LabPeer                 *self,
                     GError                  *error,
                     SoupWebsocketConnection *connection)
{
  g_autoptr(GError) broken = NULL;
  const char *rule = NULL;

  /* libsoup closes with 1002, no reason, and says only that the frame was
   * invalid: the meter knows which rule it broke, for the close record (this
   * side began the close) and the server's log. */
  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR))
    rule = lab_metered_input_stream_describe_broken_rule (self->input);

  if (rule == NULL)
    {
      lab_close_record_error (&self->close, error);
      return;
    }

  broken = g_error_new (SOUP_WEBSOCKET_ERROR, error->code, _("Protocol error: %s"), rule);
  lab_close_record_error (&self->close, broken);
  lab_close_record_send (&self->close, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, rule);
  if (self->observer != NULL)
    self->observer->closing (self->observer_data, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, rule, self);
}

/* Called once the connection exists. */
void
_lab_peer_watch_connection (LabPeer *self)
{
  g_signal_connect_swapped (self->connection, "pong", G_CALLBACK (connection_pong_cb), self);
  g_signal_connect_swapped (self->connection, "closing", G_CALLBACK (connection_closing_cb), self);
  g_signal_connect_swapped (self->connection, "error", G_CALLBACK (connection_error_cb), self);
}

/* Called when the connection is gone: what came from the client, if anything. */
void
_lab_peer_record_closed (LabPeer *self)
{
  lab_close_record_end (&self->close, self->connection, _("the client's socket closed"));
}

/**
 * lab_peer_close:
 * @code: 1000, 1001, 1008 or 4000–4999
 * @reason: (nullable): at most %LAB_CLOSE_REASON_MAX bytes of UTF-8
 *
 * The server closes this connection, as a person chose.
 *
 * Returns: whether the close frame is on its way
 */
gboolean
lab_peer_close (LabPeer     *self,
                gushort      code,
                const char  *reason,
                GError     **error)
{
  g_return_val_if_fail (LAB_IS_PEER (self), FALSE);

  if (!lab_close_code_check_sendable (code, reason, error))
    return FALSE;

  if (!lab_peer_is_open (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The connection is not open"));
      return FALSE;
    }

  _lab_peer_close (self, code, reason);
  return TRUE;
}

/**
 * lab_peer_get_close_code_received:
 *
 * Returns: the code in the client's close frame; 1006 once the connection
 *   ended without one; 0 while it is open
 */
gushort
lab_peer_get_close_code_received (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), 0);
  return lab_close_record_get_received (&self->close);
}

/**
 * lab_peer_describe_close:
 *
 * Returns: (transfer full) (nullable): who closed, each code and reason with
 *   its meaning, or %NULL while the connection is open and no one closed
 */
char *
lab_peer_describe_close (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);
  return lab_close_record_describe (&self->close, _("the server"), _("the client"));
}

/**
 * lab_peer_ping_now:
 *
 * Sends a ping at once; its pong updates #LabPeer:pong-rtt.
 *
 * Returns: whether a ping went out (the connection is open)
 */
gboolean
lab_peer_ping_now (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), FALSE);

  if (!lab_peer_is_open (self))
    return FALSE;

  lab_keepalive_ping (&self->keepalive);
  return TRUE;
}

/* The latest ping's round trip in milliseconds, -1 before the first pong. */
int
lab_peer_get_pong_rtt (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), -1);
  return self->keepalive.pong_rtt;
}

/* What happened when the connection ended without a close frame, if it did. */
const char *
_lab_peer_get_close_failure (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);
  return self->close.failure;
}
