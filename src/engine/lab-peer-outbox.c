/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-peer"

#include "config.h"

#include <string.h>

#include "lab-metered-output-stream.h"
#include "lab-peer-outbox.h"

/* The bounded outgoing side of a peer: the exact backlog in libsoup's queue,
 * the newest message of each kind while the reader is slow, and a close with
 * 1008 for a reader that stays stuck. */

void
lab_peer_outbox_init (LabPeerOutbox *self,
                      LabPeer       *peer,
                      guint          stall_timeout_ms)
{
  memset (self, 0, sizeof *self);
  self->peer = peer;
  self->stall_timeout_ms = stall_timeout_ms;
}

/* Drops what waits and stops the timers: the connection is closing or gone. */
void
lab_peer_outbox_clear (LabPeerOutbox *self)
{
  g_clear_handle_id (&self->stall_source, g_source_remove);
  g_clear_handle_id (&self->drain_source, g_source_remove);

  for (guint i = 0; i < LAB_PEER_N_SLOTS; i++)
    g_clear_pointer (&self->pending[i], g_free);
}

static guint64
frame_size (gsize payload)
{
  /* A server's frames are not masked: 2 header bytes, plus the extended length. */
  if (payload < 126)
    return payload + 2;
  if (payload <= G_MAXUINT16)
    return payload + 4;
  return payload + 10;
}

guint64
lab_peer_outbox_get_buffered (LabPeerOutbox *self)
{
  LabMeteredOutputStream *output = _lab_peer_get_output (self->peer);
  guint64 written;

  if (output == NULL)
    return 0;

  written = lab_metered_output_stream_get_data_bytes_written (output);
  return self->handed_bytes > written ? self->handed_bytes - written : 0;
}

static void
set_backed_up (LabPeerOutbox *self,
               gboolean       backed_up)
{
  if (self->backed_up == !!backed_up)
    return;

  self->backed_up = !!backed_up;
  _lab_peer_notify_backed_up (self->peer);
}

static gboolean
stall_timeout_cb (gpointer user_data)
{
  LabPeerOutbox *self = user_data;

  self->stall_source = 0;
  _lab_peer_close (self->peer, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                   "Closed: this client stopped reading");

  return G_SOURCE_REMOVE;
}

static void
send_now (LabPeerOutbox *self,
          const char    *text)
{
  gsize length = strlen (text);

  self->handed_bytes += frame_size (length);
  soup_websocket_connection_send_text (_lab_peer_get_connection (self->peer), text);

  if (lab_peer_outbox_get_buffered (self) > LAB_PEER_HIGH_WATER && !self->backed_up)
    {
      set_backed_up (self, TRUE);
      g_clear_handle_id (&self->stall_source, g_source_remove);
      self->stall_source = g_timeout_add (self->stall_timeout_ms, stall_timeout_cb, self);
    }
}

/* Sends what waits, oldest replacement first, while libsoup's queue is empty. */
static void
flush_pending (LabPeerOutbox *self)
{
  while (lab_peer_outbox_get_buffered (self) == 0 && lab_peer_is_open (self->peer))
    {
      int oldest = -1;
      g_autofree char *text = NULL;

      for (guint i = 0; i < LAB_PEER_N_SLOTS; i++)
        if (self->pending[i] != NULL &&
            (oldest < 0 || self->pending_order[i] < self->pending_order[oldest]))
          oldest = i;

      if (oldest < 0)
        {
          g_clear_handle_id (&self->stall_source, g_source_remove);
          set_backed_up (self, FALSE);
          return;
        }

      text = g_steal_pointer (&self->pending[oldest]);
      send_now (self, text);
    }
}

static gboolean
drain_cb (gpointer user_data)
{
  LabPeerOutbox *self = user_data;

  self->drain_source = 0;
  flush_pending (self);

  return G_SOURCE_REMOVE;
}

/* Bytes reached the socket: once libsoup's queue is empty, what waits goes. */
void
lab_peer_outbox_wrote (LabPeerOutbox *self)
{
  /* Called from inside libsoup's write: send from the main loop instead. */
  if (self->backed_up && self->drain_source == 0 && lab_peer_outbox_get_buffered (self) == 0)
    self->drain_source = g_idle_add (drain_cb, self);
}

/*
 * lab_peer_outbox_send:
 *
 * Sends @text now, or, while the reader is backed up, keeps it as the newest
 * message of its kind in place of an older one.
 */
void
lab_peer_outbox_send (LabPeerOutbox *self,
                      LabPeerSlot    slot,
                      const char    *text)
{
  g_return_if_fail (slot < LAB_PEER_N_SLOTS);
  g_return_if_fail (text != NULL);

  if (!lab_peer_is_open (self->peer))
    return;

  if (!self->backed_up)
    {
      send_now (self, text);
      return;
    }

  if (self->pending[slot] != NULL)
    self->messages_dropped++;

  g_free (self->pending[slot]);
  self->pending[slot] = g_strdup (text);
  self->pending_order[slot] = ++self->next_order;
}
