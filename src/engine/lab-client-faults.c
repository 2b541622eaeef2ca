/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include <string.h>

#include "lab-client-private.h"
#include "lab-protocol.h"

/* Faults on demand, on the counter connection only: what a class sees when a
 * client breaks the rules. Nothing here touches another client. */

/* Over the lab server's 4 KiB message limit */
#define OVERSIZED_BYTES 5000

static gboolean
connected (LabClient *self)
{
  return self->state == LAB_CLIENT_STATE_CONNECTED;
}

/**
 * lab_client_set_skip_pongs:
 * @skip_pongs: whether the counter connection stops answering the server's pings
 *
 * While on, the pongs libsoup writes never leave, so a server with a
 * keepalive closes the connection (1011 from the lab server).
 */
void
lab_client_set_skip_pongs (LabClient *self,
                           gboolean   skip_pongs)
{
  g_return_if_fail (LAB_IS_CLIENT (self));

  lab_client_channel_set_skip_pongs (self->counter, skip_pongs);
}

gboolean
lab_client_get_skip_pongs (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  return lab_client_channel_get_skip_pongs (self->counter);
}

/**
 * lab_client_send_fragmented:
 * @text: a message, such as an action
 * @n_fragments: into how many frames: a text frame with FIN = 0, then continuations
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_send_fragmented (LabClient  *self,
                            const char *text,
                            guint       n_fragments)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  return connected (self) && lab_client_channel_send_fragmented (self->counter, text, n_fragments);
}

/**
 * lab_client_plus_fragmented:
 *
 * Asks the server to add one, the action split over @n_fragments frames.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_plus_fragmented (LabClient *self,
                            guint      n_fragments)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  text = lab_protocol_format_action (LAB_ACTION_PLUS);
  return lab_client_send_fragmented (self, text, n_fragments);
}

/**
 * lab_client_send_protocol_error:
 * @kind: which rule of RFC 6455 the frame breaks
 *
 * Sends a text frame with RSV1 set, or without a mask: a server closes with 1002.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_send_protocol_error (LabClient        *self,
                                LabProtocolFault  kind)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  if (!connected (self))
    return FALSE;

  /* A plus the server never counts: the frame carrying it is refused. */
  text = lab_protocol_format_action (LAB_ACTION_PLUS);
  return lab_client_channel_send_protocol_error (self->counter, kind, text);
}

/**
 * lab_client_send_oversized:
 *
 * Sends a text message over the lab server's 4 KiB limit: it closes with 1009.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_send_oversized (LabClient *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  if (!connected (self))
    return FALSE;

  text = g_malloc (OVERSIZED_BYTES + 1);
  memset (text, 'x', OVERSIZED_BYTES);
  text[OVERSIZED_BYTES] = '\0';
  return lab_client_channel_send_text (self->counter, text);
}

/**
 * lab_client_send_binary:
 *
 * Sends a binary message, which the lab server does not accept: it closes with 1003.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_send_binary (LabClient *self)
{
  static const guint8 data[] = { 0x00, 0x01, 0x02, 0xff };
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  if (!connected (self))
    return FALSE;

  bytes = g_bytes_new_static (data, sizeof data);
  return lab_client_channel_send_binary (self->counter, bytes);
}
