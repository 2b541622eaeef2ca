/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-client-attempt.h"
#include "lab-client-channel-private.h"
#include "lab-metered-io-stream.h"

/* How a channel's connection closes: with the code and reason the user chose,
 * waiting for the server's answer, or dropped with no close frame at all; and,
 * however it ends, who sent the first close frame and what each side received. */

static void
closing_cb (LabClientChannel        *self,
            SoupWebsocketConnection *connection)
{
  lab_close_record_closing (&self->close, connection);
}

static void
error_cb (LabClientChannel        *self,
          GError                  *error,
          SoupWebsocketConnection *connection)
{
  lab_close_record_error (&self->close, error);
}

/* A new connection: a new story. */
void
_lab_client_channel_watch_close (LabClientChannel        *self,
                                 SoupWebsocketConnection *connection)
{
  lab_close_record_clear (&self->close);
  g_signal_connect_object (connection, "closing", G_CALLBACK (closing_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "error", G_CALLBACK (error_cb), self, G_CONNECT_SWAPPED);
}

void
_lab_client_channel_record_end (LabClientChannel        *self,
                                SoupWebsocketConnection *connection)
{
  lab_close_record_end (&self->close, connection, _("the server's socket closed"));
}

void
_lab_client_channel_drop_closing (LabClientChannel *self)
{
  if (self->closing == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->closing, self);
  lab_client_release_connection (g_steal_pointer (&self->closing));
}

static void
closed_cb (LabClientChannel        *self,
           SoupWebsocketConnection *connection)
{
  g_autoptr(LabClientChannel) hold = g_object_ref (self);

  _lab_client_channel_record_end (self, connection);
  _lab_client_channel_drop_closing (self);
  g_signal_emit_by_name (self, "close-answered");
}

/**
 * lab_client_channel_close:
 * @code: a code lab_close_code_check_sendable() accepts
 *
 * Stops the channel as lab_client_channel_stop() does, but closes an open
 * connection with @code and @reason and keeps following it until the server
 * answers (::close-answered), so both codes can be shown.
 *
 * Returns: whether a connection was open
 */
gboolean
lab_client_channel_close (LabClientChannel *self,
                          gushort           code,
                          const char       *reason)
{
  SoupWebsocketConnection *connection;

  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);

  if (self->connection == NULL ||
      soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      lab_client_channel_stop (self);
      return FALSE;
    }

  _lab_client_channel_drop_closing (self);
  connection = g_object_ref (self->connection);
  lab_close_record_send (&self->close, code, reason);
  soup_websocket_connection_close (connection, code, reason);

  /* The channel lets go of it; this file follows it to its end. */
  lab_client_channel_stop (self);
  self->closing = connection;
  g_signal_connect_object (connection, "closing", G_CALLBACK (closing_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "error", G_CALLBACK (error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "closed", G_CALLBACK (closed_cb), self, G_CONNECT_SWAPPED);

  return TRUE;
}

/* The socket under the connection's TLS and meters. */
static GSocket *
find_socket (GIOStream *stream)
{
  while (stream != NULL)
    {
      if (G_IS_SOCKET_CONNECTION (stream))
        return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));

      if (LAB_IS_METERED_IO_STREAM (stream))
        stream = lab_metered_io_stream_get_base_stream (LAB_METERED_IO_STREAM (stream));
      else if (G_IS_TLS_CONNECTION (stream))
        {
          GIOStream *base = NULL;

          /* Borrowed: the TLS connection keeps its base stream. */
          g_object_get (stream, "base-io-stream", &base, NULL);
          g_object_unref (base);
          stream = base;
        }
      else
        return NULL;
    }

  return NULL;
}

/**
 * lab_client_channel_drop:
 *
 * Ends the open connection with no closing handshake, as a cable pulled out
 * would: its socket is shut down under libsoup, which sends no close frame.
 * The server sees 1006; so does this channel, which then reconnects as after
 * any lost connection.
 *
 * Returns: whether a connection was open
 */
gboolean
lab_client_channel_drop (LabClientChannel *self)
{
  g_autoptr(GError) why = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);

  if (self->connection == NULL ||
      soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  socket = find_socket (soup_websocket_connection_get_io_stream (self->connection));
  g_return_val_if_fail (socket != NULL, FALSE);

  /* Said before libsoup notices, so the record tells what really happened. */
  why = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                             _("this client shut its socket down"));
  lab_close_record_error (&self->close, why);

  /* Both ways: the server reads its end, libsoup here reads its own. */
  if (!g_socket_shutdown (socket, TRUE, TRUE, &error))
    g_debug ("%s: dropping: %s", self->name, error->message);

  return TRUE;
}

/**
 * lab_client_channel_describe_close:
 *
 * Returns: (transfer full) (nullable): how the last connection closed
 */
char *
lab_client_channel_describe_close (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), NULL);
  return lab_close_record_describe (&self->close, _("the client"), _("the server"));
}

gushort
lab_client_channel_get_close_code_received (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), 0);
  return lab_close_record_get_received (&self->close);
}

const char *
lab_client_channel_get_close_reason_received (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), NULL);
  return self->close.received_reason;
}
