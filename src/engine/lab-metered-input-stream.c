/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-metered-input-stream"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-frame-meter.h"
#include "lab-metered-input-stream.h"
#include "lab-poll-hub.h"

/* The incoming side of a server connection: enforces a cap on a whole
 * WebSocket message, also one sent as many small fragments. */

struct _LabMeteredInputStream
{
  GFilterInputStream parent_instance;

  LabFrameMeter      meter;
  int                poll_fd;
  guint              reported : 1;
  /* The streams above the socket hold no bytes read ahead any more. */
  guint              drained : 1;
  /* A server's connection: its sources run in the connections' band. */
  guint              server_side : 1;
};

enum {
  OVER_LIMIT,
  N_SIGNALS
};

static void pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabMeteredInputStream, lab_metered_input_stream,
                               G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      pollable_iface_init))

static guint signals[N_SIGNALS];

static GInputStream *
get_base (gpointer self)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self));
}

static void
check_limit (LabMeteredInputStream *self)
{
  if (self->meter.over_limit && !self->reported)
    {
      self->reported = TRUE;
      g_signal_emit (self, signals[OVER_LIMIT], 0);
    }
}

/* Reads until something passes the filter, or the base has nothing more. The
 * filter may release a held frame header ahead of the bytes just read, so the
 * base reads into the buffer behind room for one. */
static gssize
read_filtered (LabMeteredInputStream  *self,
               guint8                 *buffer,
               gsize                   count,
               gboolean                blocking,
               GCancellable           *cancellable,
               GError                **error)
{
  g_autofree guint8 *bounce = NULL;
  guint8 *target = buffer + LAB_FRAME_METER_MAX_HEADER;
  gsize target_size = count - LAB_FRAME_METER_MAX_HEADER;

  if (count <= LAB_FRAME_METER_MAX_HEADER)
    {
      /* Too small to leave room: a caller asking for so little is rare. */
      bounce = g_malloc (count + LAB_FRAME_METER_MAX_HEADER);
      target = bounce + LAB_FRAME_METER_MAX_HEADER;
      target_size = count;
    }

  for (;;)
    {
      gssize n;
      gsize kept;

      if (blocking)
        n = g_input_stream_read (get_base (self), target, target_size, cancellable, error);
      else
        {
          g_autoptr(GError) local_error = NULL;

          n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (get_base (self)),
                                                        target, target_size, cancellable,
                                                        &local_error);
          if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            self->drained = TRUE;
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
        }
      if (n <= 0)
        return n;

      if (bounce != NULL)
        {
          /* At most count + header bytes come out of count read: keep count. */
          kept = lab_frame_meter_filter (&self->meter, target, n, bounce);
          g_assert (kept <= count + LAB_FRAME_METER_MAX_HEADER);
          if (kept > count)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                                   "Read buffer too small for a WebSocket frame header");
              return -1;
            }
          memcpy (buffer, bounce, kept);
        }
      else
        kept = lab_frame_meter_filter (&self->meter, target, n, buffer);

      check_limit (self);

      if (kept > 0)
        return kept;
    }
}

static gssize
lab_metered_input_stream_read (GInputStream  *stream,
                               void          *buffer,
                               gsize          count,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return read_filtered (LAB_METERED_INPUT_STREAM (stream), buffer, count, TRUE, cancellable, error);
}

static gboolean
lab_metered_input_stream_can_poll (GPollableInputStream *stream)
{
  GInputStream *base = get_base (stream);

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
lab_metered_input_stream_is_readable (GPollableInputStream *stream)
{
  return g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (get_base (stream)));
}

static GSource *
lab_metered_input_stream_create_source (GPollableInputStream *stream,
                                        GCancellable         *cancellable)
{
  LabMeteredInputStream *self = LAB_METERED_INPUT_STREAM (stream);
  g_autoptr(GSource) base_source = NULL;
  GSource *source;

  if (self->poll_fd >= 0 && cancellable == NULL)
    {
      GSource *watch = lab_poll_hub_create_source (G_OBJECT (stream), self->poll_fd);

      if (watch != NULL)
        {
          /* Bytes read ahead with the request wait in a buffer, not the socket,
           * until a read has come back empty once. */
          if (!self->drained &&
              g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (get_base (stream))))
            g_source_set_ready_time (watch, 0);
          return watch;
        }
    }

  base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (get_base (stream)),
                                                       NULL);
  source = g_pollable_source_new_full (stream, base_source, cancellable);
  if (self->server_side)
    g_source_set_priority (source, LAB_PRIORITY_CONNECTIONS);
  return source;
}

static gssize
lab_metered_input_stream_read_nonblocking (GPollableInputStream  *stream,
                                           void                  *buffer,
                                           gsize                  count,
                                           GError               **error)
{
  return read_filtered (LAB_METERED_INPUT_STREAM (stream), buffer, count, FALSE, NULL, error);
}

static void
pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = lab_metered_input_stream_can_poll;
  iface->is_readable = lab_metered_input_stream_is_readable;
  iface->create_source = lab_metered_input_stream_create_source;
  iface->read_nonblocking = lab_metered_input_stream_read_nonblocking;
}

static void
lab_metered_input_stream_finalize (GObject *object)
{
  LabMeteredInputStream *self = LAB_METERED_INPUT_STREAM (object);

  lab_frame_meter_clear (&self->meter);

  G_OBJECT_CLASS (lab_metered_input_stream_parent_class)->finalize (object);
}

static void
lab_metered_input_stream_class_init (LabMeteredInputStreamClass *klass)
{
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lab_metered_input_stream_finalize;
  input_class->read_fn = lab_metered_input_stream_read;

  /**
   * LabMeteredInputStream::over-limit:
   *
   * A message went over the limit. Emitted once, from inside a read: handlers
   * must not call back into the reader synchronously.
   */
  signals[OVER_LIMIT] =
    g_signal_new ("over-limit",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
lab_metered_input_stream_init (LabMeteredInputStream *self)
{
  self->poll_fd = -1;
}

GInputStream *
lab_metered_input_stream_new (GInputStream *base_stream,
                              guint64       message_limit)
{
  LabMeteredInputStream *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base_stream), NULL);

  self = g_object_new (LAB_TYPE_METERED_INPUT_STREAM,
                       "base-stream", base_stream,
                       "close-base-stream", FALSE,
                       NULL);
  lab_frame_meter_init (&self->meter, message_limit);

  return G_INPUT_STREAM (self);
}

gboolean
lab_metered_input_stream_is_over_limit (LabMeteredInputStream *self)
{
  g_return_val_if_fail (LAB_IS_METERED_INPUT_STREAM (self), FALSE);

  return self->meter.over_limit;
}

/**
 * lab_metered_input_stream_describe_broken_rule:
 *
 * For a server's stream, whose peer must mask every frame and has no
 * extension: the rule of RFC 6455 its frames broke first.
 *
 * Returns: (nullable): the rule, or %NULL when none was broken
 */
const char *
lab_metered_input_stream_describe_broken_rule (LabMeteredInputStream *self)
{
  g_return_val_if_fail (LAB_IS_METERED_INPUT_STREAM (self), NULL);

  if (self->meter.broke & LAB_FRAME_METER_BROKE_RSV)
    return _("RSV1 was set, but no extension was agreed (RFC 6455, 5.2)");
  if (self->meter.broke & LAB_FRAME_METER_BROKE_UNMASKED)
    return _("A client's frame was not masked (RFC 6455, 5.1)");

  return NULL;
}

/**
 * lab_metered_input_stream_set_capture:
 * @func: (nullable): called for each whole frame, from inside a
 *   read; %NULL stops capture
 */
void
lab_metered_input_stream_set_capture (LabMeteredInputStream   *self,
                                     LabFrameMeterCaptureFunc  func,
                                     gpointer                  user_data)
{
  g_return_if_fail (LAB_IS_METERED_INPUT_STREAM (self));

  lab_frame_meter_set_capture (&self->meter, func, user_data);
}

/**
 * lab_metered_input_stream_watch_socket:
 * @fd: the socket under the stream, from lab_poll_hub_find_socket_fd(), or -1
 *
 * For a server's connection: sources made for the stream from now on run at
 * %LAB_PRIORITY_CONNECTIONS and, with a socket, watch @fd through the main
 * context's poll hub, so thousands of connections cost one descriptor per
 * turn of the loop. Only for a stream whose reader reads until it would
 * block, as libsoup's WebSocket does: the hub wakes it when the socket is
 * readable, and bytes left in a buffer above the socket would wait.
 */
void
lab_metered_input_stream_watch_socket (LabMeteredInputStream *self,
                                       int                    fd)
{
  g_return_if_fail (LAB_IS_METERED_INPUT_STREAM (self));

  self->poll_fd = fd;
  self->server_side = TRUE;
}
