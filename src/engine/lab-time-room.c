/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-time-room"

#include "config.h"

#include "lab-peer-private.h"
#include "lab-protocol.h"
#include "lab-time-room.h"

/* The time stream, as the tutorial's time server sends it: the current UTC
 * time now, then again after a random pause, to each connection on its own
 * rhythm, until it leaves. What the browser sends is never read. */

typedef struct
{
  LabTimeRoom *room;
  LabPeer     *peer;
  guint        source;
} Stream;

struct _LabTimeRoom
{
  GObject     parent_instance;

  /* LabPeer (not owned: in the server's peers while open) → Stream */
  GHashTable *streams;
  double      interval_max;
};

G_DEFINE_FINAL_TYPE (LabTimeRoom, lab_time_room, G_TYPE_OBJECT)

static void stream_schedule (Stream *stream);

static gboolean
tick_cb (gpointer user_data)
{
  Stream *stream = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = lab_protocol_format_timestamp (now);

  stream->source = 0;
  _lab_peer_send (stream->peer, LAB_PEER_SLOT_TIME, text);
  stream_schedule (stream);

  return G_SOURCE_REMOVE;
}

static void
stream_schedule (Stream *stream)
{
  double max = stream->room->interval_max;
  double delay = max > 0 ? g_random_double_range (0, max) : 0;

  stream->source = g_timeout_add ((guint) (delay * 1000), tick_cb, stream);
}

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  g_clear_handle_id (&stream->source, g_source_remove);
  g_free (stream);
}

static void
lab_time_room_dispose (GObject *object)
{
  LabTimeRoom *self = LAB_TIME_ROOM (object);

  g_clear_pointer (&self->streams, g_hash_table_unref);

  G_OBJECT_CLASS (lab_time_room_parent_class)->dispose (object);
}

static void
lab_time_room_class_init (LabTimeRoomClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lab_time_room_dispose;
}

static void
lab_time_room_init (LabTimeRoom *self)
{
  self->streams = g_hash_table_new_full (NULL, NULL, NULL, stream_free);
  self->interval_max = LAB_TIME_INTERVAL_MAX_DEFAULT;
}

LabTimeRoom *
lab_time_room_new (void)
{
  return g_object_new (LAB_TYPE_TIME_ROOM, NULL);
}

void
lab_time_room_join (LabTimeRoom *self,
                    LabPeer     *peer)
{
  Stream *stream;

  g_return_if_fail (LAB_IS_TIME_ROOM (self));
  g_return_if_fail (LAB_IS_PEER (peer));

  stream = g_new0 (Stream, 1);
  stream->room = self;
  stream->peer = peer;
  g_hash_table_replace (self->streams, peer, stream);

  /* Like the tutorial: the first timestamp at once, then random pauses. */
  stream->source = g_idle_add (tick_cb, stream);
}

void
lab_time_room_leave (LabTimeRoom *self,
                     LabPeer     *peer)
{
  g_return_if_fail (LAB_IS_TIME_ROOM (self));

  g_hash_table_remove (self->streams, peer);
}

double
lab_time_room_get_interval_max (LabTimeRoom *self)
{
  g_return_val_if_fail (LAB_IS_TIME_ROOM (self), 0);

  return self->interval_max;
}

/* The longest pause between two timestamps; takes effect from each stream's next one. */
void
lab_time_room_set_interval_max (LabTimeRoom *self,
                                double       seconds)
{
  g_return_if_fail (LAB_IS_TIME_ROOM (self));
  g_return_if_fail (seconds >= 0);

  self->interval_max = seconds;
}
