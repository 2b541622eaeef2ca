/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-metered-output-stream"

#include "config.h"

#include "lab-frame-meter.h"
#include "lab-metered-output-stream.h"

/* The outgoing side of a server connection: counts the bytes of data frames
 * that reached the socket. libsoup queues the rest privately and has no API
 * for it, so bytes handed over minus bytes written is the buffered amount. */

struct _LabMeteredOutputStream
{
  GFilterOutputStream parent_instance;

  LabFrameMeter       meter;
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

static gssize
lab_metered_output_stream_write (GOutputStream  *stream,
                                 const void     *buffer,
                                 gsize           count,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  LabMeteredOutputStream *self = LAB_METERED_OUTPUT_STREAM (stream);

  return count_written (self, buffer,
                        g_output_stream_write (get_base (self), buffer, count, cancellable, error));
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

  return count_written (self, buffer,
                        g_pollable_output_stream_write_nonblocking (base, buffer, count,
                                                                    NULL, error));
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
