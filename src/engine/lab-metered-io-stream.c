/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-metered-io-stream"

#include "config.h"

#include "lab-metered-io-stream.h"

/* A server connection as libsoup's WebSocket code sees it: the stolen HTTP
 * connection with both directions metered. Closing closes the base. */

struct _LabMeteredIoStream
{
  GIOStream      parent_instance;

  GIOStream     *base_stream;
  GInputStream  *input;
  GOutputStream *output;
};

G_DEFINE_FINAL_TYPE (LabMeteredIoStream, lab_metered_io_stream, G_TYPE_IO_STREAM)

static GInputStream *
lab_metered_io_stream_get_input_stream (GIOStream *stream)
{
  return LAB_METERED_IO_STREAM (stream)->input;
}

static GOutputStream *
lab_metered_io_stream_get_output_stream (GIOStream *stream)
{
  return LAB_METERED_IO_STREAM (stream)->output;
}

static gboolean
lab_metered_io_stream_close (GIOStream     *stream,
                             GCancellable  *cancellable,
                             GError       **error)
{
  return g_io_stream_close (LAB_METERED_IO_STREAM (stream)->base_stream, cancellable, error);
}

static void
base_closed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* GIOStream would close in a worker thread by default; the base stream knows
 * how to close asynchronously on the main context. */
static void
lab_metered_io_stream_close_async (GIOStream           *stream,
                                   int                  io_priority,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  LabMeteredIoStream *self = LAB_METERED_IO_STREAM (stream);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_metered_io_stream_close_async);

  g_io_stream_close_async (self->base_stream, io_priority, cancellable,
                           base_closed_cb, g_steal_pointer (&task));
}

static gboolean
lab_metered_io_stream_close_finish (GIOStream     *stream,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lab_metered_io_stream_finalize (GObject *object)
{
  LabMeteredIoStream *self = LAB_METERED_IO_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base_stream);

  G_OBJECT_CLASS (lab_metered_io_stream_parent_class)->finalize (object);
}

static void
lab_metered_io_stream_class_init (LabMeteredIoStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *io_stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = lab_metered_io_stream_finalize;

  io_stream_class->get_input_stream = lab_metered_io_stream_get_input_stream;
  io_stream_class->get_output_stream = lab_metered_io_stream_get_output_stream;
  io_stream_class->close_fn = lab_metered_io_stream_close;
  io_stream_class->close_async = lab_metered_io_stream_close_async;
  io_stream_class->close_finish = lab_metered_io_stream_close_finish;
}

static void
lab_metered_io_stream_init (LabMeteredIoStream *self)
{
}

GIOStream *
lab_metered_io_stream_new (GIOStream *base_stream,
                           guint64    message_limit)
{
  LabMeteredIoStream *self;

  g_return_val_if_fail (G_IS_IO_STREAM (base_stream), NULL);

  self = g_object_new (LAB_TYPE_METERED_IO_STREAM, NULL);
  self->base_stream = g_object_ref (base_stream);
  self->input = lab_metered_input_stream_new (g_io_stream_get_input_stream (base_stream),
                                              message_limit);
  self->output = lab_metered_output_stream_new (g_io_stream_get_output_stream (base_stream));

  return G_IO_STREAM (self);
}

/* Returns: (transfer none): the stream metered, e.g. a TLS connection whose
 *   peer certificate someone wants to show */
GIOStream *
lab_metered_io_stream_get_base_stream (LabMeteredIoStream *self)
{
  g_return_val_if_fail (LAB_IS_METERED_IO_STREAM (self), NULL);

  return self->base_stream;
}
