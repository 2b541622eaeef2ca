/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-frame"

#include "config.h"

#include <string.h>

#include "lab-frame-meter.h"
#include "lab-frame-private.h"

/* One WebSocket frame as it crossed the wire, every header field kept, with
 * the payload's first LAB_FRAME_METER_CAPTURE_MAX bytes as sent (masked, for
 * a client's frame). Immutable. */

#define OPCODE_CONTINUATION 0x0
#define OPCODE_TEXT 0x1
#define OPCODE_CLOSE 0x8
#define OPCODE_FIRST_CONTROL 0x8

struct _LabFrame
{
  GObject                parent_instance;

  GBytes                *payload;      /* as on the wire */
  gint64                 time;         /* real time, µs */
  guint64                payload_length;
  guint64                message_index;
  guint                  connection_id;
  LabFrameDirection      direction;
  LabFrameLengthEncoding length_encoding;
  guint8                 opcode;
  guint8                 masking_key[4];
  guint                  fin : 1;
  guint                  rsv1 : 1;
  guint                  rsv2 : 1;
  guint                  rsv3 : 1;
  guint                  masked : 1;
};

G_DEFINE_FINAL_TYPE (LabFrame, lab_frame, G_TYPE_OBJECT)

/* A count for tests, which compare it before and after: wrapping is harmless. */
static gint n_created;

static void
lab_frame_finalize (GObject *object)
{
  LabFrame *self = LAB_FRAME (object);

  g_clear_pointer (&self->payload, g_bytes_unref);

  G_OBJECT_CLASS (lab_frame_parent_class)->finalize (object);
}

static void
lab_frame_class_init (LabFrameClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_frame_finalize;
}

static void
lab_frame_init (LabFrame *self)
{
  g_atomic_int_inc (&n_created);
}

guint64
_lab_frame_get_n_created (void)
{
  return (guint) g_atomic_int_get (&n_created);
}

/**
 * lab_frame_new_from_wire:
 * @header: the frame's header bytes, whole
 * @payload: (array length=payload_kept): the payload's first bytes, as sent
 *
 * Returns: (transfer full): the frame
 */
LabFrame *
lab_frame_new_from_wire (LabFrameDirection  direction,
                         guint              connection_id,
                         guint64            message_index,
                         gint64             time,
                         const guint8      *header,
                         guint              header_size,
                         const guint8      *payload,
                         gsize              payload_kept)
{
  LabFrame *self;
  guint length7;
  guint extra = 0;

  g_return_val_if_fail (header != NULL && header_size >= 2, NULL);

  self = g_object_new (LAB_TYPE_FRAME, NULL);
  self->direction = direction;
  self->connection_id = connection_id;
  self->message_index = message_index;
  self->time = time;
  self->fin = (header[0] & 0x80) != 0;
  self->rsv1 = (header[0] & 0x40) != 0;
  self->rsv2 = (header[0] & 0x20) != 0;
  self->rsv3 = (header[0] & 0x10) != 0;
  self->opcode = header[0] & 0x0f;
  self->masked = (header[1] & 0x80) != 0;

  length7 = header[1] & 0x7f;
  if (length7 < 126)
    {
      self->length_encoding = LAB_FRAME_LENGTH_7_BIT;
      self->payload_length = length7;
    }
  else
    {
      extra = length7 == 126 ? 2 : 8;
      self->length_encoding = length7 == 126 ? LAB_FRAME_LENGTH_16_BIT : LAB_FRAME_LENGTH_64_BIT;
      g_return_val_if_fail (header_size >= 2 + extra, self);
      for (guint i = 0; i < extra; i++)
        self->payload_length = (self->payload_length << 8) | header[2 + i];
    }

  if (self->masked && header_size >= 2 + extra + 4)
    memcpy (self->masking_key, header + 2 + extra, 4);

  /* Empty, g_bytes_new() holds NULL, and the payload is read as a string too. */
  if (MIN (payload_kept, self->payload_length) == 0)
    self->payload = g_bytes_new_static ("", 0);
  else
    self->payload = g_bytes_new (payload, MIN (payload_kept, self->payload_length));

  return self;
}

gint64
lab_frame_get_time (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), 0);
  return self->time;
}

LabFrameDirection
lab_frame_get_direction (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), 0);
  return self->direction;
}

guint
lab_frame_get_connection_id (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), 0);
  return self->connection_id;
}

/* Frames with the same direction and index are fragments of one message. */
guint64
lab_frame_get_message_index (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), 0);
  return self->message_index;
}

gboolean
lab_frame_get_fin (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), FALSE);
  return self->fin;
}

gboolean
lab_frame_get_rsv1 (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), FALSE);
  return self->rsv1;
}

gboolean
lab_frame_get_rsv2 (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), FALSE);
  return self->rsv2;
}

gboolean
lab_frame_get_rsv3 (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), FALSE);
  return self->rsv3;
}

guint8
lab_frame_get_opcode (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), 0);
  return self->opcode;
}

/* Names as RFC 6455 gives them; reserved ones say so. */
const char *
lab_frame_opcode_name (guint8 opcode)
{
  switch (opcode)
    {
    case 0x0: return "continuation";
    case 0x1: return "text";
    case 0x2: return "binary";
    case 0x8: return "close";
    case 0x9: return "ping";
    case 0xa: return "pong";
    default: return opcode < OPCODE_FIRST_CONTROL ? "reserved (data)" : "reserved (control)";
    }
}

const char *
lab_frame_get_opcode_name (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), NULL);
  return lab_frame_opcode_name (self->opcode);
}

gboolean
lab_frame_get_masked (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), FALSE);
  return self->masked;
}

/* Returns: (array fixed-size=4) (nullable): the key, or %NULL when unmasked */
const guint8 *
lab_frame_get_masking_key (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), NULL);
  return self->masked ? self->masking_key : NULL;
}

guint64
lab_frame_get_payload_length (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), 0);
  return self->payload_length;
}

LabFrameLengthEncoding
lab_frame_get_length_encoding (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), 0);
  return self->length_encoding;
}

/* 7, 16 or 64 */
guint
lab_frame_get_length_bits (LabFrame *self)
{
  static const guint bits[] = { 7, 16, 64 };

  g_return_val_if_fail (LAB_IS_FRAME (self), 0);
  return bits[self->length_encoding];
}

/* Whether only the payload's first bytes were kept. */
gboolean
lab_frame_is_truncated (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), FALSE);
  return g_bytes_get_size (self->payload) < self->payload_length;
}

gboolean
lab_frame_is_control (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), FALSE);
  return self->opcode >= OPCODE_FIRST_CONTROL;
}

/* Returns: (transfer none): the kept payload as it was on the wire */
GBytes *
lab_frame_get_payload_wire (LabFrame *self)
{
  g_return_val_if_fail (LAB_IS_FRAME (self), NULL);
  return self->payload;
}

/* Returns: (transfer full): the kept payload unmasked */
GBytes *
lab_frame_dup_payload (LabFrame *self)
{
  const guint8 *wire;
  guint8 *plain;
  gsize size;

  g_return_val_if_fail (LAB_IS_FRAME (self), NULL);

  if (!self->masked)
    return g_bytes_ref (self->payload);

  wire = g_bytes_get_data (self->payload, &size);
  plain = g_malloc (size + 1);
  for (gsize i = 0; i < size; i++)
    plain[i] = wire[i] ^ self->masking_key[i % 4];

  return g_bytes_new_take (plain, size);
}

static char *
hex_of (GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  GString *hex = g_string_sized_new (size * 3);

  for (gsize i = 0; i < size; i++)
    g_string_append_printf (hex, i == 0 ? "%02x" : " %02x", data[i]);

  return g_string_free (hex, FALSE);
}

/* The kept payload in hex, bytes apart: as on the wire, or unmasked. */
char *
lab_frame_dup_payload_hex (LabFrame *self,
                           gboolean  unmasked)
{
  g_autoptr(GBytes) plain = NULL;

  g_return_val_if_fail (LAB_IS_FRAME (self), NULL);

  if (!unmasked)
    return hex_of (self->payload);

  plain = lab_frame_dup_payload (self);
  return hex_of (plain);
}

/**
 * lab_frame_get_close:
 * @code: (out) (optional): the code, 1005 (none sent) if the payload is empty
 * @reason: (out) (optional) (transfer full): the reason, possibly empty
 *
 * Returns: whether this is a close frame
 */
gboolean
lab_frame_get_close (LabFrame  *self,
                     gushort   *code,
                     char     **reason)
{
  g_autoptr(GBytes) plain = NULL;
  const guint8 *data;
  gsize size;

  g_return_val_if_fail (LAB_IS_FRAME (self), FALSE);

  if (self->opcode != OPCODE_CLOSE)
    return FALSE;

  plain = lab_frame_dup_payload (self);
  data = g_bytes_get_data (plain, &size);

  if (code != NULL)
    *code = size >= 2 ? (data[0] << 8) | data[1] : 1005;
  if (reason != NULL)
    *reason = size > 2 ? g_utf8_make_valid ((const char *) data + 2, size - 2) : g_strdup ("");

  return TRUE;
}
