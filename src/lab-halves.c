/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-halves"

#include "config.h"

#include "lab-halves.h"

/* The window's two halves: side by side, in equal columns, when there are at
 * least wide-width pixels, and stacked one above the other otherwise.
 * libadwaita 1.2 has no breakpoints; this is the one place that decides. */

struct _LabHalves
{
  GtkWidget        parent_instance;

  int              wide_width;
  gboolean         stacked;
};

enum {
  PROP_0,
  PROP_WIDE_WIDTH,
  PROP_STACKED,
  N_PROPS
};

static void buildable_iface_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabHalves, lab_halves, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, buildable_iface_init))

static GtkBuildableIface *parent_buildable_iface;

static GParamSpec *properties[N_PROPS];

static guint
count_visible (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      n++;

  return n;
}

static void
lab_halves_add_child (GtkBuildable *buildable,
                      GtkBuilder   *builder,
                      GObject      *child,
                      const char   *type)
{
  if (GTK_IS_WIDGET (child))
    gtk_widget_set_parent (GTK_WIDGET (child), GTK_WIDGET (buildable));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
buildable_iface_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = lab_halves_add_child;
}

static void
lab_halves_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  LabHalves *self = LAB_HALVES (widget);
  guint n = count_visible (widget);
  gboolean side_by_side;

  *minimum = *natural = 0;

  if (n == 0)
    return;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Stacked, it needs only the widest child's minimum; side by side is natural. */
      int widest_min = 0;
      int widest_nat = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int child_min, child_nat;

          if (!gtk_widget_should_layout (child))
            continue;

          gtk_widget_measure (child, orientation, -1, &child_min, &child_nat, NULL, NULL);
          widest_min = MAX (widest_min, child_min);
          widest_nat = MAX (widest_nat, child_nat);
        }

      *minimum = widest_min;
      *natural = MAX (self->wide_width, widest_nat * (int) n);
      return;
    }

  side_by_side = for_size >= self->wide_width;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min, child_nat;
      int child_for_size = side_by_side && for_size > 0 ? for_size / (int) n : for_size;

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, orientation, child_for_size, &child_min, &child_nat, NULL, NULL);

      if (side_by_side)
        {
          *minimum = MAX (*minimum, child_min);
          *natural = MAX (*natural, child_nat);
        }
      else
        {
          *minimum += child_min;
          *natural += child_nat;
        }
    }
}

static void
lab_halves_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  LabHalves *self = LAB_HALVES (widget);
  guint n = count_visible (widget);
  gboolean stacked = width < self->wide_width;
  int x = 0;
  int y = 0;
  guint i = 0;

  if (n == 0)
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_should_layout (child))
        continue;

      if (stacked)
        {
          int child_height;

          /* The last child takes what is left. */
          if (++i == n)
            child_height = MAX (0, height - y);
          else
            gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &child_height, NULL, NULL, NULL);

          gtk_widget_size_allocate (child, &(GtkAllocation) { 0, y, width, child_height }, -1);
          y += child_height;
        }
      else
        {
          int child_width = ++i == n ? width - x : width / (int) n;

          gtk_widget_size_allocate (child, &(GtkAllocation) { x, 0, child_width, height }, -1);
          x += child_width;
        }
    }

  if (self->stacked != stacked)
    {
      self->stacked = stacked;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STACKED]);
    }
}

static GtkSizeRequestMode
lab_halves_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
lab_halves_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_halves_parent_class)->dispose (object);
}

static void
lab_halves_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LabHalves *self = LAB_HALVES (object);

  switch (prop_id)
    {
    case PROP_WIDE_WIDTH:
      g_value_set_int (value, self->wide_width);
      break;

    case PROP_STACKED:
      g_value_set_boolean (value, self->stacked);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_halves_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LabHalves *self = LAB_HALVES (object);

  switch (prop_id)
    {
    case PROP_WIDE_WIDTH:
      lab_halves_set_wide_width (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_halves_class_init (LabHalvesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_halves_dispose;
  object_class->get_property = lab_halves_get_property;
  object_class->set_property = lab_halves_set_property;

  widget_class->measure = lab_halves_measure;
  widget_class->size_allocate = lab_halves_size_allocate;
  widget_class->get_request_mode = lab_halves_get_request_mode;

  properties[PROP_WIDE_WIDTH] =
    g_param_spec_int ("wide-width", NULL, NULL,
                      0, G_MAXINT, 720,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STACKED] =
    g_param_spec_boolean ("stacked", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_halves_init (LabHalves *self)
{
  self->wide_width = 720;
}

int
lab_halves_get_wide_width (LabHalves *self)
{
  g_return_val_if_fail (LAB_IS_HALVES (self), 0);

  return self->wide_width;
}

void
lab_halves_set_wide_width (LabHalves *self,
                                    int                width)
{
  g_return_if_fail (LAB_IS_HALVES (self));

  if (self->wide_width == width)
    return;

  self->wide_width = width;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDE_WIDTH]);
}

gboolean
lab_halves_get_stacked (LabHalves *self)
{
  g_return_val_if_fail (LAB_IS_HALVES (self), FALSE);

  return self->stacked;
}
