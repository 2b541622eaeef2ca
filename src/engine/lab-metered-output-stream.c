/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-metered-output-stream"

#include "config.h"

#include <string.h>

#include "lab-frame-meter.h"
#include "lab-metered-output-stream.h"

/* The outgoing side of a server connection: counts the bytes of data frames
 * that reached the socket. libsoup queues the rest privately and has no API
 * for it, so bytes handed over minus bytes written is the buffered amount.
 * It also slips control frames of our own (pings: libsoup 3.2 cannot send one
 * on demand) in between libsoup's frames, never inside one. */

struct _LabMeteredOutputStream
{
  GFilterOutputStream parent_instance;

  LabFrameMeter       meter;
  /* Frames of our own waiting for a frame boundary, and the source that
   * writes them while libsoup writes nothing. */
  GByteArray         *inject;
  GSource            *inject_source;
  guint               injecting : 1;
  /* A client's stream: RFC 6455 has a client mask every frame it sends */
  guint               masked : 1;
};

enum {
  WROTE,
  N_SIGNALS
};

static void pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabMeteredOutputStream, lab_metered_output_stream,
                               G_TYPE_FILTER_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      pollable_iface_init))

static guint signals[N_SIGNALS];

static GOutputStream *
get_base (gpointer self)
{
  return g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (self));
}

static gssize
count_written (LabMeteredOutputStream *self,
               const void             *buffer,
               gssize                  written)
{
  if (written > 0)
    {
      lab_frame_meter_scan (&self->meter, buffer, written);
      g_signal_emit (self, signals[WROTE], 0);
    }

  return written;
}

static gboolean
at_frame_boundary (LabMeteredOutputStream *self)
{
  return !self->meter.in_payload && self->meter.header_have == 0;
}

/* Writes what can be of our own frames. Once the first byte of one is out,
 * the meter is inside it, so nothing of libsoup's passes until it is whole.
 * Returns: whether none is left */
/* Writes what can be of our own frames. Once the first byte of one is out,
 * nothing of libsoup's may pass until ours are whole.
 * Returns: whether none is left */
static gboolean
flush_injected (LabMeteredOutputStream *self)
{
  GPollableOutputStream *base = G_POLLABLE_OUTPUT_STREAM (get_base (self));

  while (self->inject->len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      n = g_pollable_output_stream_write_nonblocking (base, self->inject->data, self->inject->len,
                                                      NULL, &error);
      if (n <= 0)
        {
          /* A real error shows on libsoup's next write, which handles it. */
          if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_byte_array_set_size (self->inject, 0);
          break;
        }

      lab_frame_meter_scan (&self->meter, self->inject->data, n);
      g_byte_array_remove_range (self->inject, 0, n);
      self->injecting = self->inject->len > 0;
    }

  if (self->inject->len == 0)
    self->injecting = FALSE;

  return self->inject->len == 0;
}

/* Whether our frames may go now: between libsoup's frames, or when ours
 * already started. */
static gboolean
may_inject (LabMeteredOutputStream *self)
{
  return self->inject != NULL && self->inject->len > 0 &&
         (self->injecting || at_frame_boundary (self));
}

static gboolean
inject_ready_cb (GObject  *base,
                 gpointer  user_data)
{
  LabMeteredOutputStream *self = user_data;

  if (may_inject (self) && !flush_injected (self))
    return G_SOURCE_CONTINUE;

  /* Done, or libsoup is inside a frame: its next write hands over. */
  self->inject_source = NULL;
  return G_SOURCE_REMOVE;
}

static void
watch_injected (LabMeteredOutputStream *self)
{
  GPollableOutputStream *base = G_POLLABLE_OUTPUT_STREAM (get_base (self));

  if (self->inject_source != NULL || self->inject == NULL || self->inject->len == 0)
    return;

  self->inject_source = g_pollable_output_stream_create_source (base, NULL);
  g_source_set_callback (self->inject_source, G_SOURCE_FUNC (inject_ready_cb), self, NULL);
  g_source_attach (self->inject_source, g_main_context_get_thread_default ());
  g_source_unref (self->inject_source);
}

/* Before libsoup writes: FALSE (would block) while one of our frames is under way. */
static gboolean
before_write (LabMeteredOutputStream  *self,
              GError                 **error)
{
  if (!may_inject (self))
    return TRUE;

  if (flush_injected (self))
    return TRUE;

  watch_injected (self);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                       "A control frame of our own is being written");
  return FALSE;
}

/* After libsoup wrote: ours go at the first boundary. */
static void
after_write (LabMeteredOutputStream *self)
{
  if (may_inject (self) && !flush_injected (self))
    watch_injected (self);
}

static gssize
lab_metered_output_stream_write (GOutputStream  *stream,
                                 const void     *buffer,
                                 gsize           count,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  LabMeteredOutputStream *self = LAB_METERED_OUTPUT_STREAM (stream);
  gssize written;

  if (!before_write (self, error))
    return -1;

  written = count_written (self, buffer,
                           g_output_stream_write (get_base (self), buffer, count, cancellable,
                                                  error));
  after_write (self);
  return written;
}

static gboolean
lab_metered_output_stream_flush (GOutputStream  *stream,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  return g_output_stream_flush (get_base (stream), cancellable, error);
}

static gboolean
lab_metered_output_stream_can_poll (GPollableOutputStream *stream)
{
  GOutputStream *base = get_base (stream);

  return G_IS_POLLABLE_OUTPUT_STREAM (base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (base));
}

static gboolean
lab_metered_output_stream_is_writable (GPollableOutputStream *stream)
{
  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (get_base (stream)));
}

static GSource *
lab_metered_output_stream_create_source (GPollableOutputStream *stream,
                                         GCancellable          *cancellable)
{
  g_autoptr(GSource) base_source = NULL;

  base_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (get_base (stream)),
                                                        NULL);
  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
lab_metered_output_stream_write_nonblocking (GPollableOutputStream  *stream,
                                             const void             *buffer,
                                             gsize                   count,
                                             GError                **error)
{
  LabMeteredOutputStream *self = LAB_METERED_OUTPUT_STREAM (stream);
  GPollableOutputStream *base = G_POLLABLE_OUTPUT_STREAM (get_base (self));
  gssize written;

  if (!before_write (self, error))
    return -1;

  written = count_written (self, buffer,
                           g_pollable_output_stream_write_nonblocking (base, buffer, count,
                                                                       NULL, error));
  after_write (self);
  return written;
}

static void
pollable_iface_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = lab_metered_output_stream_can_poll;
  iface->is_writable = lab_metered_output_stream_is_writable;
  iface->create_source = lab_metered_output_stream_create_source;
  iface->write_nonblocking = lab_metered_output_stream_write_nonblocking;
}

static void
lab_metered_output_stream_finalize (GObject *object)
{
  LabMeteredOutputStream *self = LAB_METERED_OUTPUT_STREAM (object);

  lab_frame_meter_clear (&self->meter);
  if (self->inject_source != NULL)
    g_source_destroy (self->inject_source);
  g_clear_pointer (&self->inject, g_byte_array_unref);

  G_OBJECT_CLASS (lab_metered_output_stream_parent_class)->finalize (object);
}

static void
lab_metered_output_stream_class_init (LabMeteredOutputStreamClass *klass)
{
  GOutputStreamClass *output_class = G_OUTPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = lab_metered_output_stream_finalize;
  output_class->write_fn = lab_metered_output_stream_write;
  output_class->flush = lab_metered_output_stream_flush;

  /**
   * LabMeteredOutputStream::wrote:
   *
   * Bytes reached the base stream. Emitted from inside a write: handlers must
   * not write synchronously.
   */
  signals[WROTE] =
    g_signal_new ("wrote",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
lab_metered_output_stream_init (LabMeteredOutputStream *self)
{
  lab_frame_meter_init (&self->meter, 0);
}

GOutputStream *
lab_metered_output_stream_new (GOutputStream *base_stream)
{
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (base_stream), NULL);

  return g_object_new (LAB_TYPE_METERED_OUTPUT_STREAM,
                       "base-stream", base_stream,
                       "close-base-stream", FALSE,
                       NULL);
}

guint64
lab_metered_output_stream_get_data_bytes_written (LabMeteredOutputStream *self)
{
  g_return_val_if_fail (LAB_IS_METERED_OUTPUT_STREAM (self), 0);

  return self->meter.data_bytes;
}

/**
 * lab_metered_output_stream_set_capture:
 * @func: (nullable): called for each whole frame, from inside a
 *   write; %NULL stops capture
 */
void
lab_metered_output_stream_set_capture (LabMeteredOutputStream   *self,
                                     LabFrameMeterCaptureFunc  func,
                                     gpointer                  user_data)
{
  g_return_if_fail (LAB_IS_METERED_OUTPUT_STREAM (self));

  lab_frame_meter_set_capture (&self->meter, func, user_data);
}

/**
 * lab_metered_output_stream_set_masked:
 * @masked: whether this is a client's stream, whose frames are masked
 *
 * libsoup masks its own frames on a client connection; this makes the control
 * frames of lab_metered_output_stream_send_control() masked as well.
 */
void
lab_metered_output_stream_set_masked (LabMeteredOutputStream *self,
                                      gboolean                masked)
{
  g_return_if_fail (LAB_IS_METERED_OUTPUT_STREAM (self));

  self->masked = !!masked;
}

/**
 * lab_metered_output_stream_send_control:
 * @opcode: a control opcode (ping, pong)
 * @payload: (array length=length): at most 125 bytes
 *
 * Sends a control frame (masked on a client's stream) between libsoup's
 * frames: now if the stream is between frames, else as soon as it is.
 */
void
lab_metered_output_stream_send_control (LabMeteredOutputStream *self,
                                        guint8                  opcode,
                                        const guint8           *payload,
                                        gsize                   length)
{
  guint8 header[2];

  g_return_if_fail (LAB_IS_METERED_OUTPUT_STREAM (self));
  g_return_if_fail (opcode >= 0x8 && opcode <= 0xf);
  g_return_if_fail (length <= 125);  /* RFC 6455: control frames are short */

  if (self->inject == NULL)
    self->inject = g_byte_array_new ();

  header[0] = 0x80 | opcode;
  header[1] = length | (self->masked ? 0x80 : 0);
  g_byte_array_append (self->inject, header, 2);

  if (self->masked)
    {
      guint32 random = g_random_int ();
      guint8 key[4];
      guint start;

      memcpy (key, &random, sizeof key);
      g_byte_array_append (self->inject, key, sizeof key);
      start = self->inject->len;
      g_byte_array_append (self->inject, payload, length);
      for (gsize i = 0; i < length; i++)
        self->inject->data[start + i] ^= key[i % 4];
    }
  else
    g_byte_array_append (self->inject, payload, length);

  after_write (self);
}
