/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-frame-capture"

#include "config.h"

#include "lab-frame.h"
#include "lab-frame-capture.h"

#define OPCODE_CONTINUATION 0x0
#define OPCODE_FIRST_CONTROL 0x8

void
lab_frame_capture_init (LabFrameCapture        *capture,
                        guint                   connection_id,
                        LabFrameDirection       incoming,
                        LabMeteredInputStream  *input,
                        LabMeteredOutputStream *output)
{
  *capture = (LabFrameCapture) { 0 };
  capture->connection_id = connection_id;
  capture->incoming = incoming;
  capture->input = input;
  capture->output = output;
}

static void
stop_meters (LabFrameCapture *capture)
{
  if (capture->input != NULL)
    lab_metered_input_stream_set_capture (capture->input, NULL, NULL);
  if (capture->output != NULL)
    lab_metered_output_stream_set_capture (capture->output, NULL, NULL);
}

/* Leaves the rings to whoever still holds them: an Inspector may show the
 * frames of a connection that is gone. */
void
lab_frame_capture_clear (LabFrameCapture *capture)
{
  stop_meters (capture);
  capture->input = NULL;
  capture->output = NULL;
  capture->own = FALSE;
  g_clear_object (&capture->sink);
  g_clear_object (&capture->frames);
}

static guint64
message_index_for (LabFrameCapture    *capture,
                   LabFrameDirection  direction,
                   guint8             opcode)
{
  if (opcode >= OPCODE_FIRST_CONTROL)
    return capture->next_message[direction]++;
  if (opcode != OPCODE_CONTINUATION)
    capture->data_message[direction] = capture->next_message[direction]++;

  return capture->data_message[direction];
}

static void
capture_frame (LabFrameCapture    *capture,
               LabFrameDirection  direction,
               const guint8      *header,
               guint              header_size,
               const guint8      *payload,
               gsize              payload_kept)
{
  g_autoptr(LabFrame) frame = NULL;
  guint64 index = message_index_for (capture, direction, header[0] & 0x0f);

  frame = lab_frame_new_from_wire (direction, capture->connection_id, index,
                                   g_get_real_time (), header, header_size,
                                   payload, payload_kept);

  if (capture->own && capture->frames != NULL)
    lab_bounded_list_add (capture->frames, frame);
  if (capture->sink != NULL)
    lab_bounded_list_add (capture->sink, frame);
}

static void
incoming_cb (const guint8 *header,
             guint         header_size,
             const guint8 *payload,
             gsize         payload_kept,
             gpointer      user_data)
{
  LabFrameCapture *capture = user_data;

  capture_frame (capture, capture->incoming, header, header_size, payload, payload_kept);
}

static void
outgoing_cb (const guint8 *header,
             guint         header_size,
             const guint8 *payload,
             gsize         payload_kept,
             gpointer      user_data)
{
  LabFrameCapture *capture = user_data;
  LabFrameDirection outgoing = capture->incoming == LAB_FRAME_CLIENT_TO_SERVER
                                 ? LAB_FRAME_SERVER_TO_CLIENT : LAB_FRAME_CLIENT_TO_SERVER;

  capture_frame (capture, outgoing, header, header_size, payload, payload_kept);
}

static void
update_meters (LabFrameCapture *capture)
{
  gboolean on = capture->own || capture->sink != NULL;

  if (capture->input == NULL || capture->output == NULL)
    return;

  /* Set only when it changes: setting resets a frame half seen. */
  if (on)
    {
      lab_metered_input_stream_set_capture (capture->input, incoming_cb, capture);
      lab_metered_output_stream_set_capture (capture->output, outgoing_cb, capture);
    }
  else
    stop_meters (capture);
}

void
lab_frame_capture_set_own (LabFrameCapture *capture,
                           gboolean         own)
{
  gboolean was_on = capture->own || capture->sink != NULL;

  own = !!own;
  if (capture->own == own)
    return;

  capture->own = own;
  if (own && capture->frames == NULL)
    capture->frames = lab_bounded_list_new (LAB_TYPE_FRAME, LAB_FRAME_CAPTURE_FRAMES,
                                            LAB_BOUNDED_LIST_OLDEST_FIRST);
  if (was_on != (capture->own || capture->sink != NULL))
    update_meters (capture);
}

void
lab_frame_capture_set_sink (LabFrameCapture *capture,
                            LabBoundedList  *sink)
{
  gboolean was_on = capture->own || capture->sink != NULL;

  if (capture->sink == sink)
    return;

  g_set_object (&capture->sink, sink);
  if (was_on != (capture->own || capture->sink != NULL))
    update_meters (capture);
}

LabBoundedList *
lab_frame_capture_get_frames (LabFrameCapture *capture)
{
  return capture->frames;
}
