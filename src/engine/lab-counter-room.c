/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-counter-room"

#include "config.h"

#include <string.h>

#include "lab-counter-room.h"
#include "lab-peer-private.h"
#include "lab-poll-hub.h"
#include "lab-protocol.h"

/* The counter's connections, as the tutorial's counter server keeps them: a
 * newcomer gets the state, everyone gets the users count when people join and
 * leave, and the state after every change. Broadcasts follow the counter's
 * notifications, whatever changed it.
 *
 * What changed in one main-loop turn goes out as one message per connection.
 * A join storm needs more than that, since each join completes in a turn of
 * its own: the users count goes out at once in a quiet or small room, then,
 * while joins keep coming, when it has doubled or halved (at most every
 * USERS_MIN_GAP_MS) and at least every USERS_QUIET_MS, and always once more
 * when the joins stop for USERS_SETTLE_MS. Each connection then hears a
 * handful of users messages however large the class, and the whole storm
 * costs O(N) sends, not O(N²). */

/* A room quiet this long hears of a join at once; during a storm the count
 * still goes out this often, so a window shows it moving (5 times a second). */
#define USERS_QUIET_MS 200
/* The shortest gap between two users broadcasts during a storm. */
#define USERS_MIN_GAP_MS 20
/* Joins this far apart end a storm: the final count goes out then, not up to
 * USERS_QUIET_MS later, so the last to join are not left waiting. */
#define USERS_SETTLE_MS 20
/* A room this small hears every change of the count at once, as the
 * tutorial's server sends it: a broadcast costs a handful of sends there, and
 * nobody misses someone who came and went within a few milliseconds. */
#define USERS_SMALL_ROOM 32
/* Peers brought up to date per main-loop dispatch: a few milliseconds of
 * sends, so the window on the same loop keeps drawing during a broadcast. */
#define PASS_SLICE 256

/* A broadcast under way: everyone in the room when it began, in slices. */
typedef struct
{
  GPtrArray *peers;  /* owned references */
  guint      next;
  gboolean   users;  /* it carries the users count */
  gboolean   state;  /* it carries the state */
} Pass;

static void
pass_free (Pass *pass)
{
  g_ptr_array_unref (pass->peers);
  g_free (pass);
}

struct _LabCounterRoom
{
  GObject         parent_instance;

  LabCounter     *counter;
  LabBoundedList *event_log;
  /* Not owned: each is in the server's peers while open. */
  GHashTable     *peers;
  /* Owned, so one that leaves before its state goes needs no search. */
  GPtrArray      *newcomers;

  gint64          users_sent_at;   /* monotonic µs of the last users broadcast */
  guint           users_sent;      /* the count it carried */
  guint           flush_source;
  guint           users_timer;
  gint64          users_timer_due; /* monotonic µs */
  Pass           *pass;
  guint           pass_source;

  guint           users_due : 1;
  /* The timer keeps its time: it is not pushed back by the next join. */
  guint           users_timer_firm : 1;
  guint           state_dirty : 1;
  /* Asked for while a pass was under way */
  guint           pending_users : 1;
  guint           pending_state : 1;
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

/* Sends @peer what it has not heard yet of what this pass carries. */
static void
bring_up_to_date (LabPeer    *peer,
                  gboolean    users,
                  const char *users_text,
                  guint       users_count,
                  gboolean    state,
                  const char *state_text,
                  gint64      value)
{
  gint64 heard;

  if (users && _lab_peer_get_users_heard (peer) != users_count)
    {
      _lab_peer_send (peer, LAB_PEER_SLOT_USERS, users_text);
      _lab_peer_set_users_heard (peer, users_count);
    }

  if (state && (!_lab_peer_get_state_heard (peer, &heard) || heard != value))
    {
      _lab_peer_send (peer, LAB_PEER_SLOT_STATE, state_text);
      _lab_peer_set_state_heard (peer, value);
    }
}

/* A newcomer hears the users count and the state at once, in the tutorial's
 * order, without a look at anyone else. */
static void
greet_newcomers (LabCounterRoom *self)
{
  guint users = lab_counter_get_users (self->counter);
  gint64 value = lab_counter_get_value (self->counter);
  g_autofree char *users_text = NULL;
  g_autofree char *state_text = NULL;

  if (self->newcomers->len == 0)
    return;

  users_text = lab_protocol_format_users (users);
  state_text = lab_protocol_format_state (value);

  for (guint i = 0; i < self->newcomers->len; i++)
    {
      LabPeer *peer = g_ptr_array_index (self->newcomers, i);

      if (_lab_peer_get_newcomer (peer))
        bring_up_to_date (peer, TRUE, users_text, users, TRUE, state_text, value);
      _lab_peer_set_newcomer (peer, FALSE);
    }

  g_ptr_array_set_size (self->newcomers, 0);
}

static void begin_pass (LabCounterRoom *self,
                        gboolean        users,
                        gboolean        state);

/* One slice of a pass: a bounded number of peers brought up to date with the
 * counter as it is now, so a broadcast to thousands never holds the main
 * loop (which the window shares) for long. */
static gboolean
pass_slice_cb (gpointer user_data)
{
  LabCounterRoom *self = user_data;
  Pass *pass = self->pass;
  guint users = lab_counter_get_users (self->counter);
  gint64 value = lab_counter_get_value (self->counter);
  g_autofree char *users_text = lab_protocol_format_users (users);
  g_autofree char *state_text = lab_protocol_format_state (value);
  guint end = MIN (pass->next + PASS_SLICE, pass->peers->len);
  gboolean again_users;
  gboolean again_state;

  for (; pass->next < end; pass->next++)
    bring_up_to_date (g_ptr_array_index (pass->peers, pass->next),
                      pass->users, users_text, users, pass->state, state_text, value);

  if (pass->next < pass->peers->len)
    return G_SOURCE_CONTINUE;

  /* Done. What changed meanwhile goes to everyone in one more pass; the
   * peers it reached late already have it and are skipped. */
  again_users = self->pending_users;
  again_state = self->pending_state;
  self->pending_users = FALSE;
  self->pending_state = FALSE;
  self->pass_source = 0;
  g_clear_pointer (&self->pass, pass_free);

  if (again_users || again_state)
    begin_pass (self, again_users, again_state);

  return G_SOURCE_REMOVE;
}

static void
begin_pass (LabCounterRoom *self,
            gboolean        users,
            gboolean        state)
{
  guint n_peers = g_hash_table_size (self->peers);
  GHashTableIter iter;
  gpointer key;

  if (self->pass != NULL)
    {
      self->pending_users |= users;
      self->pending_state |= state;
      return;
    }

  if (n_peers == 0)
    return;

  /* One line per broadcast, not one per copy. */
  if (users)
    {
      g_autofree char *text = lab_protocol_format_users (lab_counter_get_users (self->counter));

      log_broadcast (self, text, n_peers);
    }
  if (state)
    {
      g_autofree char *text = lab_protocol_format_state (lab_counter_get_value (self->counter));

      log_broadcast (self, text, n_peers);
    }

  self->pass = g_new0 (Pass, 1);
  self->pass->users = users;
  self->pass->state = state;
  self->pass->peers = g_ptr_array_new_full (n_peers, g_object_unref);
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (self->pass->peers, g_object_ref (key));

  /* The first slice at once: a quiet room's broadcast is not delayed. */
  if (pass_slice_cb (self) == G_SOURCE_CONTINUE)
    self->pass_source = g_idle_add_full (LAB_PRIORITY_CONNECTIONS, pass_slice_cb, self, NULL);
}

static gboolean
flush_cb (gpointer user_data)
{
  LabCounterRoom *self = user_data;
  gboolean users = self->users_due;
  gboolean state = self->state_dirty;

  self->flush_source = 0;
  self->users_due = FALSE;
  self->state_dirty = FALSE;

  greet_newcomers (self);

  if (users)
    {
      self->users_sent = lab_counter_get_users (self->counter);
      self->users_sent_at = g_get_monotonic_time ();
    }

  if (users || state)
    begin_pass (self, users, state);

  return G_SOURCE_REMOVE;
}

static void
schedule_flush (LabCounterRoom *self)
{
  if (self->flush_source == 0)
    self->flush_source = g_idle_add_full (LAB_PRIORITY_CONNECTIONS, flush_cb, self, NULL);
}

static gboolean
users_timer_cb (gpointer user_data)
{
  LabCounterRoom *self = user_data;

  self->users_timer = 0;
  self->users_due = TRUE;
  schedule_flush (self);

  return G_SOURCE_REMOVE;
}

/* Arms the users timer for @due (monotonic µs). A firm timer due sooner
 * stays; a settling one is pushed back by every join until the storm ends. */
static void
arm_users_timer (LabCounterRoom *self,
                 gint64          due,
                 gboolean        firm)
{
  gint64 wait_ms;

  if (self->users_timer != 0 && self->users_timer_firm && self->users_timer_due <= due)
    return;

  wait_ms = MAX (0, (due - g_get_monotonic_time () + 999) / 1000);
  g_clear_handle_id (&self->users_timer, g_source_remove);
  self->users_timer = g_timeout_add ((guint) wait_ms, users_timer_cb, self);
  self->users_timer_due = due;
  self->users_timer_firm = firm;
}

/* When the users count that just changed goes out: see the top of the file. */
static void
plan_users_broadcast (LabCounterRoom *self)
{
  guint users = lab_counter_get_users (self->counter);
  gint64 now = g_get_monotonic_time ();
  gint64 quiet_due = self->users_sent_at + USERS_QUIET_MS * 1000;
  gboolean doubled = users >= 2 * self->users_sent || 2 * users <= self->users_sent;

  if (now >= quiet_due || g_hash_table_size (self->peers) <= USERS_SMALL_ROOM)
    {
      g_clear_handle_id (&self->users_timer, g_source_remove);
      self->users_due = TRUE;
      schedule_flush (self);
    }
  else if (doubled)
    arm_users_timer (self, MAX (now, self->users_sent_at + USERS_MIN_GAP_MS * 1000), TRUE);
  else if (now + USERS_SETTLE_MS * 1000 >= quiet_due)
    arm_users_timer (self, quiet_due, TRUE);
  else
    arm_users_timer (self, now + USERS_SETTLE_MS * 1000, FALSE);
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
  if (!self->users_due)
    plan_users_broadcast (self);
}

static void
lab_counter_room_dispose (GObject *object)
{
  LabCounterRoom *self = LAB_COUNTER_ROOM (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->users_timer, g_source_remove);
  g_clear_handle_id (&self->pass_source, g_source_remove);
  g_clear_pointer (&self->pass, pass_free);
  if (self->counter != NULL)
    g_signal_handlers_disconnect_by_data (self->counter, self);
  g_clear_object (&self->counter);
  g_clear_object (&self->event_log);
  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_pointer (&self->newcomers, g_ptr_array_unref);

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
  self->newcomers = g_ptr_array_new_with_free_func (g_object_unref);
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
  g_ptr_array_add (self->newcomers, g_object_ref (peer));
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
