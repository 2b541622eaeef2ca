/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-frame-meter.h"
#include "lab-test-utils.h"

/* The meter sees the bytes of a connection in arbitrary pieces: whatever the
 * split, it must count the same and drop exactly the frames over the limit. */

#define OP_CONTINUATION 0x0
#define OP_TEXT 0x1
#define OP_CLOSE 0x8
#define OP_PING 0x9

static void
append_frame (GByteArray *stream,
              guint8      opcode,
              gboolean    fin,
              gboolean    masked,
              gsize       length)
{
  guint8 first = (fin ? 0x80 : 0) | opcode;
  guint8 mask_bit = masked ? 0x80 : 0;

  g_byte_array_append (stream, &first, 1);

  if (length < 126)
    {
      guint8 b = mask_bit | length;
      g_byte_array_append (stream, &b, 1);
    }
  else if (length <= G_MAXUINT16)
    {
      guint8 b[3] = { mask_bit | 126, length >> 8, length & 0xff };
      g_byte_array_append (stream, b, 3);
    }
  else
    {
      guint8 b[9] = { mask_bit | 127 };
      for (int i = 0; i < 8; i++)
        b[8 - i] = ((guint64) length >> (8 * i)) & 0xff;
      g_byte_array_append (stream, b, 9);
    }

  if (masked)
    {
      static const guint8 key[4] = { 1, 2, 3, 4 };
      g_byte_array_append (stream, key, 4);
    }

  for (gsize i = 0; i < length; i++)
    {
      guint8 b = 'a' + i % 26;
      g_byte_array_append (stream, &b, 1);
    }
}

/* Feeds @stream in pieces of @piece bytes, filtering in place with room for a
 * header before each piece, as the metered input stream does. */
static GByteArray *
filter_in_pieces (LabFrameMeter *meter,
                  GByteArray    *stream,
                  gsize          piece)
{
  GByteArray *out = g_byte_array_new ();

  for (gsize pos = 0; pos < stream->len; pos += piece)
    {
      gsize n = MIN (piece, stream->len - pos);
      g_autofree guint8 *buffer = g_malloc (n + LAB_FRAME_METER_MAX_HEADER);
      gsize kept;

      memcpy (buffer + LAB_FRAME_METER_MAX_HEADER, stream->data + pos, n);
      kept = lab_frame_meter_filter (meter, buffer + LAB_FRAME_METER_MAX_HEADER, n, buffer);
      g_byte_array_append (out, buffer, kept);
    }

  return out;
}

static void
test_counts_data_frames_only (void)
{
  static const gsize pieces[] = { 1, 2, 3, 7, 64, 100000 };
  g_autoptr(GByteArray) stream = g_byte_array_new ();

  append_frame (stream, OP_TEXT, TRUE, FALSE, 10);        /* 2 + 10 */
  append_frame (stream, OP_PING, TRUE, FALSE, 4);         /* not data */
  append_frame (stream, OP_TEXT, TRUE, FALSE, 300);       /* 4 + 300 */
  append_frame (stream, OP_TEXT, TRUE, FALSE, 70000);     /* 10 + 70000 */
  append_frame (stream, OP_CLOSE, TRUE, FALSE, 2);        /* not data */

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      LabFrameMeter meter;

      lab_frame_meter_init (&meter, 0);
      for (gsize pos = 0; pos < stream->len; pos += pieces[i])
        lab_frame_meter_scan (&meter, stream->data + pos, MIN (pieces[i], stream->len - pos));

      g_assert_cmpuint (meter.data_bytes, ==, 12 + 304 + 70010);
      g_assert_false (meter.over_limit);
    }
}

static void
test_passes_messages_within_limit (void)
{
  g_autoptr(GByteArray) stream = g_byte_array_new ();

  /* 4096 in one frame, then 4096 as four fragments with a ping between. */
  append_frame (stream, OP_TEXT, TRUE, TRUE, 4096);
  append_frame (stream, OP_TEXT, FALSE, TRUE, 1024);
  append_frame (stream, OP_CONTINUATION, FALSE, TRUE, 1024);
  append_frame (stream, OP_PING, TRUE, TRUE, 10);
  append_frame (stream, OP_CONTINUATION, FALSE, TRUE, 1024);
  append_frame (stream, OP_CONTINUATION, TRUE, TRUE, 1024);

  for (gsize piece = 1; piece < 40; piece += 6)
    {
      LabFrameMeter meter;
      g_autoptr(GByteArray) out = NULL;

      lab_frame_meter_init (&meter, 4096);
      out = filter_in_pieces (&meter, stream, piece);

      g_assert_false (meter.over_limit);
      g_assert_cmpmem (out->data, out->len, stream->data, stream->len);
    }
}

static void
test_drops_fragments_over_limit (void)
{
  g_autoptr(GByteArray) allowed = g_byte_array_new ();
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GByteArray) close = g_byte_array_new ();

  /* 1 MiB in 1 KiB fragments: the first four (4 KiB) pass, the rest never
   * reach the reader; the control frames between them still do. */
  for (guint i = 0; i < 1024; i++)
    {
      append_frame (stream, i == 0 ? OP_TEXT : OP_CONTINUATION, i == 1023, TRUE, 1024);
      if (i < 4)
        append_frame (allowed, i == 0 ? OP_TEXT : OP_CONTINUATION, FALSE, TRUE, 1024);
    }
  append_frame (close, OP_CLOSE, TRUE, TRUE, 2);
  g_byte_array_append (stream, close->data, close->len);
  g_byte_array_append (allowed, close->data, close->len);

  for (gsize piece = 1; piece <= 4096; piece *= 4)
    {
      LabFrameMeter meter;
      g_autoptr(GByteArray) out = NULL;

      lab_frame_meter_init (&meter, 4096);
      out = filter_in_pieces (&meter, stream, piece + 3);

      g_assert_true (meter.over_limit);
      g_assert_cmpmem (out->data, out->len, allowed->data, allowed->len);
    }
}

static void
test_drops_single_frame_over_limit (void)
{
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  LabFrameMeter meter;
  g_autoptr(GByteArray) out = NULL;

  append_frame (stream, OP_TEXT, TRUE, TRUE, 20);
  append_frame (expected, OP_TEXT, TRUE, TRUE, 20);
  append_frame (stream, OP_TEXT, TRUE, TRUE, 4097);
  append_frame (stream, OP_TEXT, TRUE, TRUE, 5);        /* after the limit: dropped too */
  append_frame (stream, OP_PING, TRUE, TRUE, 1);
  append_frame (expected, OP_PING, TRUE, TRUE, 1);

  lab_frame_meter_init (&meter, 4096);
  out = filter_in_pieces (&meter, stream, 5);

  g_assert_true (meter.over_limit);
  g_assert_cmpmem (out->data, out->len, expected->data, expected->len);
}

typedef struct
{
  guint   frames;
  guint   header_sizes;
  guint64 kept;
  guint8  last_payload_first;
} Captured;

static void
count_capture_cb (const guint8 *header,
                  guint         header_size,
                  const guint8 *payload,
                  gsize         payload_kept,
                  gpointer      user_data)
{
  Captured *captured = user_data;

  captured->frames++;
  captured->header_sizes += header_size;
  captured->kept += payload_kept;
  if (payload_kept > 0)
    captured->last_payload_first = payload[0];
}

/* Whatever the split, each frame is reported once, whole, also one that is
 * dropped for going over the limit; payloads are kept up to the bound. */
static void
test_captures_whole_frames (void)
{
  static const gsize pieces[] = { 1, 2, 3, 7, 64, 100000 };
  g_autoptr(GByteArray) stream = g_byte_array_new ();

  append_frame (stream, OP_TEXT, TRUE, TRUE, 10);         /* 2 + 4 + 10 */
  append_frame (stream, OP_PING, TRUE, TRUE, 0);          /* 2 + 4 */
  append_frame (stream, OP_TEXT, TRUE, TRUE, 300);        /* 4 + 4 + 300 */
  append_frame (stream, OP_TEXT, TRUE, TRUE, 70000);      /* 10 + 4 + 4096 kept, dropped */
  append_frame (stream, OP_CLOSE, TRUE, TRUE, 2);         /* 2 + 4 + 2 */

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      LabFrameMeter meter;
      Captured captured = { 0 };
      g_autoptr(GByteArray) out = NULL;

      lab_frame_meter_init (&meter, 4096);
      lab_frame_meter_set_capture (&meter, count_capture_cb, &captured);
      out = filter_in_pieces (&meter, stream, pieces[i]);

      g_assert_cmpuint (captured.frames, ==, 5);
      g_assert_cmpuint (captured.header_sizes, ==, 6 + 6 + 8 + 14 + 6);
      g_assert_cmpuint (captured.kept, ==, 10 + 300 + LAB_FRAME_METER_CAPTURE_MAX + 2);
      /* As on the wire: the helper writes the payload unmasked. */
      g_assert_cmpuint (captured.last_payload_first, ==, 'a');
      lab_frame_meter_clear (&meter);
    }
}

/* The rules a peer's frames broke, for a server to name: RSV1 with no
 * extension, and a frame without a mask. */
static void
test_notes_broken_rules (void)
{
  static const guint8 masked_text[] = { 0x81, 0x80, 1, 2, 3, 4 };
  static const guint8 rsv1[] = { 0xc1, 0x80, 1, 2, 3, 4 };
  static const guint8 unmasked[] = { 0x81, 0x00 };
  LabFrameMeter meter;

  lab_frame_meter_init (&meter, 0);
  lab_frame_meter_scan (&meter, masked_text, sizeof masked_text);
  g_assert_cmpuint (meter.broke, ==, 0);
  lab_frame_meter_scan (&meter, rsv1, sizeof rsv1);
  g_assert_cmpuint (meter.broke, ==, LAB_FRAME_METER_BROKE_RSV);
  lab_frame_meter_scan (&meter, unmasked, sizeof unmasked);
  g_assert_cmpuint (meter.broke, ==, LAB_FRAME_METER_BROKE_RSV | LAB_FRAME_METER_BROKE_UNMASKED);
  lab_frame_meter_clear (&meter);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/frame-meter/counts-data-frames-only", test_counts_data_frames_only);
  g_test_add_func ("/frame-meter/passes-messages-within-limit", test_passes_messages_within_limit);
  g_test_add_func ("/frame-meter/drops-fragments-over-limit", test_drops_fragments_over_limit);
  g_test_add_func ("/frame-meter/drops-single-frame-over-limit", test_drops_single_frame_over_limit);
  g_test_add_func ("/frame-meter/captures-whole-frames", test_captures_whole_frames);
  g_test_add_func ("/frame-meter/notes-broken-rules", test_notes_broken_rules);

  return g_test_run ();
}
