/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-frame-meter"

#include "config.h"

#include <string.h>

#include "lab-frame-meter.h"

#define OPCODE_CONTINUATION 0x0
#define OPCODE_FIRST_CONTROL 0x8

void
lab_frame_meter_init (LabFrameMeter *meter,
                      guint64        message_limit)
{
  g_return_if_fail (meter != NULL);

  memset (meter, 0, sizeof *meter);
  meter->message_limit = message_limit;
}

static inline gboolean
is_data_frame (const LabFrameMeter *meter)
{
  return meter->opcode < OPCODE_FIRST_CONTROL;
}

static guint
header_size_for (guint8 second_byte)
{
  guint length7 = second_byte & 0x7f;
  guint size = 2;

  if (length7 == 126)
    size += 2;
  else if (length7 == 127)
    size += 8;

  if (second_byte & 0x80)
    size += 4;  /* masking key */

  return size;
}

static guint64
payload_length_of (const guint8 *header)
{
  guint length7 = header[1] & 0x7f;
  guint64 length = 0;
  guint extra;

  if (length7 < 126)
    return length7;

  extra = length7 == 126 ? 2 : 8;
  for (guint i = 0; i < extra; i++)
    length = (length << 8) | header[2 + i];

  return length;
}

static void
capture_frame_end (LabFrameMeter *meter)
{
  if (meter->capture_func != NULL)
    meter->capture_func (meter->header, meter->header_size,
                         meter->capture_payload, meter->capture_have,
                         meter->capture_data);
}

/* Decides, once a header is whole, whether its frame passes. */
static void
frame_header_complete (LabFrameMeter *meter)
{
  guint64 payload = payload_length_of (meter->header);

  meter->header_have = 0;
  meter->payload_left = payload;
  meter->in_payload = payload > 0;
  meter->dropping = FALSE;
  meter->capture_have = 0;
  if (meter->header[0] & 0x70)
    meter->broke |= LAB_FRAME_METER_BROKE_RSV;
  if (!(meter->header[1] & 0x80))
    meter->broke |= LAB_FRAME_METER_BROKE_UNMASKED;

  if (!is_data_frame (meter))
    return;

  /* Once a message went over the limit, no data frame passes again: the
   * connection is closing, and the reader must never buffer the rest. */
  if (!meter->over_limit)
    {
      guint64 total = meter->opcode == OPCODE_CONTINUATION ? meter->message_payload : 0;

      total += payload;
      if (meter->message_limit > 0 && total > meter->message_limit)
        meter->over_limit = TRUE;
      else
        meter->message_payload = total;
    }

  meter->dropping = meter->over_limit;
  if (!meter->dropping)
    meter->data_bytes += meter->header_size;
}

/* Header bytes are held in @meter until the header is whole, then written to
 * @out if their frame passes, so @out may run up to LAB_FRAME_METER_MAX_HEADER
 * bytes ahead of @in: callers filtering in place leave that much room before
 * @in. @out may be NULL to only count. */
static gsize
run (LabFrameMeter *meter,
     const guint8  *in,
     gsize          length,
     guint8        *out)
{
  gsize pos = 0;
  gsize kept = 0;

  while (pos < length)
    {
      if (!meter->in_payload)
        {
          meter->header[meter->header_have++] = in[pos++];

          if (meter->header_have == 1)
            {
              meter->opcode = meter->header[0] & 0x0f;
              meter->header_size = 0;
            }
          else if (meter->header_have == 2)
            meter->header_size = header_size_for (meter->header[1]);

          if (meter->header_size > 0 && meter->header_have == meter->header_size)
            {
              guint size = meter->header_size;

              frame_header_complete (meter);
              if (!meter->dropping)
                {
                  if (out != NULL)
                    memcpy (out + kept, meter->header, size);
                  kept += size;
                }
              /* The header stays in meter->header until the next one starts. */
              if (!meter->in_payload)
                capture_frame_end (meter);
            }
        }
      else
        {
          gsize n = MIN (meter->payload_left, length - pos);

          /* Before the bytes move: @out may overlap @in. Dropped frames are
           * captured too, as the peer sent them. */
          if (meter->capture_payload != NULL && meter->capture_have < LAB_FRAME_METER_CAPTURE_MAX)
            {
              gsize keep = MIN (n, LAB_FRAME_METER_CAPTURE_MAX - meter->capture_have);

              memcpy (meter->capture_payload + meter->capture_have, in + pos, keep);
              meter->capture_have += keep;
            }

          if (!meter->dropping)
            {
              if (out != NULL && out + kept != in + pos)
                memmove (out + kept, in + pos, n);
              kept += n;
              if (is_data_frame (meter))
                meter->data_bytes += n;
            }

          pos += n;
          meter->payload_left -= n;
          if (meter->payload_left == 0)
            {
              meter->in_payload = FALSE;
              capture_frame_end (meter);
            }
        }
    }

  return kept;
}

/**
 * lab_frame_meter_scan:
 *
 * Counts frames passing by, unchanged (the outgoing side).
 */
void
lab_frame_meter_scan (LabFrameMeter *meter,
                      const guint8  *buffer,
                      gsize          length)
{
  g_return_if_fail (meter != NULL);

  run (meter, buffer, length, NULL);
}

/**
 * lab_frame_meter_filter:
 * @in: bytes read
 * @length: how many
 * @out: where the bytes that pass go: @in itself, or at least
 *   %LAB_FRAME_METER_MAX_HEADER bytes before it in the same buffer
 *
 * Counts frames passing by and removes the data frames of a message that goes
 * over the limit, and every data frame after it, so that the connection's
 * reader never buffers them while the close handshake happens; control frames
 * (the peer's close among them) still pass.
 *
 * Returns: the number of bytes written to @out
 */
gsize
lab_frame_meter_filter (LabFrameMeter *meter,
                        const guint8  *in,
                        gsize          length,
                        guint8        *out)
{
  g_return_val_if_fail (meter != NULL, 0);
  g_return_val_if_fail (out != NULL, 0);

  return run (meter, in, length, out);
}

/**
 * lab_frame_meter_set_capture:
 * @func: (nullable): called for each whole frame from now on, or %NULL to stop
 *
 * The buffer for captured payloads exists only while capture is on. A frame
 * under way when capture starts is reported with the bytes seen since.
 */
void
lab_frame_meter_set_capture (LabFrameMeter            *meter,
                             LabFrameMeterCaptureFunc  func,
                             gpointer                  user_data)
{
  g_return_if_fail (meter != NULL);

  meter->capture_func = func;
  meter->capture_data = user_data;
  if (func != NULL && meter->capture_payload == NULL)
    meter->capture_payload = g_malloc (LAB_FRAME_METER_CAPTURE_MAX);
  else if (func == NULL)
    g_clear_pointer (&meter->capture_payload, g_free);
  meter->capture_have = 0;
}

/* Frees what capture holds. */
void
lab_frame_meter_clear (LabFrameMeter *meter)
{
  g_return_if_fail (meter != NULL);

  lab_frame_meter_set_capture (meter, NULL, NULL);
}
