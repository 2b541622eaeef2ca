/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-qr-view"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "lab-qr-code.h"
#include "lab-qr-view.h"

/* A QR code drawn crisp at any size: every module a whole number of pixels
 * (of the device, with the scale factor), dark on a light square whatever
 * the style, since a camera reads no other way. It takes the space it is
 * given, square, centred. */

/* The smallest module that still scans from a phone held near the screen. */
#define MIN_MODULE_PX 2
#define NATURAL_MODULE_PX 5

struct _LabQrView
{
  GtkWidget  parent_instance;

  LabQrCode *code;
};

G_DEFINE_FINAL_TYPE (LabQrView, lab_qr_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint
side_in_modules (LabQrView *self)
{
  if (self->code == NULL)
    return 0;

  return lab_qr_code_get_size (self->code) + 2 * LAB_QR_CODE_QUIET_ZONE;
}

static void
lab_qr_view_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  guint side = side_in_modules (LAB_QR_VIEW (widget));

  *minimum = (int) side * MIN_MODULE_PX;
  *natural = (int) side * NATURAL_MODULE_PX;
}

static void
lab_qr_view_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  LabQrView *self = LAB_QR_VIEW (widget);
  const GdkRGBA light = { 1, 1, 1, 1 };
  const GdkRGBA dark = { 0, 0, 0, 1 };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  guint side = side_in_modules (self);
  guint size;
  float module;
  float x0;
  float y0;

  if (side == 0)
    return;

  /* Whole device pixels per module; below one, fractions (blurry, but
   * better than nothing). */
  module = (float) (MIN (width, height) * scale / (int) side) / (float) scale;
  if (module <= 0)
    module = (float) MIN (width, height) / (float) side;

  x0 = roundf (((float) width - module * (float) side) / 2 * (float) scale) / (float) scale;
  y0 = roundf (((float) height - module * (float) side) / 2 * (float) scale) / (float) scale;

  gtk_snapshot_append_color (snapshot, &light,
                             &GRAPHENE_RECT_INIT (x0, y0, module * (float) side, module * (float) side));

  size = lab_qr_code_get_size (self->code);
  for (guint y = 0; y < size; y++)
    {
      guint x = 0;

      /* A run of dark modules in a row is one rectangle. */
      while (x < size)
        {
          guint run = 0;

          if (!lab_qr_code_is_dark (self->code, x, y))
            {
              x++;
              continue;
            }

          while (x + run < size && lab_qr_code_is_dark (self->code, x + run, y))
            run++;

          gtk_snapshot_append_color (snapshot, &dark,
                                     &GRAPHENE_RECT_INIT (x0 + module * (float) (x + LAB_QR_CODE_QUIET_ZONE),
                                                          y0 + module * (float) (y + LAB_QR_CODE_QUIET_ZONE),
                                                          module * (float) run, module));
          x += run;
        }
    }
}

static void
lab_qr_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LabQrView *self = LAB_QR_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, lab_qr_view_get_text (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_qr_view_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LabQrView *self = LAB_QR_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      lab_qr_view_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_qr_view_dispose (GObject *object)
{
  LabQrView *self = LAB_QR_VIEW (object);

  g_clear_object (&self->code);

  G_OBJECT_CLASS (lab_qr_view_parent_class)->dispose (object);
}

static void
lab_qr_view_class_init (LabQrViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_qr_view_dispose;
  object_class->get_property = lab_qr_view_get_property;
  object_class->set_property = lab_qr_view_set_property;

  widget_class->measure = lab_qr_view_measure;
  widget_class->snapshot = lab_qr_view_snapshot;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qrcode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_qr_view_init (LabQrView *self)
{
}

GtkWidget *
lab_qr_view_new (void)
{
  return g_object_new (LAB_TYPE_QR_VIEW, NULL);
}

const char *
lab_qr_view_get_text (LabQrView *self)
{
  g_return_val_if_fail (LAB_IS_QR_VIEW (self), NULL);

  return self->code != NULL ? lab_qr_code_get_text (self->code) : NULL;
}

/* @text: what the code carries; NULL or empty draws nothing */
void
lab_qr_view_set_text (LabQrView  *self,
                      const char *text)
{
  g_autofree char *label = NULL;

  g_return_if_fail (LAB_IS_QR_VIEW (self));

  if (g_strcmp0 (text, lab_qr_view_get_text (self)) == 0)
    return;

  g_clear_object (&self->code);
  if (text != NULL && text[0] != '\0')
    {
      g_autoptr(GError) error = NULL;

      /* Only a text longer than any URL the server has fails here. */
      self->code = lab_qr_code_new (text, &error);
      if (error != NULL)
        g_warning ("%s", error->message);
    }

  /* What a screen reader says instead of the picture. */
  label = self->code != NULL ? g_strdup_printf (_("QR code of %s"), text) : g_strdup ("");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}
