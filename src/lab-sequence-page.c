/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-sequence-page"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-sequence-draw.h"
#include "lab-sequence-page.h"

/* The Inspector's Sequence page: the diagram, and what a class does with it.
 * Pause stops following new frames; Step Back and Step Forward move the
 * selected arrow, and the Frames page selects the same frame (the two share
 * one selection); Replay draws the session again from its first arrow at
 * real speed or slowed, with play and pause. */

/* The upgrade and its 101 come this long apart in a replay (their times are not kept). */
#define HANDSHAKE_STEP_MS 400
/* A long silence in a replay is shortened to this: a class waits for nothing. */
#define MAX_STEP_MS 4000

struct _LabSequencePage
{
  AdwBin                  parent_instance;

  GtkSingleSelection     *selection;   /* the Frames page's */
  LabFrame               *wanted;      /* to select there once its list catches up */
  char                   *speed;       /* "1", "0.5", "0.25" */
  guint                   replay_id;
  gboolean                paused;
  gboolean                playing;
  gboolean                syncing;

  /* Template widgets */
  LabSequenceView        *view;
  GtkDrawingArea         *names;
  GtkWidget              *play_button;
  GtkLabel               *position_label;
  GtkLabel               *selected_label;
};

enum {
  PROP_0,
  PROP_PAUSED,
  PROP_PLAYING,
  PROP_SPEED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabSequencePage, lab_sequence_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void set_playing (LabSequencePage *self,
                         gboolean         playing);

static void
set_paused (LabSequencePage *self,
            gboolean         paused)
{
  if (self->paused == !!paused)
    return;

  self->paused = !!paused;
  /* Following again ends a replay: the whole capture, as it comes. */
  if (!paused)
    {
      set_playing (self, FALSE);
      lab_sequence_view_set_n_shown (self->view, LAB_SEQUENCE_VIEW_ALL);
    }
  lab_sequence_view_set_following (self->view, !paused);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
update_position (LabSequencePage *self)
{
  int selected = lab_sequence_view_get_selected (self->view);
  g_autofree char *text = NULL;

  if (selected >= 0)
    /* Translators: the selected arrow, and how many are drawn */
    text = g_strdup_printf (_("Arrow %d of %u"), selected + 1, lab_sequence_view_get_n_shown (self->view));
  else
    text = g_strdup_printf (ngettext ("%u arrow", "%u arrows", lab_sequence_view_get_n_shown (self->view)),
                            lab_sequence_view_get_n_shown (self->view));
  gtk_label_set_label (self->position_label, text);
}

/* The list shows new frames in batches: the frame wanted may come a little later. */
static void
sync_list_cb (LabSequencePage *self)
{
  if (self->selection == NULL || self->wanted == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->selection)); i++)
    {
      g_autoptr(LabFrame) item = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

      if (item == self->wanted)
        {
          self->syncing = TRUE;
          gtk_single_selection_set_selected (self->selection, i);
          self->syncing = FALSE;
          g_clear_object (&self->wanted);
          return;
        }
    }
}

/* The arrow selected here is the frame selected on the Frames page. */
static void
view_selected_cb (LabSequencePage *self)
{
  int selected = lab_sequence_view_get_selected (self->view);
  const LabSequenceArrow *arrow = selected >= 0 ? lab_sequence_view_get_arrow (self->view, selected) : NULL;

  update_position (self);
  if (arrow == NULL)
    return;

  if (arrow->frame != NULL)
    {
      g_autofree char *line = lab_frame_describe (arrow->frame, 80);

      gtk_label_set_label (self->selected_label, line);
    }
  else
    gtk_label_set_label (self->selected_label, arrow->label);

  if (self->syncing)
    return;
  g_set_object (&self->wanted, arrow->frame);
  sync_list_cb (self);
}

static void
list_selected_cb (LabSequencePage *self)
{
  int index;

  if (self->syncing)
    return;

  /* A person picked another frame in the list: that one wins. */
  g_clear_object (&self->wanted);
  index = lab_sequence_view_find_frame (self->view, gtk_single_selection_get_selected_item (self->selection));
  if (index < 0 || (guint) index >= lab_sequence_view_get_n_shown (self->view))
    return;

  self->syncing = TRUE;
  lab_sequence_view_select (self->view, index);
  self->syncing = FALSE;
}

/* A click on an arrow stops following too: Pause says so. */
static void
view_following_cb (LabSequencePage *self)
{
  if (lab_sequence_view_get_following (self->view) == !self->paused)
    return;

  self->paused = !lab_sequence_view_get_following (self->view);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
step (LabSequencePage *self,
      int              by)
{
  LabSequenceView *view = self->view;
  int selected = lab_sequence_view_get_selected (view);
  int shown = lab_sequence_view_get_n_shown (view);
  int next = selected >= 0 ? selected + by : (by > 0 ? 0 : shown - 1);

  set_playing (self, FALSE);
  set_paused (self, TRUE);
  if (next < 0 || next >= (int) lab_sequence_view_get_n_arrows (view))
    return;

  /* Stepping past the last arrow of a replay draws the next. */
  if (next >= shown)
    lab_sequence_view_set_n_shown (view, next + 1);
  lab_sequence_view_select (view, next);
}

static void
step_back_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  step (LAB_SEQUENCE_PAGE (widget), -1);
}

static void
step_forward_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  step (LAB_SEQUENCE_PAGE (widget), +1);
}

/* Replay */

static guint
next_delay_ms (LabSequencePage *self,
               guint            next)
{
  const LabSequenceArrow *before = lab_sequence_view_get_arrow (self->view, next - 1);
  const LabSequenceArrow *after = lab_sequence_view_get_arrow (self->view, next);
  double speed = g_ascii_strtod (self->speed, NULL);
  double ms = HANDSHAKE_STEP_MS;

  if (before->frame != NULL && after->frame != NULL)
    ms = (lab_frame_get_time (after->frame) - lab_frame_get_time (before->frame)) / 1000.0;

  return (guint) MIN (ms / MAX (speed, 0.01), MAX_STEP_MS);
}

static gboolean replay_step_cb (gpointer data);

static void
schedule_next (LabSequencePage *self)
{
  guint shown = lab_sequence_view_get_n_shown (self->view);

  g_clear_handle_id (&self->replay_id, g_source_remove);
  if (shown >= lab_sequence_view_get_n_arrows (self->view))
    {
      /* The end: every arrow, and new ones as they come once Pause is off. */
      lab_sequence_view_set_n_shown (self->view, LAB_SEQUENCE_VIEW_ALL);
      set_playing (self, FALSE);
      return;
    }

  self->replay_id = g_timeout_add (next_delay_ms (self, MAX (shown, 1)), replay_step_cb, self);
}

static gboolean
replay_step_cb (gpointer data)
{
  LabSequencePage *self = data;
  guint shown = lab_sequence_view_get_n_shown (self->view);

  self->replay_id = 0;
  lab_sequence_view_set_n_shown (self->view, shown + 1);
  lab_sequence_view_select (self->view, shown);
  schedule_next (self);

  return G_SOURCE_REMOVE;
}

static void
set_playing (LabSequencePage *self,
             gboolean         playing)
{
  if (self->playing == !!playing)
    return;

  self->playing = !!playing;
  if (playing)
    {
      set_paused (self, TRUE);
      /* Play with no replay under way starts one. */
      if (lab_sequence_view_get_n_shown (self->view) >= lab_sequence_view_get_n_arrows (self->view))
        {
          lab_sequence_view_set_n_shown (self->view, 1);
          lab_sequence_view_select (self->view, 0);
        }
      schedule_next (self);
    }
  else
    g_clear_handle_id (&self->replay_id, g_source_remove);

  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  playing ? _("Pause replay") : _("Play replay"), -1);
  update_position (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

static void
replay_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabSequencePage *self = LAB_SEQUENCE_PAGE (widget);

  set_playing (self, FALSE);
  lab_sequence_view_set_n_shown (self->view, LAB_SEQUENCE_VIEW_ALL);
  set_playing (self, TRUE);
}

static void
draw_names (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  lab_sequence_draw_names (GTK_WIDGET (area), cr);
}

static void
lab_sequence_page_dispose (GObject *object)
{
  LabSequencePage *self = LAB_SEQUENCE_PAGE (object);

  g_clear_handle_id (&self->replay_id, g_source_remove);
  lab_sequence_page_link_selection (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_SEQUENCE_PAGE);

  G_OBJECT_CLASS (lab_sequence_page_parent_class)->dispose (object);
}

static void
lab_sequence_page_finalize (GObject *object)
{
  LabSequencePage *self = LAB_SEQUENCE_PAGE (object);

  g_clear_pointer (&self->speed, g_free);

  G_OBJECT_CLASS (lab_sequence_page_parent_class)->finalize (object);
}

static void
lab_sequence_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabSequencePage *self = LAB_SEQUENCE_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_SPEED:
      g_value_set_string (value, self->speed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_sequence_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LabSequencePage *self = LAB_SEQUENCE_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      set_paused (self, g_value_get_boolean (value));
      break;
    case PROP_PLAYING:
      set_playing (self, g_value_get_boolean (value));
      break;
    case PROP_SPEED:
      if (g_strcmp0 (self->speed, g_value_get_string (value)) != 0)
        {
          g_free (self->speed);
          self->speed = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_sequence_page_class_init (LabSequencePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_sequence_page_dispose;
  object_class->finalize = lab_sequence_page_finalize;
  object_class->get_property = lab_sequence_page_get_property;
  object_class->set_property = lab_sequence_page_set_property;

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The replay's speed: "1" real, "0.5", "0.25" */
  properties[PROP_SPEED] =
    g_param_spec_string ("speed", NULL, NULL, "1",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LAB_TYPE_SEQUENCE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-sequence-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabSequencePage, view);
  gtk_widget_class_bind_template_child (widget_class, LabSequencePage, names);
  gtk_widget_class_bind_template_child (widget_class, LabSequencePage, play_button);
  gtk_widget_class_bind_template_child (widget_class, LabSequencePage, position_label);
  gtk_widget_class_bind_template_child (widget_class, LabSequencePage, selected_label);

  gtk_widget_class_install_property_action (widget_class, "sequence.pause", "paused");
  gtk_widget_class_install_property_action (widget_class, "sequence.play", "playing");
  gtk_widget_class_install_property_action (widget_class, "sequence.speed", "speed");
  gtk_widget_class_install_action (widget_class, "sequence.step-back", NULL, step_back_action);
  gtk_widget_class_install_action (widget_class, "sequence.step-forward", NULL, step_forward_action);
  gtk_widget_class_install_action (widget_class, "sequence.replay", NULL, replay_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "sequence.step-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "sequence.step-forward", NULL);
}

static void
lab_sequence_page_init (LabSequencePage *self)
{
  self->speed = g_strdup ("1");

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->names, draw_names, NULL, NULL);

  g_signal_connect_object (self->view, "notify::selected", G_CALLBACK (view_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "notify::n-shown", G_CALLBACK (update_position), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "notify::following", G_CALLBACK (view_following_cb), self,
                           G_CONNECT_SWAPPED);
  update_position (self);
}

/* @connection: (nullable): whose session to draw */
void
lab_sequence_page_set_connection (LabSequencePage        *self,
                                  LabInspectedConnection *connection)
{
  g_return_if_fail (LAB_IS_SEQUENCE_PAGE (self));

  set_playing (self, FALSE);
  set_paused (self, FALSE);
  lab_sequence_view_set_connection (self->view, connection);
  update_position (self);
}

/**
 * lab_sequence_page_link_selection:
 * @selection: (nullable): the Frames page's selection, shared with the diagram
 */
void
lab_sequence_page_link_selection (LabSequencePage    *self,
                                  GtkSingleSelection *selection)
{
  g_return_if_fail (LAB_IS_SEQUENCE_PAGE (self));

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_set_object (&self->selection, selection);
  g_clear_object (&self->wanted);
  if (selection != NULL)
    {
      g_signal_connect_object (selection, "notify::selected-item", G_CALLBACK (list_selected_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (selection, "items-changed", G_CALLBACK (sync_list_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

LabSequenceView *
lab_sequence_page_get_view (LabSequencePage *self)
{
  g_return_val_if_fail (LAB_IS_SEQUENCE_PAGE (self), NULL);
  return self->view;
}

/* What the page says of the selected arrow: its frame's every field, on one line. */
const char *
lab_sequence_page_get_selected_text (LabSequencePage *self)
{
  g_return_val_if_fail (LAB_IS_SEQUENCE_PAGE (self), NULL);
  return gtk_label_get_label (self->selected_label);
}
