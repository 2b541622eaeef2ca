/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-metered-output-stream.h"
#include "lab-test-utils.h"

/* Our own control frames (pings) go between the frames libsoup writes, never
 * inside one, whatever pieces the socket takes at a time. The socket here is
 * a stream that takes a few bytes per write, or none while "full". */

#define TEST_TYPE_CHUNKY_STREAM (test_chunky_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestChunkyStream, test_chunky_stream, TEST, CHUNKY_STREAM, GOutputStream)

struct _TestChunkyStream
{
  GOutputStream  parent_instance;
  GByteArray    *written;
  gsize          chunk;
  gboolean       full;
};

static void pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestChunkyStream, test_chunky_stream, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      pollable_iface_init))

static gssize
chunky_write (TestChunkyStream *self,
              const void       *buffer,
              gsize             count,
              GError          **error)
{
  gsize n = MIN (count, self->chunk);

  if (self->full)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "full");
      return -1;
    }

  g_byte_array_append (self->written, buffer, n);
  return n;
}

static gssize
chunky_write_fn (GOutputStream  *stream,
                 const void     *buffer,
                 gsize           count,
                 GCancellable   *cancellable,
                 GError        **error)
{
  return chunky_write (TEST_CHUNKY_STREAM (stream), buffer, count, error);
}

static gboolean
chunky_is_writable (GPollableOutputStream *stream)
{
  return !TEST_CHUNKY_STREAM (stream)->full;
}

/* Checked every millisecond: enough for a test. */
static GSource *
chunky_create_source (GPollableOutputStream *stream,
                      GCancellable          *cancellable)
{
  g_autoptr(GSource) tick = g_timeout_source_new (1);

  return g_pollable_source_new_full (stream, tick, cancellable);
}

static gssize
chunky_write_nonblocking (GPollableOutputStream  *stream,
                          const void             *buffer,
                          gsize                   count,
                          GError                **error)
{
  return chunky_write (TEST_CHUNKY_STREAM (stream), buffer, count, error);
}

static void
pollable_iface_init (GPollableOutputStreamInterface *iface)
{
  iface->is_writable = chunky_is_writable;
  iface->create_source = chunky_create_source;
  iface->write_nonblocking = chunky_write_nonblocking;
}

static void
test_chunky_stream_finalize (GObject *object)
{
  g_byte_array_unref (TEST_CHUNKY_STREAM (object)->written);
  G_OBJECT_CLASS (test_chunky_stream_parent_class)->finalize (object);
}

static void
test_chunky_stream_class_init (TestChunkyStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_chunky_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = chunky_write_fn;
}

static void
test_chunky_stream_init (TestChunkyStream *self)
{
  self->written = g_byte_array_new ();
}

/* A server's text frame of @length bytes of 'x'. */
static GByteArray *
text_frame (gsize length)
{
  GByteArray *frame = g_byte_array_new ();
  guint8 header[4] = { 0x81, 126, length >> 8, length & 0xff };

  g_assert_cmpuint (length, >=, 126);
  g_byte_array_append (frame, header, 4);
  for (gsize i = 0; i < length; i++)
    g_byte_array_append (frame, (const guint8 *) "x", 1);

  return frame;
}

/* As libsoup does: write what the stream takes, wait when it takes nothing. */
static gsize
write_some (GPollableOutputStream *stream,
            const guint8          *data,
            gsize                  length)
{
  g_autoptr(GError) error = NULL;
  gssize n = g_pollable_output_stream_write_nonblocking (stream, data, length, NULL, &error);

  if (n < 0)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      return 0;
    }

  return n;
}

/* Splits what reached the socket into frames: opcodes in order. */
static char *
opcodes_of (GByteArray *bytes)
{
  GString *opcodes = g_string_new (NULL);
  gsize pos = 0;

  while (pos < bytes->len)
    {
      guint8 opcode = bytes->data[pos] & 0x0f;
      guint64 length = bytes->data[pos + 1] & 0x7f;
      gsize header = 2;

      if (length == 126)
        {
          length = (bytes->data[pos + 2] << 8) | bytes->data[pos + 3];
          header = 4;
        }
      if (opcode == 0x1)
        for (gsize i = 0; i < length; i++)
          g_assert_cmpuint (bytes->data[pos + header + i], ==, 'x');
      if (opcode == 0x9)
        g_assert_cmpmem (bytes->data + pos + header, length, "ping", 4);

      g_string_append_printf (opcodes, "%s%u", opcodes->len > 0 ? "," : "", opcode);
      pos += header + length;
    }

  g_assert_cmpuint (pos, ==, bytes->len);
  return g_string_free (opcodes, FALSE);
}

static void
test_ping_waits_for_frame_end (void)
{
  g_autoptr(TestChunkyStream) socket = g_object_new (TEST_TYPE_CHUNKY_STREAM, NULL);
  g_autoptr(GOutputStream) metered = NULL;
  g_autoptr(GByteArray) first = text_frame (200);
  g_autoptr(GByteArray) second = text_frame (300);
  g_autofree char *opcodes = NULL;
  gsize done = 0;

  socket->chunk = 7;
  metered = lab_metered_output_stream_new (G_OUTPUT_STREAM (socket));

  /* Half-way through the first frame, a ping is asked for. */
  done += write_some (G_POLLABLE_OUTPUT_STREAM (metered), first->data, first->len);
  lab_metered_output_stream_send_control (LAB_METERED_OUTPUT_STREAM (metered), 0x9,
                                          (const guint8 *) "ping", 4);
  while (done < first->len)
    done += write_some (G_POLLABLE_OUTPUT_STREAM (metered), first->data + done, first->len - done);

  /* The next frame waits while the ping is part-way out. */
  done = 0;
  while (done < second->len)
    done += write_some (G_POLLABLE_OUTPUT_STREAM (metered), second->data + done, second->len - done);

  opcodes = opcodes_of (socket->written);
  g_assert_cmpstr (opcodes, ==, "1,9,1");
}

static gboolean
nothing_waits (gpointer data)
{
  TestChunkyStream *socket = data;

  /* Header 2 + "ping" 4 */
  return socket->written->len == 6;
}

/* Between frames with the socket full: the ping goes once it drains, even
 * though libsoup has nothing to write. */
static void
test_ping_when_idle_and_full (void)
{
  g_autoptr(TestChunkyStream) socket = g_object_new (TEST_TYPE_CHUNKY_STREAM, NULL);
  g_autoptr(GOutputStream) metered = NULL;

  socket->chunk = 1;
  socket->full = TRUE;
  metered = lab_metered_output_stream_new (G_OUTPUT_STREAM (socket));

  lab_metered_output_stream_send_control (LAB_METERED_OUTPUT_STREAM (metered), 0x9,
                                          (const guint8 *) "ping", 4);
  g_assert_cmpuint (socket->written->len, ==, 0);

  socket->full = FALSE;
  g_assert_true (lab_test_wait_until (nothing_waits, socket, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpmem (socket->written->data, 2, "\x89\x04", 2);
}

/* Skip Pongs: libsoup's pong is swallowed whole, as if written, whatever
 * pieces it comes in; its other frames pass, and pongs pass again once off. */
static void
test_skip_pongs (void)
{
  static const guint8 pong[] = { 0x8a, 0x04, 'p', 'o', 'n', 'g' };
  g_autoptr(TestChunkyStream) socket = g_object_new (TEST_TYPE_CHUNKY_STREAM, NULL);
  g_autoptr(GOutputStream) metered = NULL;
  g_autoptr(GByteArray) text = text_frame (130);
  g_autofree char *opcodes = NULL;
  GPollableOutputStream *out;
  gsize done = 0;

  socket->chunk = 5;
  metered = lab_metered_output_stream_new (G_OUTPUT_STREAM (socket));
  out = G_POLLABLE_OUTPUT_STREAM (metered);
  lab_metered_output_stream_set_skip_pongs (LAB_METERED_OUTPUT_STREAM (metered), TRUE);

  g_assert_cmpint (write_some (out, pong, 4), ==, 4);
  g_assert_cmpint (write_some (out, pong + 4, 2), ==, 2);
  g_assert_cmpuint (socket->written->len, ==, 0);
  while (done < text->len)
    done += write_some (out, text->data + done, text->len - done);

  lab_metered_output_stream_set_skip_pongs (LAB_METERED_OUTPUT_STREAM (metered), FALSE);
  for (done = 0; done < sizeof pong; )
    done += write_some (out, pong + done, sizeof pong - done);

  opcodes = opcodes_of (socket->written);
  g_assert_cmpstr (opcodes, ==, "1,10");
}

/* Raw frames of our own (a fragmented message) wait for the end of the frame
 * libsoup is writing, and go out back to back. */
static void
test_raw_frames_at_boundary (void)
{
  g_autoptr(TestChunkyStream) socket = g_object_new (TEST_TYPE_CHUNKY_STREAM, NULL);
  g_autoptr(GOutputStream) metered = NULL;
  g_autoptr(GByteArray) first = text_frame (200);
  g_autofree char *opcodes = NULL;
  GPollableOutputStream *out;
  gsize done = 0;

  socket->chunk = 7;
  metered = lab_metered_output_stream_new (G_OUTPUT_STREAM (socket));
  out = G_POLLABLE_OUTPUT_STREAM (metered);

  done += write_some (out, first->data, first->len);
  lab_metered_output_stream_send_frame (LAB_METERED_OUTPUT_STREAM (metered), 0x01, FALSE,
                                        (const guint8 *) "xxx", 3);
  lab_metered_output_stream_send_frame (LAB_METERED_OUTPUT_STREAM (metered), 0x80, FALSE,
                                        (const guint8 *) "xx", 2);
  while (done < first->len)
    done += write_some (out, first->data + done, first->len - done);
  done = 0;
  while (done < first->len)
    done += write_some (out, first->data + done, first->len - done);

  opcodes = opcodes_of (socket->written);
  g_assert_cmpstr (opcodes, ==, "1,1,0,1");
  /* FIN = 0 on the first fragment, FIN = 1 on the last */
  g_assert_cmpuint (socket->written->data[204], ==, 0x01);
  g_assert_cmpuint (socket->written->data[209], ==, 0x80);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/metered-output/ping-waits-for-frame-end", test_ping_waits_for_frame_end);
  g_test_add_func ("/metered-output/ping-when-idle-and-full", test_ping_when_idle_and_full);
  g_test_add_func ("/metered-output/skip-pongs", test_skip_pongs);
  g_test_add_func ("/metered-output/raw-frames-at-boundary", test_raw_frames_at_boundary);

  return g_test_run ();
}
