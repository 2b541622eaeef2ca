/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include "lab-client-channel-private.h"
#include "lab-frame.h"
#include "lab-metered-io-stream.h"

/* What a channel shows an Inspector, as a server's peer does: the latest
 * connection's opening handshake, the frames of its connections while capture
 * is on (one ring for all of them, so a reconnect keeps the story), and the
 * keepalive: our pings slipped in by the metered output stream, the pong's
 * round trip, and the end of a connection whose ping went a whole interval
 * unanswered. */

static LabMeteredInputStream *
input_of (GIOStream *stream)
{
  return LAB_METERED_INPUT_STREAM (g_io_stream_get_input_stream (stream));
}

static LabMeteredOutputStream *
output_of (GIOStream *stream)
{
  return LAB_METERED_OUTPUT_STREAM (g_io_stream_get_output_stream (stream));
}

static LabBoundedList *
ensure_frames (LabClientChannel *self)
{
  if (self->frames == NULL)
    self->frames = lab_bounded_list_new (LAB_TYPE_FRAME, LAB_FRAME_CAPTURE_FRAMES,
                                         LAB_BOUNDED_LIST_OLDEST_FIRST);
  return self->frames;
}

static gboolean
keepalive_tick_cb (gpointer user_data)
{
  LabClientChannel *self = user_data;
  g_autofree char *why = NULL;

  if (lab_keepalive_tick (&self->keepalive) != LAB_KEEPALIVE_OVERDUE)
    return G_SOURCE_CONTINUE;

  self->keepalive_source = 0;
  why = lab_keepalive_describe_overdue (&self->keepalive);
  _lab_client_channel_give_up (self, why);

  return G_SOURCE_REMOVE;
}

static void
restart_keepalive (LabClientChannel *self)
{
  g_clear_handle_id (&self->keepalive_source, g_source_remove);
  lab_keepalive_set_interval (&self->keepalive, self->connection != NULL ? self->keepalive_interval : 0);

  if (self->connection != NULL && self->keepalive_interval > 0)
    self->keepalive_source = g_timeout_add_seconds (self->keepalive_interval, keepalive_tick_cb, self);
}

static void
pong_cb (LabClientChannel        *self,
         GBytes                  *payload,
         SoupWebsocketConnection *connection)
{
  if (lab_keepalive_pong (&self->keepalive, payload))
    _lab_client_channel_notify (self, LAB_CLIENT_CHANNEL_PROP_PONG_RTT);
}

/* A connection's stream, before libsoup reads from it: its meters feed the
 * capture and will carry our pings. */
void
_lab_client_channel_inspect_opened (LabClientChannel *self,
                                    GIOStream        *stream,
                                    LabHandshake     *handshake)
{
  g_set_object (&self->handshake, handshake);
  self->n_connections++;

  lab_frame_capture_init (&self->capture, self->n_connections, LAB_FRAME_SERVER_TO_CLIENT,
                          input_of (stream), output_of (stream));
  if (self->capturing)
    lab_frame_capture_set_sink (&self->capture, ensure_frames (self));
  lab_keepalive_init (&self->keepalive, output_of (stream));
  lab_metered_output_stream_set_skip_pongs (output_of (stream), self->skip_pongs);
}

/* The connection is the channel's: the keepalive starts. */
void
_lab_client_channel_inspect_watch (LabClientChannel        *self,
                                   SoupWebsocketConnection *connection)
{
  restart_keepalive (self);
  g_signal_connect_object (connection, "pong", G_CALLBACK (pong_cb), self, G_CONNECT_SWAPPED);

  _lab_client_channel_notify (self, LAB_CLIENT_CHANNEL_PROP_HANDSHAKE);
  _lab_client_channel_notify (self, LAB_CLIENT_CHANNEL_PROP_PONG_RTT);
}

/* The connection is let go: nothing of it is watched any more. The frames
 * and the handshake stay for whoever shows them. */
void
_lab_client_channel_inspect_dropped (LabClientChannel *self)
{
  g_clear_handle_id (&self->keepalive_source, g_source_remove);
  lab_keepalive_set_interval (&self->keepalive, 0);
  lab_frame_capture_clear (&self->capture);
}

void
_lab_client_channel_inspect_clear (LabClientChannel *self)
{
  _lab_client_channel_inspect_dropped (self);
  g_clear_object (&self->handshake);
  g_clear_object (&self->frames);
}

/* Applies at once, to the open connection as well; 0 for no pings. */
void
lab_client_channel_set_keepalive_interval (LabClientChannel *self,
                                           guint             seconds)
{
  g_return_if_fail (LAB_IS_CLIENT_CHANNEL (self));

  if (self->keepalive_interval == seconds)
    return;

  self->keepalive_interval = seconds;
  restart_keepalive (self);
}

/**
 * lab_client_channel_get_handshake:
 *
 * Returns: (transfer none) (nullable): the latest connection's opening handshake
 */
LabHandshake *
lab_client_channel_get_handshake (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), NULL);
  return self->handshake;
}

/**
 * lab_client_channel_set_capture:
 *
 * Keeps the newest %LAB_FRAME_CAPTURE_FRAMES frames of both directions, of
 * this connection and the next ones, while on. Off, frames cost nothing; the
 * frames kept so far stay.
 */
void
lab_client_channel_set_capture (LabClientChannel *self,
                                gboolean          capture)
{
  g_return_if_fail (LAB_IS_CLIENT_CHANNEL (self));

  self->capturing = !!capture;
  if (self->capture.input != NULL)
    lab_frame_capture_set_sink (&self->capture, capture ? ensure_frames (self) : NULL);
}

gboolean
lab_client_channel_get_capture (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);
  return self->capturing;
}

/**
 * lab_client_channel_get_frames:
 *
 * Returns: (transfer none): a #GListModel of #LabFrame, oldest first; empty
 *   until capture is on
 */
GListModel *
lab_client_channel_get_frames (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), NULL);
  return G_LIST_MODEL (ensure_frames (self));
}

/* The latest ping's round trip in ms on this connection, -1 before its first pong. */
int
lab_client_channel_get_pong_rtt (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), -1);
  return self->keepalive.pong_rtt;
}

/* Returns: whether a ping went out (the connection is open) */
gboolean
lab_client_channel_ping_now (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);

  if (self->connection == NULL ||
      soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  lab_keepalive_ping (&self->keepalive);
  return TRUE;
}
