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
  /* Pong bytes of libsoup's still to swallow (Skip Pongs) */
  gsize               drop_left;
  /* A client's stream: RFC 6455 has a client mask every frame it sends */
  guint               masked : 1;
  guint               skip_pongs : 1;
};

#define OPCODE_PONG 0xa

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

/* Skip Pongs: libsoup hands over the rest of one frame per write, so a pong
 * of its own starts a write at a frame boundary. Its bytes are swallowed as if
 * written, whole, and the meter never sees them.
 * Returns: how many bytes of @buffer were swallowed */
static gsize
drop_pong (LabMeteredOutputStream *self,
           const guint8           *buffer,
           gsize                   count)
{
  gsize n;

  if (self->drop_left == 0)
    {
      if (!self->skip_pongs || !at_frame_boundary (self) || count < 2 ||
          (buffer[0] & 0x0f) != OPCODE_PONG)
        return 0;

      /* A control frame's payload fits the 7-bit length. */
      self->drop_left = 2 + ((buffer[1] & 0x80) ? 4 : 0) + (buffer[1] & 0x7f);
    }

  n = MIN (count, self->drop_left);
  self->drop_left -= n;
  return n;
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
  gsize dropped;

  if (!before_write (self, error))
    return -1;

  if ((dropped = drop_pong (self, buffer, count)) > 0)
    return dropped;

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
  gsize dropped;

  if (!before_write (self, error))
    return -1;

  if ((dropped = drop_pong (self, buffer, count)) > 0)
    return dropped;

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
 * lab_metered_output_stream_set_skip_pongs:
 * @skip_pongs: whether libsoup's pongs are dropped
 *
 * While on, the pongs libsoup writes in answer to the peer's pings never reach
 * the socket: whole frames are dropped, at frame boundaries.
 */
void
lab_metered_output_stream_set_skip_pongs (LabMeteredOutputStream *self,
                                          gboolean                skip_pongs)
{
  g_return_if_fail (LAB_IS_METERED_OUTPUT_STREAM (self));

  self->skip_pongs = !!skip_pongs;
}

/**
 * lab_metered_output_stream_send_frame:
 * @first_byte: FIN, RSV and opcode bits, as they go on the wire
 * @masked: whether the frame is masked
 * @payload: (array length=length): the payload, unmasked
 *
 * Sends one raw frame of our own between libsoup's frames: now if the stream
 * is between frames, else as soon as it is. Frames sent one after the other
 * go out back to back, with nothing of libsoup's between them.
 */
void
lab_metered_output_stream_send_frame (LabMeteredOutputStream *self,
                                      guint8                  first_byte,
                                      gboolean                masked,
                                      const guint8           *payload,
                                      gsize                   length)
{
  guint8 header[4];
  guint header_size = 2;

  g_return_if_fail (LAB_IS_METERED_OUTPUT_STREAM (self));
  g_return_if_fail (length <= G_MAXUINT16);

  if (self->inject == NULL)
    self->inject = g_byte_array_new ();

  header[0] = first_byte;
  if (length < 126)
    header[1] = length;
  else
    {
      header[1] = 126;
      header[2] = length >> 8;
      header[3] = length & 0xff;
      header_size = 4;
    }
  if (masked)
    header[1] |= 0x80;
  g_byte_array_append (self->inject, header, header_size);

  if (masked)
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
  g_return_if_fail (LAB_IS_METERED_OUTPUT_STREAM (self));
  g_return_if_fail (opcode >= 0x8 && opcode <= 0xf);
  g_return_if_fail (length <= 125);  /* RFC 6455: control frames are short */

  lab_metered_output_stream_send_frame (self, 0x80 | opcode, self->masked, payload, length);
}
