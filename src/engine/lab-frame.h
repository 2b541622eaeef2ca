/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  LAB_FRAME_CLIENT_TO_SERVER,
  LAB_FRAME_SERVER_TO_CLIENT,
} LabFrameDirection;

/* Which field carried the payload length (RFC 6455, section 5.2). */
typedef enum
{
  LAB_FRAME_LENGTH_7_BIT,
  LAB_FRAME_LENGTH_16_BIT,
  LAB_FRAME_LENGTH_64_BIT,
} LabFrameLengthEncoding;

#define LAB_TYPE_FRAME (lab_frame_get_type ())

G_DECLARE_FINAL_TYPE (LabFrame, lab_frame, LAB, FRAME, GObject)

LabFrame              *lab_frame_new_from_wire      (LabFrameDirection  direction,
                                                     guint              connection_id,
                                                     guint64            message_index,
                                                     gint64             time,
                                                     const guint8      *header,
                                                     guint              header_size,
                                                     const guint8      *payload,
                                                     gsize              payload_kept);
gint64                 lab_frame_get_time           (LabFrame          *self);
LabFrameDirection      lab_frame_get_direction      (LabFrame          *self);
guint                  lab_frame_get_connection_id  (LabFrame          *self);
guint64                lab_frame_get_message_index  (LabFrame          *self);
gboolean               lab_frame_get_fin            (LabFrame          *self);
gboolean               lab_frame_get_rsv1           (LabFrame          *self);
gboolean               lab_frame_get_rsv2           (LabFrame          *self);
gboolean               lab_frame_get_rsv3           (LabFrame          *self);
guint8                 lab_frame_get_opcode         (LabFrame          *self);
const char            *lab_frame_get_opcode_name    (LabFrame          *self);
gboolean               lab_frame_get_masked         (LabFrame          *self);
const guint8          *lab_frame_get_masking_key    (LabFrame          *self);
guint64                lab_frame_get_payload_length (LabFrame          *self);
LabFrameLengthEncoding lab_frame_get_length_encoding (LabFrame         *self);
guint                  lab_frame_get_length_bits    (LabFrame          *self);
gboolean               lab_frame_is_truncated       (LabFrame          *self);
gboolean               lab_frame_is_control         (LabFrame          *self);
GBytes                *lab_frame_get_payload_wire   (LabFrame          *self);
GBytes                *lab_frame_dup_payload        (LabFrame          *self);
char                  *lab_frame_dup_payload_hex    (LabFrame          *self,
                                                     gboolean           unmasked);
char                  *lab_frame_dup_payload_text   (LabFrame          *self);
char                  *lab_frame_dup_payload_line   (LabFrame          *self,
                                                     guint              max_chars);
gboolean               lab_frame_get_close          (LabFrame          *self,
                                                     gushort           *code,
                                                     char             **reason);
char                  *lab_frame_to_json            (LabFrame          *self);
char                  *lab_frame_describe           (LabFrame          *self,
                                                     guint              max_text);
const char            *lab_frame_opcode_name        (guint8             opcode);
gboolean               lab_frames_write_json_lines  (GListModel        *frames,
                                                     GOutputStream     *stream,
                                                     GCancellable      *cancellable,
                                                     GError           **error);

G_END_DECLS
