/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-sequence-arrow"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-sequence-arrow.h"

/* The arrows of a sequence diagram and what they say: the upgrade request
 * and its 101, one arrow per frame (opcode and the payload shortened, a
 * pong's round trip, a close frame's code), and the close frame that never
 * came. */

#define OPCODE_CONTINUATION 0x0
#define OPCODE_CLOSE 0x8
#define OPCODE_PING 0x9
#define OPCODE_PONG 0xa
/* Characters of payload an arrow's label keeps: it must fit between the lifelines. */
#define LABEL_PAYLOAD_CHARS 32
/* How far back a pong looks for its ping: they are seldom far apart. */
#define PING_LOOKBACK 64

static LabSequenceArrow *
arrow_new (LabSequenceArrowKind  kind,
           LabFrameDirection     direction,
           LabFrame             *frame,
           char                 *label)
{
  LabSequenceArrow *arrow = g_new0 (LabSequenceArrow, 1);

  arrow->kind = kind;
  arrow->direction = direction;
  arrow->frame = frame ? g_object_ref (frame) : NULL;
  arrow->label = label;

  return arrow;
}

void
lab_sequence_arrow_free (LabSequenceArrow *arrow)
{
  g_clear_object (&arrow->frame);
  g_free (arrow->label);
  g_free (arrow);
}

/* "GET /counter" from "GET /counter HTTP/1.1" */
LabSequenceArrow *
lab_sequence_arrow_new_upgrade (LabHandshake *handshake)
{
  g_auto(GStrv) words = g_strsplit (handshake ? lab_handshake_get_request_line (handshake) : "GET /",
                                    " ", 3);
  char *label;

  /* Translators: the HTTP request that asks for a WebSocket; %s is e.g. "GET /counter" */
  label = g_strdup_printf (_("%s %s · Upgrade: websocket"), words[0] ? words[0] : "GET",
                           words[0] && words[1] ? words[1] : "/");
  return arrow_new (LAB_SEQUENCE_ARROW_UPGRADE, LAB_FRAME_CLIENT_TO_SERVER, NULL, label);
}

/* "101 Switching Protocols" from "HTTP/1.1 101 Switching Protocols" */
LabSequenceArrow *
lab_sequence_arrow_new_switching (LabHandshake *handshake)
{
  const char *line = handshake ? lab_handshake_get_response_line (handshake) : NULL;
  const char *space = line ? strchr (line, ' ') : NULL;

  return arrow_new (LAB_SEQUENCE_ARROW_SWITCHING, LAB_FRAME_SERVER_TO_CLIENT, NULL,
                    g_strdup (space ? space + 1 : "101 Switching Protocols"));
}

LabSequenceArrow *
lab_sequence_arrow_new_no_close (void)
{
  return arrow_new (LAB_SEQUENCE_ARROW_NO_CLOSE, LAB_FRAME_CLIENT_TO_SERVER, NULL,
                    g_strdup (_("no close frame — 1006")));
}

static char *
quoted_payload (LabFrame *frame)
{
  g_autofree char *line = lab_frame_dup_payload_line (frame, LABEL_PAYLOAD_CHARS);

  if (line == NULL)
    /* No G_*_FORMAT in a translatable string: xgettext cannot read it. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu byte", "%lu bytes",
                                         (gulong) lab_frame_get_payload_length (frame)),
                            (gulong) lab_frame_get_payload_length (frame));
  if (line[0] == '\0')
    return g_strdup ("");
  return g_strdup_printf ("“%s”", line);
}

/* A round trip of a few milliseconds needs its tenths. */
static char *
format_rtt (gint64 microseconds)
{
  if (microseconds < 10000)
    return g_strdup_printf (_("%.1f ms"), microseconds / 1000.0);
  return g_strdup_printf (_("%.0f ms"), microseconds / 1000.0);
}

/* The ping a pong answers: the latest the other side sent before it. */
static LabFrame *
find_ping (LabFrame  *pong,
           GPtrArray *before)
{
  for (guint i = before->len, seen = 0; i > 0 && seen < PING_LOOKBACK; i--, seen++)
    {
      LabSequenceArrow *arrow = before->pdata[i - 1];

      if (arrow->kind == LAB_SEQUENCE_ARROW_PONG && arrow->direction == lab_frame_get_direction (pong))
        return NULL;  /* that ping was answered already */
      if (arrow->kind == LAB_SEQUENCE_ARROW_PING && arrow->direction != lab_frame_get_direction (pong))
        return arrow->frame;
    }

  return NULL;
}

static char *
data_label (LabFrame *frame)
{
  g_autofree char *payload = quoted_payload (frame);
  const char *name = lab_frame_get_opcode_name (frame);

  if (lab_frame_get_opcode (frame) == OPCODE_CONTINUATION)
    return g_strdup_printf (lab_frame_get_fin (frame) ? _("%s, FIN=1 %s") : _("%s %s"), name, payload);
  if (!lab_frame_get_fin (frame))
    return g_strdup_printf (_("%s, FIN=0 %s"), name, payload);
  return g_strdup_printf ("%s %s", name, payload);
}

/**
 * lab_sequence_arrow_new_for_frame:
 * @before: (element-type LabSequenceArrow): the arrows of the frames before,
 *   oldest first: where a pong finds its ping
 */
LabSequenceArrow *
lab_sequence_arrow_new_for_frame (LabFrame  *frame,
                                  GPtrArray *before)
{
  LabFrameDirection direction = lab_frame_get_direction (frame);
  g_autofree char *reason = NULL;
  LabFrame *ping;
  gushort code;

  switch (lab_frame_get_opcode (frame))
    {
    case OPCODE_PING:
      {
        g_autofree char *payload = quoted_payload (frame);

        return arrow_new (LAB_SEQUENCE_ARROW_PING, direction, frame,
                          g_strdup_printf ("ping %s", payload));
      }

    case OPCODE_PONG:
      ping = find_ping (frame, before);
      if (ping != NULL)
        {
          g_autofree char *rtt = format_rtt (lab_frame_get_time (frame) - lab_frame_get_time (ping));

          /* Translators: a pong and the round trip since its ping */
          return arrow_new (LAB_SEQUENCE_ARROW_PONG, direction, frame,
                            g_strdup_printf (_("pong · round trip %s"), rtt));
        }
      return arrow_new (LAB_SEQUENCE_ARROW_PONG, direction, frame, g_strdup ("pong"));

    case OPCODE_CLOSE:
      lab_frame_get_close (frame, &code, &reason);
      return arrow_new (LAB_SEQUENCE_ARROW_CLOSE, direction, frame,
                        reason[0] ? g_strdup_printf ("close %u “%s”", code, reason)
                                  : g_strdup_printf ("close %u", code));

    default:
      if (lab_frame_is_control (frame))
        return arrow_new (LAB_SEQUENCE_ARROW_OTHER_CONTROL, direction, frame,
                          g_strdup (lab_frame_get_opcode_name (frame)));
      return arrow_new (LAB_SEQUENCE_ARROW_DATA, direction, frame, data_label (frame));
    }
}
