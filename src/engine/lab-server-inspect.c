/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server"

#include "config.h"

#include "lab-peer-private.h"
#include "lab-server-private.h"

/* What the server does for the Inspector and the trace: capture every
 * connection's frames into one bounded ring, and the keepalive interval
 * every connection uses. */

static void
notify (LabServer  *self,
        const char *name)
{
  g_object_notify_by_pspec (G_OBJECT (self),
                            g_object_class_find_property (G_OBJECT_GET_CLASS (self), name));
}

gboolean
lab_server_get_capture_all (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), FALSE);
  return self->capture_all;
}

/**
 * lab_server_set_capture_all:
 *
 * Sends the frames of every connection, present and to come, to
 * lab_server_get_frames(), a ring of %LAB_SERVER_CAPTURE_FRAMES.
 */
void
lab_server_set_capture_all (LabServer *self,
                            gboolean   capture_all)
{
  guint n;

  g_return_if_fail (LAB_IS_SERVER (self));

  capture_all = !!capture_all;
  if (self->capture_all == capture_all)
    return;

  self->capture_all = capture_all;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);

      _lab_peer_set_capture_sink (peer, capture_all ? self->frames : NULL);
    }

  notify (self, "capture-all");
}

/**
 * lab_server_get_frames:
 *
 * Returns: (transfer none): the frames of every connection while
 *   #LabServer:capture-all is on, oldest first
 */
LabBoundedList *
lab_server_get_frames (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);
  return self->frames;
}

guint
lab_server_get_ping_interval (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), 0);
  return self->ping_interval;
}

/**
 * lab_server_set_ping_interval:
 * @seconds: between pings, and the time a pong may take; 0 turns pings off
 */
void
lab_server_set_ping_interval (LabServer *self,
                              guint      seconds)
{
  guint n;

  g_return_if_fail (LAB_IS_SERVER (self));
  g_return_if_fail (seconds <= LAB_PING_INTERVAL_MAX);

  if (self->ping_interval == seconds)
    return;

  self->ping_interval = seconds;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);

      _lab_peer_set_ping_interval (peer, seconds);
    }
  _lab_server_restart_keepalive (self);

  notify (self, "ping-interval");
}

static gboolean
keepalive_tick_cb (gpointer user_data)
{
  LabServer *self = user_data;
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));

  /* A close may take a peer out of the list: tick a copy of it. */
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (peers, g_list_model_get_item (G_LIST_MODEL (self->peers), i));
  for (guint i = 0; i < peers->len; i++)
    _lab_peer_keepalive_tick (g_ptr_array_index (peers, i));

  return G_SOURCE_CONTINUE;
}

/*
 * _lab_server_restart_keepalive:
 *
 * One timer for every connection's keepalive, not one each: a class of
 * thousands would otherwise add thousands of sources to every main-loop turn.
 */
void
_lab_server_restart_keepalive (LabServer *self)
{
  g_clear_handle_id (&self->keepalive_source, g_source_remove);

  if (self->ping_interval > 0)
    self->keepalive_source = g_timeout_add (self->ping_interval * 1000, keepalive_tick_cb, self);
}
