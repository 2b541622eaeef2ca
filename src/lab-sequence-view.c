/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-sequence-view"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-sequence-draw.h"
#include "lab-sequence-view.h"

/* One connection drawn as a sequence diagram: the client's lifeline on the
 * left, the server's on the right, time flowing down; an arrow for the
 * upgrade request, its 101, and each frame. Drawn, not made of widgets: only
 * the rows in view are drawn, and there are never more than the capture's
 * ring holds. It follows new frames unless paused; a replay shows the first
 * n_shown arrows only. */

#define HEADER_HEIGHT LAB_SEQUENCE_HEADER_HEIGHT
#define ROW_HEIGHT LAB_SEQUENCE_ROW_HEIGHT
#define BOTTOM_PADDING 24
#define FIRST_FRAME_ARROW 2

struct _LabSequenceView
{
  GtkWidget               parent_instance;

  LabInspectedConnection *connection;
  GListModel             *frames;
  GPtrArray              *arrows;       /* of LabSequenceArrow: handshake, frames, a missing close */
  guint                   n_frames;
  guint                   n_shown;
  int                     selected;
  int                     pending_scroll;
  gboolean                following;
  GtkAdjustment          *vadjustment;  /* the scrolled window's, while rooted */
};

enum {
  PROP_0,
  PROP_SELECTED,
  PROP_FOLLOWING,
  PROP_N_SHOWN,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabSequenceView, lab_sequence_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static guint
n_visible (LabSequenceView *self)
{
  return MIN (self->n_shown, self->arrows->len);
}

static gboolean
has_no_close_arrow (LabSequenceView *self)
{
  return self->arrows->len > FIRST_FRAME_ARROW + self->n_frames;
}

/* A connection that ended with no close frame either way gets one last arrow saying so. */
static void
update_no_close (LabSequenceView *self)
{
  gboolean wanted = self->connection != NULL && !lab_inspected_connection_get_open (self->connection);

  for (guint i = FIRST_FRAME_ARROW; wanted && i < FIRST_FRAME_ARROW + self->n_frames; i++)
    wanted = ((LabSequenceArrow *) self->arrows->pdata[i])->kind != LAB_SEQUENCE_ARROW_CLOSE;

  if (wanted && !has_no_close_arrow (self))
    g_ptr_array_add (self->arrows, lab_sequence_arrow_new_no_close ());
  else if (!wanted && has_no_close_arrow (self))
    g_ptr_array_set_size (self->arrows, FIRST_FRAME_ARROW + self->n_frames);
}

static void
scroll_to_pending (LabSequenceView *self)
{
  double value, page, top, bottom;

  if (self->vadjustment == NULL)
    return;

  value = gtk_adjustment_get_value (self->vadjustment);
  page = gtk_adjustment_get_page_size (self->vadjustment);
  if (self->following)
    {
      gtk_adjustment_set_value (self->vadjustment, gtk_adjustment_get_upper (self->vadjustment) - page);
      return;
    }
  if (self->pending_scroll < 0)
    return;

  top = HEADER_HEIGHT + self->pending_scroll * ROW_HEIGHT;
  bottom = top + ROW_HEIGHT;
  /* Wait for the layout that makes room for a new arrow. */
  if (bottom > gtk_adjustment_get_upper (self->vadjustment))
    return;
  if (top - HEADER_HEIGHT < value)
    gtk_adjustment_set_value (self->vadjustment, top - HEADER_HEIGHT);
  else if (bottom + BOTTOM_PADDING > value + page)
    gtk_adjustment_set_value (self->vadjustment, bottom + BOTTOM_PADDING - page);
  self->pending_scroll = -1;
}

static void
arrows_changed (LabSequenceView *self)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
  scroll_to_pending (self);
}

static void
append_frame_arrows (LabSequenceView *self,
                     guint            from)
{
  guint n = g_list_model_get_n_items (self->frames);

  for (guint i = from; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (self->frames, i);

      g_ptr_array_add (self->arrows, lab_sequence_arrow_new_for_frame (frame, self->arrows));
    }
  self->n_frames = n;
}

static void
rebuild (LabSequenceView *self)
{
  LabHandshake *handshake = self->connection ? lab_inspected_connection_get_handshake (self->connection)
                                             : NULL;

  g_ptr_array_set_size (self->arrows, 0);
  self->n_frames = 0;
  if (self->connection != NULL)
    {
      g_ptr_array_add (self->arrows, lab_sequence_arrow_new_upgrade (handshake));
      g_ptr_array_add (self->arrows, lab_sequence_arrow_new_switching (handshake));
    }
  if (self->frames != NULL)
    append_frame_arrows (self, 0);
  update_no_close (self);
  arrows_changed (self);
}

/* A ring forgets its oldest frames and gains new ones at the end: the
 * arrows follow without being made again. */
static void
frames_changed_cb (LabSequenceView *self,
                   guint            position,
                   guint            removed,
                   guint            added)
{
  g_ptr_array_set_size (self->arrows, FIRST_FRAME_ARROW + self->n_frames);
  if (added > 0 && position + removed != self->n_frames)
    {
      rebuild (self);
      return;
    }

  g_ptr_array_remove_range (self->arrows, FIRST_FRAME_ARROW + position, removed);
  if (self->selected >= FIRST_FRAME_ARROW + (int) (position + removed))
    self->selected -= removed;
  else if (self->selected >= FIRST_FRAME_ARROW + (int) position)
    self->selected = -1;
  if (self->n_shown != LAB_SEQUENCE_VIEW_ALL)
    self->n_shown = self->n_shown > FIRST_FRAME_ARROW + removed ? self->n_shown - removed
                                                                 : FIRST_FRAME_ARROW;
  self->n_frames -= removed;
  append_frame_arrows (self, self->n_frames);
  update_no_close (self);
  if (self->selected >= (int) self->arrows->len)
    self->selected = -1;
  arrows_changed (self);
}

static void
handshake_changed_cb (LabSequenceView *self)
{
  rebuild (self);
}

static void
open_changed_cb (LabSequenceView *self)
{
  update_no_close (self);
  arrows_changed (self);
}

void
lab_sequence_view_set_connection (LabSequenceView        *self,
                                  LabInspectedConnection *connection)
{
  g_return_if_fail (LAB_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (!connection || LAB_IS_INSPECTED_CONNECTION (connection));

  if (self->connection == connection)
    return;

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  if (self->frames != NULL)
    g_signal_handlers_disconnect_by_data (self->frames, self);
  g_clear_object (&self->frames);
  g_set_object (&self->connection, connection);

  if (connection != NULL)
    {
      g_signal_connect_object (connection, "notify::handshake", G_CALLBACK (handshake_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (connection, "notify::open", G_CALLBACK (open_changed_cb), self,
                               G_CONNECT_SWAPPED);
      if (lab_inspected_connection_get_frames (connection) != NULL)
        {
          self->frames = g_object_ref (lab_inspected_connection_get_frames (connection));
          g_signal_connect_object (self->frames, "items-changed", G_CALLBACK (frames_changed_cb),
                                   self, G_CONNECT_SWAPPED);
        }
    }

  self->selected = -1;
  self->n_shown = LAB_SEQUENCE_VIEW_ALL;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOWN]);
}

static void
lab_sequence_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  LabSequenceView *self = LAB_SEQUENCE_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  LabSequenceScene scene = { self->arrows, n_visible (self), self->selected, 0,
                             gtk_widget_get_height (widget) };
  cairo_t *cr;

  if (self->connection == NULL || width <= LAB_SEQUENCE_TIME_COLUMN)
    return;

  /* Only the rows in view. */
  if (self->vadjustment != NULL)
    {
      scene.top = gtk_adjustment_get_value (self->vadjustment);
      scene.bottom = MIN (scene.bottom, scene.top + gtk_adjustment_get_page_size (self->vadjustment));
    }
  if (scene.bottom <= scene.top)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, scene.top, width,
                                                                scene.bottom - scene.top));
  lab_sequence_draw (widget, cr, &scene);
  cairo_destroy (cr);
}

static void
lab_sequence_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  LabSequenceView *self = LAB_SEQUENCE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 560;
      *natural = 900;
    }
  else
    *minimum = *natural = HEADER_HEIGHT + n_visible (self) * ROW_HEIGHT + BOTTOM_PADDING;
}

/* Scrolling */

static void
adjustment_changed_cb (LabSequenceView *self)
{
  scroll_to_pending (self);
}

static void
lab_sequence_view_root (GtkWidget *widget)
{
  LabSequenceView *self = LAB_SEQUENCE_VIEW (widget);
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);

  GTK_WIDGET_CLASS (lab_sequence_view_parent_class)->root (widget);

  if (scrolled == NULL)
    return;
  self->vadjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)));
  /* A viewport moves a drawn widget without drawing it again: this one draws what is in view. */
  g_signal_connect_object (self->vadjustment, "value-changed", G_CALLBACK (gtk_widget_queue_draw),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->vadjustment, "changed", G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
lab_sequence_view_unroot (GtkWidget *widget)
{
  LabSequenceView *self = LAB_SEQUENCE_VIEW (widget);

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);

  GTK_WIDGET_CLASS (lab_sequence_view_parent_class)->unroot (widget);
}

static void
pressed_cb (LabSequenceView *self,
            int              n_press,
            double           x,
            double           y)
{
  int index = (y - HEADER_HEIGHT) / ROW_HEIGHT;

  if (y < HEADER_HEIGHT || index >= (int) n_visible (self))
    return;

  lab_sequence_view_set_following (self, FALSE);
  lab_sequence_view_select (self, index);
}

static void
lab_sequence_view_dispose (GObject *object)
{
  LabSequenceView *self = LAB_SEQUENCE_VIEW (object);

  lab_sequence_view_set_connection (self, NULL);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (lab_sequence_view_parent_class)->dispose (object);
}

static void
lab_sequence_view_finalize (GObject *object)
{
  LabSequenceView *self = LAB_SEQUENCE_VIEW (object);

  g_clear_pointer (&self->arrows, g_ptr_array_unref);

  G_OBJECT_CLASS (lab_sequence_view_parent_class)->finalize (object);
}

static void
lab_sequence_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabSequenceView *self = LAB_SEQUENCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;
    case PROP_FOLLOWING:
      g_value_set_boolean (value, self->following);
      break;
    case PROP_N_SHOWN:
      g_value_set_uint (value, self->n_shown);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_sequence_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LabSequenceView *self = LAB_SEQUENCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      lab_sequence_view_select (self, g_value_get_int (value));
      break;
    case PROP_FOLLOWING:
      lab_sequence_view_set_following (self, g_value_get_boolean (value));
      break;
    case PROP_N_SHOWN:
      lab_sequence_view_set_n_shown (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_sequence_view_class_init (LabSequenceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_sequence_view_dispose;
  object_class->finalize = lab_sequence_view_finalize;
  object_class->get_property = lab_sequence_view_get_property;
  object_class->set_property = lab_sequence_view_set_property;
  widget_class->snapshot = lab_sequence_view_snapshot;
  widget_class->measure = lab_sequence_view_measure;
  widget_class->root = lab_sequence_view_root;
  widget_class->unroot = lab_sequence_view_unroot;

  /* The highlighted arrow, -1 for none */
  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* Whether new arrows are scrolled into view as they come */
  properties[PROP_FOLLOWING] =
    g_param_spec_boolean ("following", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* How many arrows are drawn: fewer while a replay runs */
  properties[PROP_N_SHOWN] =
    g_param_spec_uint ("n-shown", NULL, NULL, 0, G_MAXUINT, LAB_SEQUENCE_VIEW_ALL,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "sequence");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_sequence_view_init (LabSequenceView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->arrows = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_sequence_arrow_free);
  self->selected = -1;
  self->pending_scroll = -1;
  self->following = TRUE;
  self->n_shown = LAB_SEQUENCE_VIEW_ALL;

  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Sequence diagram: the client on the left, the server on the "
                                    "right, time flowing down"), -1);
}

/* Every arrow there is, drawn or not yet (in a replay). */
guint
lab_sequence_view_get_n_arrows (LabSequenceView *self)
{
  g_return_val_if_fail (LAB_IS_SEQUENCE_VIEW (self), 0);
  return self->arrows->len;
}

/* Returns: (transfer none): arrow @index: 0 the upgrade, 1 its 101, then the frames */
const LabSequenceArrow *
lab_sequence_view_get_arrow (LabSequenceView *self,
                             guint            index)
{
  g_return_val_if_fail (LAB_IS_SEQUENCE_VIEW (self), NULL);
  g_return_val_if_fail (index < self->arrows->len, NULL);
  return self->arrows->pdata[index];
}

char *
lab_sequence_view_dup_arrow_label (LabSequenceView *self,
                                   guint            index)
{
  const LabSequenceArrow *arrow = lab_sequence_view_get_arrow (self, index);

  return arrow != NULL ? g_strdup (arrow->label) : NULL;
}

/* How many arrows are drawn: all of them but while a replay runs. */
guint
lab_sequence_view_get_n_shown (LabSequenceView *self)
{
  g_return_val_if_fail (LAB_IS_SEQUENCE_VIEW (self), 0);
  return n_visible (self);
}

/* @n_shown: how many arrows to draw, LAB_SEQUENCE_VIEW_ALL for every one */
void
lab_sequence_view_set_n_shown (LabSequenceView *self,
                               guint            n_shown)
{
  g_return_if_fail (LAB_IS_SEQUENCE_VIEW (self));

  if (self->n_shown == n_shown)
    return;
  self->n_shown = n_shown;
  arrows_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOWN]);
}

int
lab_sequence_view_get_selected (LabSequenceView *self)
{
  g_return_val_if_fail (LAB_IS_SEQUENCE_VIEW (self), -1);
  return self->selected;
}

/* Highlights arrow @index (-1: none) and scrolls it into view. */
void
lab_sequence_view_select (LabSequenceView *self,
                          int              index)
{
  g_return_if_fail (LAB_IS_SEQUENCE_VIEW (self));

  index = CLAMP (index, -1, (int) self->arrows->len - 1);
  if (self->selected == index)
    return;

  self->selected = index;
  if (index >= 0)
    {
      self->pending_scroll = index;
      scroll_to_pending (self);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      ((LabSequenceArrow *) self->arrows->pdata[index])->label, -1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/* Returns: the index of @frame's arrow, or -1 */
int
lab_sequence_view_find_frame (LabSequenceView *self,
                              LabFrame        *frame)
{
  g_return_val_if_fail (LAB_IS_SEQUENCE_VIEW (self), -1);

  for (guint i = FIRST_FRAME_ARROW; frame != NULL && i < FIRST_FRAME_ARROW + self->n_frames; i++)
    if (((LabSequenceArrow *) self->arrows->pdata[i])->frame == frame)
      return i;

  return -1;
}

gboolean
lab_sequence_view_get_following (LabSequenceView *self)
{
  g_return_val_if_fail (LAB_IS_SEQUENCE_VIEW (self), FALSE);
  return self->following;
}

/* Following: the newest arrow stays in view. Off, the diagram stands still. */
void
lab_sequence_view_set_following (LabSequenceView *self,
                                 gboolean         following)
{
  g_return_if_fail (LAB_IS_SEQUENCE_VIEW (self));

  if (self->following == !!following)
    return;
  self->following = !!following;
  scroll_to_pending (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOWING]);
}
