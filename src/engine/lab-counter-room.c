/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-counter-room"

#include "config.h"

#include <string.h>

#include "lab-counter-room.h"
#include "lab-peer-private.h"
#include "lab-protocol.h"

/* The counter's connections, as the tutorial's counter server keeps them: a
 * newcomer gets the state, everyone gets the users count on each join and
 * leave, and the state after every change. Broadcasts follow the counter's
 * notifications, whatever changed it, and everything that changed in one
 * main-loop turn goes out as one message per connection: a join storm or a
 * burst of clicks costs O(N) sends, not O(N²). */

struct _LabCounterRoom
{
  GObject         parent_instance;

  LabCounter     *counter;
  LabBoundedList *event_log;
  /* Not owned: each is in the server's peers while open. */
  GHashTable     *peers;

  guint           flush_source;
  guint           users_dirty : 1;
  guint           state_dirty : 1;
};

G_DEFINE_FINAL_TYPE (LabCounterRoom, lab_counter_room, G_TYPE_OBJECT)

static void
log_event (LabCounterRoom *self,
           LabEvent       *event)
{
  lab_bounded_list_add (self->event_log, event);
  g_object_unref (event);
}

/* One line per broadcast, not one per copy. */
static void
log_broadcast (LabCounterRoom *self,
               const char     *text,
               guint           n_peers)
{
  LabEvent *event = lab_event_new (LAB_EVENT_MESSAGE_OUT, 0, NULL, NULL, text);

  lab_event_set_count (event, n_peers);
  lab_event_set_size (event, strlen (text));
  log_event (self, event);
}

static gboolean
flush_cb (gpointer user_data)
{
  LabCounterRoom *self = user_data;
  g_autofree char *users_text = NULL;
  g_autofree char *state_text = NULL;
  guint n_peers = g_hash_table_size (self->peers);
  GHashTableIter iter;
  gpointer key;

  self->flush_source = 0;

  if (self->users_dirty)
    users_text = lab_protocol_format_users (lab_counter_get_users (self->counter));
  state_text = lab_protocol_format_state (lab_counter_get_value (self->counter));

  /* The tutorial's order: users to everyone, then the state; a newcomer gets
   * the state even when it did not change. */
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      LabPeer *peer = key;

      if (users_text != NULL)
        _lab_peer_send (peer, LAB_PEER_SLOT_USERS, users_text);

      if (self->state_dirty || _lab_peer_get_newcomer (peer))
        _lab_peer_send (peer, LAB_PEER_SLOT_STATE, state_text);

      _lab_peer_set_newcomer (peer, FALSE);
    }

  if (users_text != NULL && n_peers > 0)
    log_broadcast (self, users_text, n_peers);
  if (self->state_dirty && n_peers > 0)
    log_broadcast (self, state_text, n_peers);

  self->users_dirty = FALSE;
  self->state_dirty = FALSE;

  return G_SOURCE_REMOVE;
}

static void
schedule_flush (LabCounterRoom *self)
{
  if (self->flush_source == 0)
    self->flush_source = g_idle_add_full (G_PRIORITY_DEFAULT, flush_cb, self, NULL);
}

static void
value_changed_cb (LabCounterRoom *self)
{
  self->state_dirty = TRUE;
  schedule_flush (self);
}

static void
users_changed_cb (LabCounterRoom *self)
{
  self->users_dirty = TRUE;
  schedule_flush (self);
}

static void
lab_counter_room_dispose (GObject *object)
{
  LabCounterRoom *self = LAB_COUNTER_ROOM (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->counter != NULL)
    g_signal_handlers_disconnect_by_data (self->counter, self);
  g_clear_object (&self->counter);
  g_clear_object (&self->event_log);
  g_clear_pointer (&self->peers, g_hash_table_unref);

  G_OBJECT_CLASS (lab_counter_room_parent_class)->dispose (object);
}

static void
lab_counter_room_class_init (LabCounterRoomClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lab_counter_room_dispose;
}

static void
lab_counter_room_init (LabCounterRoom *self)
{
  self->peers = g_hash_table_new (NULL, NULL);
}

/**
 * lab_counter_room_new:
 * @counter: the value everyone in the room shares
 * @event_log: where broadcasts and refused messages are told
 */
LabCounterRoom *
lab_counter_room_new (LabCounter     *counter,
                      LabBoundedList *event_log)
{
  LabCounterRoom *self;

  g_return_val_if_fail (LAB_IS_COUNTER (counter), NULL);
  g_return_val_if_fail (LAB_IS_BOUNDED_LIST (event_log), NULL);

  self = g_object_new (LAB_TYPE_COUNTER_ROOM, NULL);
  self->counter = g_object_ref (counter);
  self->event_log = g_object_ref (event_log);

  g_signal_connect_object (counter, "notify::value", G_CALLBACK (value_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (counter, "notify::users", G_CALLBACK (users_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}

/* A newcomer: it gets the state with the next broadcast, and everyone the users count. */
void
lab_counter_room_join (LabCounterRoom *self,
                       LabPeer        *peer)
{
  g_return_if_fail (LAB_IS_COUNTER_ROOM (self));
  g_return_if_fail (LAB_IS_PEER (peer));

  if (!g_hash_table_add (self->peers, peer))
    return;

  _lab_peer_set_newcomer (peer, TRUE);
  schedule_flush (self);
  lab_counter_add_user (self->counter);
}

void
lab_counter_room_leave (LabCounterRoom *self,
                        LabPeer        *peer)
{
  g_return_if_fail (LAB_IS_COUNTER_ROOM (self));
  g_return_if_fail (LAB_IS_PEER (peer));

  if (g_hash_table_remove (self->peers, peer))
    lab_counter_remove_user (self->counter);
}

/* An action changes the counter (and the counter's notification broadcasts
 * it); anything else changes nothing and gets an error back. */
void
lab_counter_room_receive (LabCounterRoom *self,
                          LabPeer        *peer,
                          const char     *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = NULL;
  LabAction action;

  g_return_if_fail (LAB_IS_COUNTER_ROOM (self));
  g_return_if_fail (LAB_IS_PEER (peer));

  if (lab_protocol_parse_action (text, -1, &action, &error) &&
      lab_counter_apply (self->counter, action, &error))
    return;

  reply = lab_protocol_format_error (error->message);
  log_event (self, _lab_peer_new_event (peer, LAB_EVENT_ERROR, error->message));
  _lab_peer_send (peer, LAB_PEER_SLOT_ERROR, reply);
}

guint
lab_counter_room_get_n_peers (LabCounterRoom *self)
{
  g_return_val_if_fail (LAB_IS_COUNTER_ROOM (self), 0);

  return g_hash_table_size (self->peers);
}
