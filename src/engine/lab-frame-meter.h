/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Follows WebSocket frame headers in a byte stream as it passes, without
 * buffering it: it counts the bytes of data frames (for the buffered amount of
 * the outgoing side) and the payload of the message in progress (for a total
 * message cap on the incoming side, which libsoup 3.2 checks per frame only). */
/* 2 bytes, 8 of extended length, 4 of masking key. */
#define LAB_FRAME_METER_MAX_HEADER 14

/* Payload bytes kept per captured frame: enough for any message the server
 * accepts (4 KiB) and any control frame; the true length is kept apart. */
#define LAB_FRAME_METER_CAPTURE_MAX 4096

/* Called once a frame has passed whole, with its header and the first
 * LAB_FRAME_METER_CAPTURE_MAX bytes of its payload as they were on the wire. */
typedef void (*LabFrameMeterCaptureFunc) (const guint8 *header,
                                          guint         header_size,
                                          const guint8 *payload,
                                          gsize         payload_kept,
                                          gpointer      user_data);

/* RSV bits set (no extension is ever agreed here); a frame without a mask */
#define LAB_FRAME_METER_BROKE_RSV      (1 << 0)
#define LAB_FRAME_METER_BROKE_UNMASKED (1 << 1)

typedef struct
{
  guint8    header[LAB_FRAME_METER_MAX_HEADER];
  guint     header_have;
  guint     header_size;
  guint64   payload_left;
  guint8    opcode;
  guint     in_payload : 1;
  guint     dropping : 1;
  guint     over_limit : 1;

  /* Rules of RFC 6455 the frames so far broke: LAB_FRAME_METER_BROKE_* */
  guint8    broke;

  guint64   data_bytes;
  guint64   message_payload;
  guint64   message_limit;

  /* Capture: all NULL while off, so a frame costs no allocation then. */
  LabFrameMeterCaptureFunc capture_func;
  gpointer                 capture_data;
  guint8                  *capture_payload;
  gsize                    capture_have;
} LabFrameMeter;

void  lab_frame_meter_init   (LabFrameMeter *meter,
                              guint64        message_limit);
void  lab_frame_meter_scan   (LabFrameMeter *meter,
                              const guint8  *buffer,
                              gsize          length);
gsize lab_frame_meter_filter (LabFrameMeter *meter,
                              const guint8  *in,
                              gsize          length,
                              guint8        *out);
void  lab_frame_meter_set_capture (LabFrameMeter            *meter,
                                   LabFrameMeterCaptureFunc  func,
                                   gpointer                  user_data);
void  lab_frame_meter_clear  (LabFrameMeter *meter);

G_END_DECLS
