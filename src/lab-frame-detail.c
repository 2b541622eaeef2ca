/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-frame-detail"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-frame-detail.h"

/* The frame a person selected: what it is in one line, its header as the
 * RFC's diagram, and its payload as text, as the bytes on the wire and, for
 * a masked frame, the bytes after the XOR with the key, side by side. */

/* Hex past this many bytes helps no one on a projector; the export has all. */
#define HEX_BYTES_SHOWN 256

struct _LabFrameDetail
{
  AdwBin           parent_instance;

  /* Template widgets */
  GtkStack        *stack;
  GtkLabel        *heading_label;
  LabFrameDiagram *diagram;
  GtkLabel        *text_label;
  GtkLabel        *wire_title_label;
  GtkLabel        *wire_hex_label;
  GtkWidget       *unmasked_box;
  GtkLabel        *unmasked_hex_label;
};

G_DEFINE_FINAL_TYPE (LabFrameDetail, lab_frame_detail, ADW_TYPE_BIN)

static char *
shown_hex (LabFrame *frame,
           gboolean  unmasked)
{
  g_autofree char *hex = lab_frame_dup_payload_hex (frame, unmasked);

  if (*hex == '\0')
    return g_strdup (_("(no payload)"));

  /* Three characters a byte: "xx ". */
  if (strlen (hex) > HEX_BYTES_SHOWN * 3 || lab_frame_is_truncated (frame))
    {
      hex[MIN (strlen (hex), HEX_BYTES_SHOWN * 3 - 1)] = '\0';
      return g_strconcat (hex, " …", NULL);
    }

  return g_steal_pointer (&hex);
}

static char *
describe_heading (LabFrame *frame)
{
  g_autofree char *length = g_strdup_printf ("%" G_GUINT64_FORMAT, lab_frame_get_payload_length (frame));
  g_autofree char *message = g_strdup_printf ("%" G_GUINT64_FORMAT, lab_frame_get_message_index (frame));
  const char *direction = lab_frame_get_direction (frame) == LAB_FRAME_CLIENT_TO_SERVER
                          ? _("client → server") : _("server → client");

  /* Translators: message number, direction, opcode name, payload length, length field bits */
  return g_strdup_printf (_("Message %s · %s · %s · %s bytes (%u-bit length)"),
                          message, direction,
                          lab_frame_get_opcode_name (frame), length,
                          lab_frame_get_length_bits (frame));
}

static void
show_frame (LabFrameDetail *self,
            LabFrame       *frame)
{
  g_autofree char *heading = describe_heading (frame);
  g_autofree char *text = lab_frame_dup_payload_text (frame);
  g_autofree char *wire = shown_hex (frame, FALSE);
  g_autofree char *plain = shown_hex (frame, TRUE);
  gboolean masked = lab_frame_get_masked (frame);

  gtk_label_set_label (self->heading_label, heading);
  gtk_label_set_label (self->text_label, text != NULL ? text : _("(binary data: see the bytes)"));
  gtk_label_set_label (self->wire_title_label,
                       masked ? _("Bytes as Sent (masked)") : _("Bytes as Sent (not masked)"));
  gtk_label_set_label (self->wire_hex_label, wire);
  gtk_label_set_label (self->unmasked_hex_label, plain);
  /* Server frames are never masked: the same bytes twice teach nothing. */
  gtk_widget_set_visible (self->unmasked_box, masked);
}

static void
lab_frame_detail_dispose (GObject *object)
{
  /* The bin's child is a bound template child: let go of it once, here. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_FRAME_DETAIL);

  G_OBJECT_CLASS (lab_frame_detail_parent_class)->dispose (object);
}

static void
lab_frame_detail_class_init (LabFrameDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_frame_detail_dispose;

  g_type_ensure (LAB_TYPE_FRAME_DIAGRAM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-frame-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, LabFrameDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, LabFrameDetail, heading_label);
  gtk_widget_class_bind_template_child (widget_class, LabFrameDetail, diagram);
  gtk_widget_class_bind_template_child (widget_class, LabFrameDetail, text_label);
  gtk_widget_class_bind_template_child (widget_class, LabFrameDetail, wire_title_label);
  gtk_widget_class_bind_template_child (widget_class, LabFrameDetail, wire_hex_label);
  gtk_widget_class_bind_template_child (widget_class, LabFrameDetail, unmasked_box);
  gtk_widget_class_bind_template_child (widget_class, LabFrameDetail, unmasked_hex_label);
}

static void
lab_frame_detail_init (LabFrameDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
lab_frame_detail_set_frame (LabFrameDetail *self,
                            LabFrame       *frame)
{
  g_return_if_fail (LAB_IS_FRAME_DETAIL (self));
  g_return_if_fail (!frame || LAB_IS_FRAME (frame));

  lab_frame_diagram_set_frame (self->diagram, frame);
  gtk_stack_set_visible_child_name (self->stack, frame != NULL ? "frame" : "empty");
  if (frame != NULL)
    show_frame (self, frame);
}

/* Returns: (transfer none): the diagram of the selected frame's header */
LabFrameDiagram *
lab_frame_detail_get_diagram (LabFrameDetail *self)
{
  g_return_val_if_fail (LAB_IS_FRAME_DETAIL (self), NULL);
  return self->diagram;
}

/* What a person reads as the payload: as text, as sent, unmasked. */
const char *
lab_frame_detail_get_text (LabFrameDetail *self)
{
  g_return_val_if_fail (LAB_IS_FRAME_DETAIL (self), NULL);
  return gtk_label_get_label (self->text_label);
}

const char *
lab_frame_detail_get_wire_hex (LabFrameDetail *self)
{
  g_return_val_if_fail (LAB_IS_FRAME_DETAIL (self), NULL);
  return gtk_label_get_label (self->wire_hex_label);
}

const char *
lab_frame_detail_get_unmasked_hex (LabFrameDetail *self)
{
  g_return_val_if_fail (LAB_IS_FRAME_DETAIL (self), NULL);
  return gtk_label_get_label (self->unmasked_hex_label);
}
