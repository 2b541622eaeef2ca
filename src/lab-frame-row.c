/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-frame-row"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-frame-row.h"

/* What one frame's row in the Inspector's list says, column by column, and
 * which part of a fragmented message a frame is. */

/* Payload text in a row: the start of it, on one line. */
#define PAYLOAD_CHARS_SHOWN 80

static const struct
{
  const char *id;
  const char *title;
  gboolean    expand;
} columns[LAB_FRAME_N_COLUMNS] = {
  { "message", N_("Message"), FALSE },
  { "time", N_("Time"), FALSE },
  { "direction", N_("Direction"), FALSE },
  { "fin", "FIN", FALSE },
  { "rsv", "RSV", FALSE },
  { "opcode", N_("Opcode"), FALSE },
  { "mask", "MASK", FALSE },
  { "length", N_("Length"), FALSE },
  { "payload", N_("Payload"), TRUE },
};

/* A frame's part of a fragmented message: 0 for a whole message or a control
 * frame, else 1, 2, … Kept on the frame itself, so it goes with it. */
static GQuark
fragment_part_quark (void)
{
  return g_quark_from_static_string ("lab-fragment-part");
}

guint
lab_frame_row_get_fragment_part (LabFrame *frame)
{
  return GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (frame), fragment_part_quark ()));
}

/* Numbers @frame's part, frames taken in the order they crossed the wire. */
void
lab_fragment_counter_number (LabFragmentCounter *counter,
                             LabFrame           *frame)
{
  guint *part = &counter->part[lab_frame_get_direction (frame) == LAB_FRAME_CLIENT_TO_SERVER ? 0 : 1];

  if (lab_frame_is_control (frame))
    return;

  if (lab_frame_get_opcode (frame) == 0)
    *part = *part + 1;
  else
    *part = lab_frame_get_fin (frame) ? 0 : 1;

  g_object_set_qdata (G_OBJECT (frame), fragment_part_quark (), GUINT_TO_POINTER (*part));
  if (lab_frame_get_fin (frame))
    *part = 0;
}


void
lab_fragment_counter_reset (LabFragmentCounter *counter)
{
  counter->part[0] = counter->part[1] = 0;
}

static char *
format_time (gint64 time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;
  g_autofree char *seconds = local ? g_date_time_format (local, "%H:%M:%S") : g_strdup ("?");

  return g_strdup_printf ("%s.%03u", seconds, (guint) (time % G_USEC_PER_SEC) / 1000);
}

static char *
format_message (LabFrame *frame)
{
  guint part = lab_frame_row_get_fragment_part (frame);
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, lab_frame_get_message_index (frame));

  if (part == 0)
    return g_strdup_printf ("#%s", number);
  if (lab_frame_get_fin (frame))
    /* Translators: a message's number and the number of its last fragment */
    return g_strdup_printf (_("#%s · part %u, last"), number, part);
  /* Translators: a message's number and which fragment of it this frame is */
  return g_strdup_printf (_("#%s · part %u"), number, part);
}

static char *
format_payload (LabFrame *frame)
{
  char *line = lab_frame_dup_payload_line (frame, PAYLOAD_CHARS_SHOWN);

  return line != NULL ? line : g_strdup (_("(binary)"));
}

/* Returns: (transfer full): what the row of @frame shows in @column */
char *
lab_frame_row_dup_text (LabFrame       *frame,
                        LabFrameColumn  column)
{
  switch (column)
    {
    case LAB_FRAME_COLUMN_MESSAGE:
      return format_message (frame);
    case LAB_FRAME_COLUMN_TIME:
      return format_time (lab_frame_get_time (frame));
    case LAB_FRAME_COLUMN_DIRECTION:
      return g_strdup (lab_frame_get_direction (frame) == LAB_FRAME_CLIENT_TO_SERVER
                       ? _("client → server") : _("server → client"));
    case LAB_FRAME_COLUMN_FIN:
      return g_strdup (lab_frame_get_fin (frame) ? "1" : "0");
    case LAB_FRAME_COLUMN_RSV:
      return g_strdup_printf ("%d%d%d", lab_frame_get_rsv1 (frame), lab_frame_get_rsv2 (frame),
                              lab_frame_get_rsv3 (frame));
    case LAB_FRAME_COLUMN_OPCODE:
      return g_strdup_printf ("%u %s", lab_frame_get_opcode (frame), lab_frame_get_opcode_name (frame));
    case LAB_FRAME_COLUMN_MASK:
      return g_strdup (lab_frame_get_masked (frame) ? "1" : "0");
    case LAB_FRAME_COLUMN_LENGTH:
      {
        g_autofree char *length = g_strdup_printf ("%" G_GUINT64_FORMAT, lab_frame_get_payload_length (frame));

        /* Translators: a payload length and the bits of the field that carried it */
        return g_strdup_printf (_("%s (%u-bit)"), length, lab_frame_get_length_bits (frame));
      }
    case LAB_FRAME_COLUMN_PAYLOAD:
      return format_payload (frame);
    case LAB_FRAME_N_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
lab_frame_column_get_id (LabFrameColumn column)
{
  g_return_val_if_fail (column < LAB_FRAME_N_COLUMNS, NULL);
  return columns[column].id;
}

/* Returns: the column's title, translated */
const char *
lab_frame_column_get_title (LabFrameColumn column)
{
  g_return_val_if_fail (column < LAB_FRAME_N_COLUMNS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, columns[column].title);
}

/* Whether the column takes the width left over. */
gboolean
lab_frame_column_get_expand (LabFrameColumn column)
{
  g_return_val_if_fail (column < LAB_FRAME_N_COLUMNS, FALSE);
  return columns[column].expand;
}

gboolean
lab_frame_column_from_id (const char     *id,
                          LabFrameColumn *column)
{
  for (guint i = 0; i < LAB_FRAME_N_COLUMNS; i++)
    if (g_strcmp0 (columns[i].id, id) == 0)
      {
        *column = i;
        return TRUE;
      }

  return FALSE;
}
