/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-frame-diagram"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-frame-diagram.h"

/* A frame's header drawn as RFC 6455 (section 5.2) draws it: 32 bits a row,
 * each field over its bits, the bits this frame really had in the cells, and
 * what a field's bits mean under it. Made of labels, so a screen reader and
 * a test read the same bits a class sees. */

#define BITS_PER_ROW 32
/* Grid rows per row of bits: the fields' names, the bits, their meaning. */
#define GRID_ROWS_PER_LINE 3

typedef struct
{
  const char *id;        /* stable, for tests and style classes */
  const char *name;      /* translated */
  guint       width;     /* bits */
  guint64     value;
  char       *meaning;   /* (nullable) shown under a field wider than a bit */
} Field;

struct _LabFrameDiagram
{
  AdwBin     parent_instance;

  LabFrame  *frame;
  GtkGrid   *grid;
};

G_DEFINE_FINAL_TYPE (LabFrameDiagram, lab_frame_diagram, ADW_TYPE_BIN)

static void
field_clear (Field *field)
{
  g_clear_pointer (&field->meaning, g_free);
}

static void
add_field (GArray     *fields,
           const char *id,
           const char *name,
           guint       width,
           guint64     value,
           char       *meaning)
{
  Field field = { id, name, width, value, meaning };

  g_array_append_val (fields, field);
}

static char *
describe_bytes (guint64 length)
{
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, length);

  return g_strdup_printf (_("%s bytes"), number);
}

static char *
describe_length_field (LabFrame *frame)
{
  switch (lab_frame_get_length_encoding (frame))
    {
    case LAB_FRAME_LENGTH_16_BIT:
      return g_strdup (_("126: a 16-bit length follows"));
    case LAB_FRAME_LENGTH_64_BIT:
      return g_strdup (_("127: a 64-bit length follows"));
    case LAB_FRAME_LENGTH_7_BIT:
    default:
      return describe_bytes (lab_frame_get_payload_length (frame));
    }
}

/* The header's fields in wire order, with this frame's values. */
static GArray *
frame_fields (LabFrame *frame)
{
  GArray *fields = g_array_new (FALSE, TRUE, sizeof (Field));
  LabFrameLengthEncoding encoding = lab_frame_get_length_encoding (frame);
  guint64 length = lab_frame_get_payload_length (frame);
  const guint8 *key = lab_frame_get_masking_key (frame);
  guint length7 = encoding == LAB_FRAME_LENGTH_7_BIT ? (guint) length
                  : encoding == LAB_FRAME_LENGTH_16_BIT ? 126 : 127;

  g_array_set_clear_func (fields, (GDestroyNotify) field_clear);

  add_field (fields, "fin", "FIN", 1, lab_frame_get_fin (frame), NULL);
  add_field (fields, "rsv1", "RSV1", 1, lab_frame_get_rsv1 (frame), NULL);
  add_field (fields, "rsv2", "RSV2", 1, lab_frame_get_rsv2 (frame), NULL);
  add_field (fields, "rsv3", "RSV3", 1, lab_frame_get_rsv3 (frame), NULL);
  add_field (fields, "opcode", _("opcode"), 4, lab_frame_get_opcode (frame),
             g_strdup_printf ("%u: %s", lab_frame_get_opcode (frame),
                              lab_frame_get_opcode_name (frame)));
  add_field (fields, "mask", "MASK", 1, lab_frame_get_masked (frame), NULL);
  add_field (fields, "payload-len", _("Payload len"), 7, length7, describe_length_field (frame));

  if (encoding != LAB_FRAME_LENGTH_7_BIT)
    add_field (fields, "extended-length",
               encoding == LAB_FRAME_LENGTH_16_BIT ? _("Extended payload length (16 bits)")
                                                   : _("Extended payload length (64 bits)"),
               lab_frame_get_length_bits (frame), length,
               describe_bytes (length));

  if (key != NULL)
    add_field (fields, "masking-key", _("Masking key"), 32,
               ((guint64) key[0] << 24) | (key[1] << 16) | (key[2] << 8) | key[3],
               g_strdup_printf ("%02x %02x %02x %02x", key[0], key[1], key[2], key[3]));

  return fields;
}

static GtkWidget *
cell_new (const char *text,
          const char *first_class,
          const char *field_id)
{
  GtkWidget *label = gtk_label_new (text);
  g_autofree char *field_class = field_id ? g_strdup_printf ("field-%s", field_id) : NULL;

  gtk_widget_add_css_class (label, first_class);
  if (field_class != NULL)
    gtk_widget_add_css_class (label, field_class);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* The cells, not the text, set the widths: every bit is as wide as the next. */
  gtk_label_set_width_chars (GTK_LABEL (label), 1);
  gtk_widget_set_hexpand (label, TRUE);
  g_object_set_data (G_OBJECT (label), "lab-field", (gpointer) field_id);

  return label;
}

static void
clear_grid (LabFrameDiagram *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
}

static void
add_ruler (LabFrameDiagram *self)
{
  for (guint bit = 0; bit < BITS_PER_ROW; bit++)
    {
      g_autofree char *number = g_strdup_printf ("%u", bit);

      gtk_grid_attach (self->grid, cell_new (number, "bit-number", NULL), bit, 0, 1, 1);
    }
}

/* One field's bits from @first (counted from its most significant bit) on,
 * @count of them, at @column of the row of bits that starts at @grid_row. */
static void
add_segment (LabFrameDiagram *self,
             const Field     *field,
             guint            first,
             guint            count,
             guint            column,
             guint            grid_row)
{
  g_autofree char *name = NULL;
  GtkWidget *name_label;

  name = first == 0 ? g_strdup (field->name) : g_strdup_printf (_("%s (continued)"), field->name);
  name_label = cell_new (name, "field-name", field->id);
  if (count == 1)
    gtk_widget_add_css_class (name_label, "one-bit");
  gtk_widget_set_tooltip_text (name_label, name);
  gtk_grid_attach (self->grid, name_label, column, grid_row, count, 1);

  for (guint i = 0; i < count; i++)
    {
      guint shift = field->width - 1 - (first + i);
      const char *bit = (field->value >> shift) & 1 ? "1" : "0";

      gtk_grid_attach (self->grid, cell_new (bit, "bit", field->id), column + i, grid_row + 1, 1, 1);
    }

  if (first == 0 && field->meaning != NULL)
    {
      GtkWidget *meaning = cell_new (field->meaning, "field-meaning", field->id);

      gtk_widget_set_tooltip_text (meaning, field->meaning);
      gtk_grid_attach (self->grid, meaning, column, grid_row + 2, count, 1);
    }
}

static void
rebuild (LabFrameDiagram *self)
{
  g_autoptr(GArray) fields = NULL;
  guint position = 0;

  clear_grid (self);
  if (self->frame == NULL)
    return;

  add_ruler (self);
  fields = frame_fields (self->frame);

  /* Fields follow one another; one that reaches the end of a row goes on
   * in the next, as in the RFC's picture. */
  for (guint f = 0; f < fields->len; f++)
    {
      const Field *field = &g_array_index (fields, Field, f);
      guint done = 0;

      while (done < field->width)
        {
          guint column = position % BITS_PER_ROW;
          guint count = MIN (field->width - done, BITS_PER_ROW - column);
          guint grid_row = 1 + (position / BITS_PER_ROW) * GRID_ROWS_PER_LINE;

          add_segment (self, field, done, count, column, grid_row);
          done += count;
          position += count;
        }
    }
}

static void
lab_frame_diagram_dispose (GObject *object)
{
  LabFrameDiagram *self = LAB_FRAME_DIAGRAM (object);

  g_clear_object (&self->frame);

  G_OBJECT_CLASS (lab_frame_diagram_parent_class)->dispose (object);
}

static void
lab_frame_diagram_class_init (LabFrameDiagramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_frame_diagram_dispose;

  gtk_widget_class_set_css_name (widget_class, "framediagram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lab_frame_diagram_init (LabFrameDiagram *self)
{
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_homogeneous (self->grid, TRUE);
  gtk_grid_set_column_spacing (self->grid, 2);
  gtk_grid_set_row_spacing (self->grid, 2);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->grid));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Frame header, bit by bit"),
                                  -1);
}

GtkWidget *
lab_frame_diagram_new (void)
{
  return g_object_new (LAB_TYPE_FRAME_DIAGRAM, NULL);
}

/* Returns: (transfer none) (nullable): the frame drawn */
LabFrame *
lab_frame_diagram_get_frame (LabFrameDiagram *self)
{
  g_return_val_if_fail (LAB_IS_FRAME_DIAGRAM (self), NULL);
  return self->frame;
}

void
lab_frame_diagram_set_frame (LabFrameDiagram *self,
                             LabFrame        *frame)
{
  g_return_if_fail (LAB_IS_FRAME_DIAGRAM (self));
  g_return_if_fail (!frame || LAB_IS_FRAME (frame));

  if (g_set_object (&self->frame, frame))
    rebuild (self);
}

static char *
join_cells (LabFrameDiagram *self,
            const char      *field_id,
            const char      *css_class)
{
  GString *text = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->grid));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "lab-field"), field_id) == 0 &&
        gtk_widget_has_css_class (child, css_class))
      g_string_append (text, gtk_label_get_label (GTK_LABEL (child)));

  return g_string_free (text, FALSE);
}

/**
 * lab_frame_diagram_dup_field_bits:
 * @field_id: "fin", "rsv1", "rsv2", "rsv3", "opcode", "mask", "payload-len",
 *   "extended-length" or "masking-key"
 *
 * Returns: (transfer full): the bits the diagram shows for the field, as
 *   "0001"; empty when it shows no such field
 */
char *
lab_frame_diagram_dup_field_bits (LabFrameDiagram *self,
                                  const char      *field_id)
{
  g_return_val_if_fail (LAB_IS_FRAME_DIAGRAM (self), NULL);
  return join_cells (self, field_id, "bit");
}

/* Returns: (transfer full): what the diagram says the field means, or "" */
char *
lab_frame_diagram_dup_field_value (LabFrameDiagram *self,
                                   const char      *field_id)
{
  g_return_val_if_fail (LAB_IS_FRAME_DIAGRAM (self), NULL);
  return join_cells (self, field_id, "field-meaning");
}
