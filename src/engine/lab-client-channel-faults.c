/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client-channel"

#include "config.h"

#include <string.h>

#include "lab-client-channel-private.h"
#include "lab-metered-output-stream.h"

/* Faults on demand: frames libsoup would never write, slipped in between its
 * own at a frame boundary of this channel's stream, and pongs it never lets
 * out. They reach this connection's server only. */

#define OPCODE_CONTINUATION 0x0
#define OPCODE_TEXT         0x1
#define FIN                 0x80
#define RSV1                0x40

/* The open connection's stream, or NULL */
static LabMeteredOutputStream *
open_output (LabClientChannel *self)
{
  if (self->connection == NULL ||
      soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return NULL;

  return self->keepalive.output;
}

/**
 * lab_client_channel_set_skip_pongs:
 * @skip_pongs: whether the pongs libsoup writes for the server's pings are dropped
 *
 * Holds for this connection and the next ones, until turned off.
 */
void
lab_client_channel_set_skip_pongs (LabClientChannel *self,
                                   gboolean          skip_pongs)
{
  LabMeteredOutputStream *output;

  g_return_if_fail (LAB_IS_CLIENT_CHANNEL (self));

  self->skip_pongs = !!skip_pongs;
  if ((output = open_output (self)) != NULL)
    lab_metered_output_stream_set_skip_pongs (output, self->skip_pongs);
}

gboolean
lab_client_channel_get_skip_pongs (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);

  return self->skip_pongs;
}

/**
 * lab_client_channel_send_fragmented:
 * @n_fragments: how many frames, at least 2 and at most one a byte
 *
 * Sends @text as a text frame with FIN = 0 and continuation frames, masked,
 * back to back between libsoup's frames.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_channel_send_fragmented (LabClientChannel *self,
                                    const char       *text,
                                    guint             n_fragments)
{
  LabMeteredOutputStream *output;
  gsize length;
  gsize start = 0;

  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (strlen (text) <= G_MAXUINT16, FALSE);

  if ((output = open_output (self)) == NULL)
    return FALSE;

  length = strlen (text);
  n_fragments = CLAMP (n_fragments, 2, MAX (length, 2));
  for (guint i = 0; i < n_fragments; i++)
    {
      gsize end = length * (i + 1) / n_fragments;
      guint8 first_byte = i == 0 ? OPCODE_TEXT : OPCODE_CONTINUATION;

      if (i + 1 == n_fragments)
        first_byte |= FIN;
      lab_metered_output_stream_send_frame (output, first_byte, TRUE,
                                            (const guint8 *) text + start, end - start);
      start = end;
    }

  return TRUE;
}

/**
 * lab_client_channel_send_protocol_error:
 * @kind: the rule to break
 * @text: the text frame's payload
 *
 * Sends one text frame that breaks RFC 6455: RSV1 set though no extension was
 * agreed, or no mask though a client must mask. The server closes with 1002.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_channel_send_protocol_error (LabClientChannel *self,
                                        LabProtocolFault  kind,
                                        const char       *text)
{
  LabMeteredOutputStream *output;
  guint8 first_byte = FIN | OPCODE_TEXT;
  gboolean masked = TRUE;

  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (strlen (text) <= 125, FALSE);

  if ((output = open_output (self)) == NULL)
    return FALSE;

  switch (kind)
    {
    case LAB_PROTOCOL_FAULT_RSV1:
      first_byte |= RSV1;
      break;

    case LAB_PROTOCOL_FAULT_UNMASKED:
      masked = FALSE;
      break;

    default:
      g_return_val_if_reached (FALSE);
    }

  lab_metered_output_stream_send_frame (output, first_byte, masked,
                                        (const guint8 *) text, strlen (text));
  return TRUE;
}

/**
 * lab_client_channel_send_binary:
 *
 * Sends @data as a binary message, through libsoup.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_channel_send_binary (LabClientChannel *self,
                                GBytes           *data)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (open_output (self) == NULL)
    return FALSE;

  soup_websocket_connection_send_message (self->connection, SOUP_WEBSOCKET_DATA_BINARY, data);
  return TRUE;
}
