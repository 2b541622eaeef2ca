/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-sequence-view"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-sequence-draw.h"

/* A sequence diagram's rows drawn with cairo: the lifelines, each arrow with
 * its label and time, the selected row highlighted, in colours that read on
 * a projector, lighter on a dark theme. */

#define HEADER_HEIGHT LAB_SEQUENCE_HEADER_HEIGHT
#define ROW_HEIGHT LAB_SEQUENCE_ROW_HEIGHT
#define TIME_COLUMN LAB_SEQUENCE_TIME_COLUMN
#define LABEL_SIZE 17

typedef struct
{
  GdkRGBA fg;
  GdkRGBA to_server;
  GdkRGBA to_client;
  GdkRGBA missing;
  GdkRGBA highlight;
  double  client_x;
  double  server_x;
  gint64  first_time;
} Palette;

static void
set_color (cairo_t       *cr,
           const GdkRGBA *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
draw_text (GtkWidget       *widget,
           cairo_t         *cr,
           const char      *text,
           double           x,
           double           y,
           int              width,
           int              size,
           gboolean         bold,
           PangoAlignment   alignment)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, alignment);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_arrow (GtkWidget              *widget,
            cairo_t                *cr,
            const Palette          *palette,
            const LabSequenceScene *scene,
            guint                   index,
            double                  y)
{
  const LabSequenceArrow *arrow = scene->arrows->pdata[index];
  gboolean to_server = arrow->direction == LAB_FRAME_CLIENT_TO_SERVER;
  double from_x = to_server ? palette->client_x : palette->server_x;
  double to_x = to_server ? palette->server_x : palette->client_x;
  double line_y = y + ROW_HEIGHT - 16;
  double head = to_server ? -14 : 14;
  const GdkRGBA *color = arrow->kind == LAB_SEQUENCE_ARROW_NO_CLOSE ? &palette->missing
                         : to_server ? &palette->to_server : &palette->to_client;
  gboolean selected = (int) index == scene->selected;
  int label_width = palette->server_x - palette->client_x - 24;

  if (selected)
    {
      set_color (cr, &palette->highlight, 0.22);
      cairo_rectangle (cr, 4, y + 2, gtk_widget_get_width (widget) - 8, ROW_HEIGHT - 4);
      cairo_fill (cr);
    }

  if (arrow->frame != NULL)
    {
      g_autofree char *time = g_strdup_printf (_("+%.3f s"),
                                               (lab_frame_get_time (arrow->frame) - palette->first_time)
                                               / (double) G_USEC_PER_SEC);

      set_color (cr, &palette->fg, 0.7);
      draw_text (widget, cr, time, 8, line_y - 20, TIME_COLUMN - 16, 15, FALSE, PANGO_ALIGN_LEFT);
    }

  set_color (cr, color, 1);
  cairo_set_line_width (cr, arrow->kind == LAB_SEQUENCE_ARROW_CLOSE ? 4 : selected ? 3.5 : 2.5);
  /* Answers (the 101, a pong) dashed, as sequence diagrams draw replies. */
  if (arrow->kind == LAB_SEQUENCE_ARROW_SWITCHING || arrow->kind == LAB_SEQUENCE_ARROW_PONG ||
      arrow->kind == LAB_SEQUENCE_ARROW_NO_CLOSE)
    cairo_set_dash (cr, (double[]) { 8, 6 }, 2, 0);
  cairo_move_to (cr, from_x, line_y);
  cairo_line_to (cr, to_x + head / 2, line_y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  if (arrow->kind == LAB_SEQUENCE_ARROW_NO_CLOSE)
    {
      /* No frame crossed: a cross on each lifeline. */
      for (guint i = 0; i < 2; i++)
        {
          double x = i == 0 ? palette->client_x : palette->server_x;

          cairo_move_to (cr, x - 9, line_y - 9);
          cairo_line_to (cr, x + 9, line_y + 9);
          cairo_move_to (cr, x + 9, line_y - 9);
          cairo_line_to (cr, x - 9, line_y + 9);
          cairo_stroke (cr);
        }
    }
  else
    {
      cairo_move_to (cr, to_x, line_y);
      cairo_line_to (cr, to_x + head, line_y - 8);
      cairo_line_to (cr, to_x + head, line_y + 8);
      cairo_close_path (cr);
      cairo_fill (cr);
    }

  set_color (cr, arrow->kind == LAB_SEQUENCE_ARROW_NO_CLOSE ? &palette->missing : &palette->fg, 1);
  draw_text (widget, cr, arrow->label, palette->client_x + 12, line_y - 30, label_width, LABEL_SIZE,
             selected || arrow->kind == LAB_SEQUENCE_ARROW_CLOSE, PANGO_ALIGN_CENTER);
}

static void
draw_lifeline_name (GtkWidget       *widget,
                    cairo_t         *cr,
                    const Palette   *palette,
                    const char      *name,
                    double           x,
                    double           y,
                    const GdkRGBA   *color)
{
  const int width = 150;

  set_color (cr, color, 1);
  cairo_rectangle (cr, x - width / 2.0, y, width, 38);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  draw_text (widget, cr, name, x - width / 2.0, y + 7, width, 19, TRUE, PANGO_ALIGN_CENTER);
}

static void
make_palette (GtkWidget              *widget,
              const LabSequenceScene *scene,
              Palette                *palette)
{
  double width = gtk_widget_get_width (widget) - TIME_COLUMN;
  const LabSequenceArrow *first = NULL;
  gboolean dark;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &palette->fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* Light text means a dark theme: lighter arrows there. */
  dark = palette->fg.red + palette->fg.green + palette->fg.blue > 1.5;
  gdk_rgba_parse (&palette->to_server, dark ? "#62a0ea" : "#1c71d8");
  gdk_rgba_parse (&palette->to_client, dark ? "#c061cb" : "#813d9c");
  gdk_rgba_parse (&palette->missing, dark ? "#f66151" : "#c01c28");
  gdk_rgba_parse (&palette->highlight, "#3584e4");
  palette->client_x = TIME_COLUMN + width * 0.12;
  palette->server_x = TIME_COLUMN + width * 0.88;
  /* Times count from the first frame. */
  for (guint i = 0; scene != NULL && i < scene->arrows->len && first == NULL; i++)
    if (((LabSequenceArrow *) scene->arrows->pdata[i])->frame != NULL)
      first = scene->arrows->pdata[i];
  palette->first_time = first != NULL ? lab_frame_get_time (first->frame) : 0;
}

/**
 * lab_sequence_draw:
 * @cr: drawing over the widget, from @scene's top to its bottom
 *
 * Draws the lifelines and the arrows from @scene's top to its bottom.
 */
void
lab_sequence_draw (GtkWidget              *widget,
                   cairo_t                *cr,
                   const LabSequenceScene *scene)
{
  Palette palette;
  guint first, last;

  make_palette (widget, scene, &palette);

  set_color (cr, &palette.fg, 0.35);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, palette.client_x, scene->top);
  cairo_line_to (cr, palette.client_x, scene->bottom);
  cairo_move_to (cr, palette.server_x, scene->top);
  cairo_line_to (cr, palette.server_x, scene->bottom);
  cairo_stroke (cr);

  first = scene->top > HEADER_HEIGHT ? (scene->top - HEADER_HEIGHT) / ROW_HEIGHT : 0;
  last = MIN (scene->n_shown, (scene->bottom - HEADER_HEIGHT) / ROW_HEIGHT + 1);
  for (guint i = first; i < last; i++)
    draw_arrow (widget, cr, &palette, scene, i, HEADER_HEIGHT + i * ROW_HEIGHT);

}

/**
 * lab_sequence_draw_names:
 * @widget: as wide as the diagram, above it
 *
 * The lifelines' names, over where the diagram draws each lifeline: outside
 * the scrolled diagram, they stay in view and hide no arrow.
 */
void
lab_sequence_draw_names (GtkWidget *widget,
                         cairo_t   *cr)
{
  Palette palette;

  make_palette (widget, NULL, &palette);
  draw_lifeline_name (widget, cr, &palette, _("Client"), palette.client_x, 4, &palette.to_server);
  draw_lifeline_name (widget, cr, &palette, _("Server"), palette.server_x, 4, &palette.to_client);
}
