/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-frame.h"
#include "lab-frame-meter.h"
#include "lab-fuzz.h"
#include "lab-json-strict.h"

/* The frame meter on arbitrary bytes, driven as the metered streams drive it:
 * scanning what goes out, filtering in place what comes in (the read lands
 * LAB_FRAME_METER_MAX_HEADER bytes into the buffer), in one piece and in small
 * ones, with capture off, on, or turned on or off halfway. Each captured frame
 * becomes a LabFrame, as the Inspector's does, and is formatted every way the
 * window and the export show it. Whatever the bytes, the result may not depend
 * on how they were split, and without a limit the filter passes everything. */

typedef enum
{
  CAPTURE_OFF,
  CAPTURE_ON,
  CAPTURE_ON_HALFWAY,
  CAPTURE_OFF_HALFWAY,
  N_CAPTURE_MODES,
} CaptureMode;

typedef struct
{
  LabFrameDirection direction;
  guint64           n_frames;
  /* Formatting a frame costs more than metering it: one run in each
   * direction does it. */
  gboolean          format;
} Capture;

typedef struct
{
  guint64 data_bytes;
  guint64 n_frames;
  gsize   passed;
  guint   held;
} Outcome;

static void
check_frame (LabFrame *frame)
{
  GBytes *wire = lab_frame_get_payload_wire (frame);
  g_autoptr(GBytes) plain = lab_frame_dup_payload (frame);
  g_autofree char *hex = lab_frame_dup_payload_hex (frame, FALSE);
  g_autofree char *hex_plain = lab_frame_dup_payload_hex (frame, TRUE);
  g_autofree char *text = lab_frame_dup_payload_text (frame);
  g_autofree char *line = lab_frame_dup_payload_line (frame, 40);
  g_autofree char *json = lab_frame_to_json (frame);
  g_autofree char *description = lab_frame_describe (frame, 60);
  g_autofree char *reason = NULL;
  gushort code;

  g_assert_cmpuint (g_bytes_get_size (wire), ==, g_bytes_get_size (plain));
  g_assert_cmpuint (g_bytes_get_size (wire), <=, lab_frame_get_payload_length (frame));
  g_assert_cmpuint (g_bytes_get_size (wire), <=, LAB_FRAME_METER_CAPTURE_MAX);
  g_assert_nonnull (hex);
  g_assert_nonnull (hex_plain);
  g_assert_cmpuint (strlen (hex), ==, strlen (hex_plain));
  g_assert_nonnull (lab_frame_get_opcode_name (frame));
  g_assert_nonnull (description);
  g_assert_true (text == NULL || g_utf8_validate (text, -1, NULL));
  g_assert_true (line == NULL || g_utf8_validate (line, -1, NULL));
  g_assert_true (g_utf8_validate (description, -1, NULL));

  /* The export's lines are JSON by RFC 8259: another tool reads them. */
  g_assert_nonnull (json);
  g_assert_true (lab_json_strict_check (json, strlen (json), NULL));

  if (lab_frame_get_close (frame, &code, &reason))
    g_assert_true (g_utf8_validate (reason, -1, NULL));

  (void) lab_frame_is_truncated (frame);
  (void) lab_frame_is_control (frame);
  (void) lab_frame_get_length_bits (frame);
}

static void
capture_cb (const guint8 *header,
            guint         header_size,
            const guint8 *payload,
            gsize         payload_kept,
            gpointer      user_data)
{
  Capture *capture = user_data;
  g_autoptr(LabFrame) frame = NULL;

  g_assert_cmpuint (header_size, >=, 2);
  g_assert_cmpuint (header_size, <=, LAB_FRAME_METER_MAX_HEADER);
  g_assert_cmpuint (payload_kept, <=, LAB_FRAME_METER_CAPTURE_MAX);
  g_assert_true (payload_kept == 0 || payload != NULL);

  frame = lab_frame_new_from_wire (capture->direction, 1, capture->n_frames++,
                                   G_GINT64_CONSTANT (1700000000123456),
                                   header, header_size, payload, payload_kept);
  if (capture->format)
    check_frame (frame);
}

static Outcome
run (const guint8 *data,
     gsize         size,
     gboolean      filter,
     guint64       limit,
     CaptureMode   capture_mode,
     gsize         piece,
     gboolean      format)
{
  LabFrameMeter meter;
  Capture capture = { filter ? LAB_FRAME_CLIENT_TO_SERVER : LAB_FRAME_SERVER_TO_CLIENT, 0, format };
  g_autoptr(GByteArray) passed = g_byte_array_new ();
  /* One buffer for every piece, each read landing at its very end, as
   * lab-metered-input-stream.c reads behind room for a header: ASan sees any
   * access past the piece. */
  g_autofree guint8 *buffer = g_malloc (LAB_FRAME_METER_MAX_HEADER + piece);
  gboolean halfway_done = FALSE;
  Outcome outcome;

  lab_frame_meter_init (&meter, limit);
  if (capture_mode == CAPTURE_ON || capture_mode == CAPTURE_OFF_HALFWAY)
    lab_frame_meter_set_capture (&meter, capture_cb, &capture);

  for (gsize offset = 0; offset < size; offset += piece)
    {
      gsize n = MIN (piece, size - offset);
      guint8 *in = buffer + LAB_FRAME_METER_MAX_HEADER + piece - n;

      if (!halfway_done && offset >= size / 2)
        {
          if (capture_mode == CAPTURE_ON_HALFWAY)
            lab_frame_meter_set_capture (&meter, capture_cb, &capture);
          else if (capture_mode == CAPTURE_OFF_HALFWAY)
            lab_frame_meter_set_capture (&meter, NULL, NULL);
          halfway_done = TRUE;
        }

      memcpy (in, data + offset, n);
      if (filter)
        {
          guint8 *out = in - LAB_FRAME_METER_MAX_HEADER;
          gsize kept = lab_frame_meter_filter (&meter, in, n, out);

          g_assert_cmpuint (kept, <=, n + LAB_FRAME_METER_MAX_HEADER);
          g_byte_array_append (passed, out, kept);
        }
      else
        lab_frame_meter_scan (&meter, in, n);
    }

  g_assert_cmpuint (meter.header_have, <, LAB_FRAME_METER_MAX_HEADER);
  g_assert_true (!meter.in_payload || meter.header_have == 0);

  if (filter)
    {
      g_assert_cmpuint (passed->len, <=, size);
      /* Nothing is dropped under the limit: the bytes pass unchanged, but
       * for a header not yet whole at the end. */
      if (!meter.over_limit)
        {
          g_assert_cmpuint (passed->len, ==, size - meter.header_have);
          g_assert_true (passed->len == 0 || memcmp (passed->data, data, passed->len) == 0);
        }
    }

  if (limit == 0)
    g_assert_false (meter.over_limit);
  else if (!meter.over_limit)
    g_assert_cmpuint (meter.message_payload, <=, limit);

  outcome.data_bytes = meter.data_bytes;
  outcome.n_frames = capture.n_frames;
  outcome.passed = passed->len;
  outcome.held = meter.header_have;

  lab_frame_meter_clear (&meter);
  g_assert_null (meter.capture_payload);

  return outcome;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  /* From the input itself, so each input always runs the same way. */
  gsize small_piece = 1 + (size > 0 ? data[size - 1] % 7 : 0);
  guint64 small_limit = size > 0 ? data[0] : 0;

  if (!initialized)
    {
      lab_fuzz_init ();
      initialized = TRUE;
    }

  for (int filter = 0; filter <= 1; filter++)
    {
      Outcome whole = run (data, size, filter, 0, CAPTURE_ON, MAX (size, 1), TRUE);
      Outcome pieces = run (data, size, filter, 0, CAPTURE_ON, small_piece, FALSE);

      /* How the bytes arrive changes nothing. */
      g_assert_cmpuint (whole.data_bytes, ==, pieces.data_bytes);
      g_assert_cmpuint (whole.n_frames, ==, pieces.n_frames);
      g_assert_cmpuint (whole.passed, ==, pieces.passed);
      g_assert_cmpuint (whole.held, ==, pieces.held);

      for (CaptureMode mode = CAPTURE_OFF; mode < N_CAPTURE_MODES; mode++)
        {
          Outcome other = run (data, size, filter, 0, mode, small_piece, FALSE);

          /* Capture only watches. */
          g_assert_cmpuint (other.data_bytes, ==, whole.data_bytes);
          g_assert_cmpuint (other.passed, ==, whole.passed);
          if (mode == CAPTURE_OFF)
            g_assert_cmpuint (other.n_frames, ==, 0);
          else
            g_assert_cmpuint (other.n_frames, <=, whole.n_frames);
        }
    }

  /* With a limit, the incoming side drops what goes over it; the server's
   * own limit and one small enough for a fragment or two. */
  run (data, size, TRUE, 4096, CAPTURE_ON, small_piece, FALSE);
  run (data, size, TRUE, small_limit, CAPTURE_ON_HALFWAY, small_piece, FALSE);
  run (data, size, TRUE, small_limit, CAPTURE_OFF, MAX (size, 1), FALSE);

  return 0;
}
