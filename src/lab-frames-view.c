/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-frames-view"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-frame-export.h"
#include "lab-frame-row.h"
#include "lab-frames-view.h"
#include "lab-throttled-list.h"

/* Every frame of the inspected connection, newest first, in a virtualised
 * list fed in batches (the server shares the main loop), narrowed by
 * direction and kind; fragments of one message carry its number and their
 * part; the selected frame is drawn below. Pause freezes the list while
 * capture goes on; Clear forgets what was captured; Export writes the frames
 * listed as JSON lines in a worker thread. */

struct _LabFramesView
{
  AdwBin                  parent_instance;

  LabInspectedConnection *connection;
  GListModel             *frames;        /* the engine's ring */
  LabThrottledList       *throttled;
  GtkFilterListModel     *filtered;
  GtkSingleSelection     *selection;
  GtkFilter              *filter;
  char                   *direction;     /* "both", "client-to-server", "server-to-client" */
  char                   *kind;          /* "all", "data", "control" */
  LabFragmentCounter      fragments;
  gboolean                paused;

  /* Template widgets */
  GtkLabel               *count_label;
  GtkRevealer            *paused_revealer;
  GtkColumnView          *column_view;
  LabFrameDetail         *detail;
};

enum {
  PROP_0,
  PROP_DIRECTION,
  PROP_KIND,
  PROP_PAUSED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabFramesView, lab_frames_view, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void
frames_changed_cb (LabFramesView *self,
                   guint          position,
                   guint          removed,
                   guint          added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (self->frames, i);

      lab_fragment_counter_number (&self->fragments, frame);
    }
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  LabFrameColumn column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (column == LAB_FRAME_COLUMN_PAYLOAD)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  LabFrameColumn column = GPOINTER_TO_UINT (user_data);
  LabFrame *frame = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = lab_frame_row_dup_text (frame, column);
  gboolean to_server = lab_frame_get_direction (frame) == LAB_FRAME_CLIENT_TO_SERVER;

  gtk_label_set_label (GTK_LABEL (label), text);

  /* Later parts of a message sit under its first: the group shows. */
  if (column == LAB_FRAME_COLUMN_MESSAGE)
    gtk_widget_set_margin_start (label, lab_frame_row_get_fragment_part (frame) > 1 ? 24 : 0);
  if (column == LAB_FRAME_COLUMN_DIRECTION)
    {
      gtk_widget_set_css_classes (label, (const char *[]) {
        "numeric", to_server ? "client-to-server" : "server-to-client", NULL });
    }
  if (column == LAB_FRAME_COLUMN_OPCODE)
    {
      gtk_widget_set_css_classes (label, (const char *[]) {
        "numeric", lab_frame_is_control (frame) ? "control-frame" : "data-frame", NULL });
    }
}

static void
add_columns (LabFramesView *self)
{
  for (guint i = 0; i < LAB_FRAME_N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (lab_frame_column_get_title (i), factory);
      gtk_column_view_column_set_expand (column, lab_frame_column_get_expand (i));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
    }
}

static gboolean
frame_shown (gpointer item,
             gpointer user_data)
{
  LabFramesView *self = user_data;
  LabFrame *frame = item;
  LabFrameDirection direction = lab_frame_get_direction (frame);

  if (g_str_equal (self->direction, "client-to-server") && direction != LAB_FRAME_CLIENT_TO_SERVER)
    return FALSE;
  if (g_str_equal (self->direction, "server-to-client") && direction != LAB_FRAME_SERVER_TO_CLIENT)
    return FALSE;
  if (g_str_equal (self->kind, "data") && lab_frame_is_control (frame))
    return FALSE;
  if (g_str_equal (self->kind, "control") && !lab_frame_is_control (frame))
    return FALSE;

  return TRUE;
}

static void
update_count (LabFramesView *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint captured = self->frames ? g_list_model_get_n_items (self->frames) : 0;
  g_autofree char *text = NULL;

  /* Translators: frames in the list, frames captured */
  text = g_strdup_printf (_("%u of %u frames"), shown, captured);
  gtk_label_set_label (self->count_label, self->connection ? text : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "frames.export", shown > 0);
}

static void
selection_changed_cb (LabFramesView *self)
{
  lab_frame_detail_set_frame (self->detail, gtk_single_selection_get_selected_item (self->selection));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LabFramesView *self = LAB_FRAMES_VIEW (widget);

  if (self->connection == NULL)
    return;

  lab_inspected_connection_clear_frames (self->connection);
  lab_fragment_counter_reset (&self->fragments);
  /* Even paused: a person who clears expects an empty list. */
  if (self->throttled != NULL)
    lab_throttled_list_flush (self->throttled);
}

/**
 * lab_frames_view_export_async:
 * @file: where to write the frames listed, one JSON object a line
 *
 * Writes what the list shows now (its filters applied), oldest first.
 */
void
lab_frames_view_export_async (LabFramesView       *self,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (LAB_IS_FRAMES_VIEW (self));

  lab_frame_export_async (G_LIST_MODEL (self->filtered), TRUE, file, cancellable, callback, user_data);
}

/* Returns: how many frames were written; 0 with @error set on failure */
guint
lab_frames_view_export_finish (LabFramesView  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (LAB_IS_FRAMES_VIEW (self), 0);

  return lab_frame_export_finish (result, error);
}

static void
show_toast (LabFramesView *self,
            const char    *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

/* An export a person asked for: the view may be gone when it ends. */
typedef struct
{
  GWeakRef  view;
  GFile    *file;
} ExportRequest;

static void
export_request_free (ExportRequest *request)
{
  g_weak_ref_clear (&request->view);
  g_clear_object (&request->file);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportRequest, export_request_free)

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ExportRequest) request = user_data;
  g_autoptr(LabFramesView) self = g_weak_ref_get (&request->view);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (request->file);
  g_autofree char *text = NULL;
  guint written = lab_frame_export_finish (result, &error);

  if (self == NULL)
    return;

  if (error != NULL)
    text = g_strdup_printf (_("Could not export the frames: %s"), error->message);
  else
    text = g_strdup_printf (ngettext ("Exported %u frame to %s", "Exported %u frames to %s", written),
                            written, name);
  show_toast (self, text);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     LabFramesView   *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    {
      ExportRequest *request = g_new0 (ExportRequest, 1);

      g_weak_ref_init (&request->view, self);
      request->file = g_object_ref (file);
      lab_frames_view_export_async (self, file, NULL, exported_cb, request);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabFramesView *self = LAB_FRAMES_VIEW (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export Frames"), GTK_WINDOW (native),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "frames.jsonl");
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
set_filter_string (LabFramesView  *self,
                   char          **field,
                   const char     *value,
                   GParamSpec     *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
set_paused (LabFramesView *self,
            gboolean       paused)
{
  if (self->paused == !!paused)
    return;

  self->paused = !!paused;
  if (self->throttled != NULL)
    lab_throttled_list_set_paused (self->throttled, paused);
  gtk_revealer_set_reveal_child (self->paused_revealer, paused);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
lab_frames_view_dispose (GObject *object)
{
  LabFramesView *self = LAB_FRAMES_VIEW (object);

  lab_frames_view_set_connection (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_FRAMES_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (lab_frames_view_parent_class)->dispose (object);
}

static void
lab_frames_view_finalize (GObject *object)
{
  LabFramesView *self = LAB_FRAMES_VIEW (object);

  g_clear_pointer (&self->direction, g_free);
  g_clear_pointer (&self->kind, g_free);

  G_OBJECT_CLASS (lab_frames_view_parent_class)->finalize (object);
}

static void
lab_frames_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabFramesView *self = LAB_FRAMES_VIEW (object);

  switch (prop_id)
    {
    case PROP_DIRECTION:
      g_value_set_string (value, self->direction);
      break;
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_frames_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LabFramesView *self = LAB_FRAMES_VIEW (object);

  switch (prop_id)
    {
    case PROP_DIRECTION:
      set_filter_string (self, &self->direction, g_value_get_string (value), pspec);
      break;
    case PROP_KIND:
      set_filter_string (self, &self->kind, g_value_get_string (value), pspec);
      break;
    case PROP_PAUSED:
      set_paused (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_frames_view_class_init (LabFramesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_frames_view_dispose;
  object_class->finalize = lab_frames_view_finalize;
  object_class->get_property = lab_frames_view_get_property;
  object_class->set_property = lab_frames_view_set_property;

  /* "both", "client-to-server" or "server-to-client" */
  properties[PROP_DIRECTION] =
    g_param_spec_string ("direction", NULL, NULL, "both",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* "all", "data" or "control" */
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, "all",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LAB_TYPE_FRAME_DETAIL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-frames-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LabFramesView, count_label);
  gtk_widget_class_bind_template_child (widget_class, LabFramesView, paused_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabFramesView, column_view);
  gtk_widget_class_bind_template_child (widget_class, LabFramesView, detail);

  gtk_widget_class_install_property_action (widget_class, "frames.direction", "direction");
  gtk_widget_class_install_property_action (widget_class, "frames.kind", "kind");
  gtk_widget_class_install_property_action (widget_class, "frames.pause", "paused");
  gtk_widget_class_install_action (widget_class, "frames.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "frames.export", NULL, export_action);
}

static void
lab_frames_view_init (LabFramesView *self)
{
  self->direction = g_strdup ("both");
  self->kind = g_strdup ("all");

  gtk_widget_init_template (GTK_WIDGET (self));
  add_columns (self);

  self->filter = GTK_FILTER (gtk_custom_filter_new (frame_shown, self, NULL));
  self->filtered = gtk_filter_list_model_new (NULL, g_object_ref (self->filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->filtered));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filtered, "items-changed",
                           G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  update_count (self);
}

/**
 * lab_frames_view_set_connection:
 * @connection: (nullable): whose frames to list; capturing already
 */
void
lab_frames_view_set_connection (LabFramesView          *self,
                                LabInspectedConnection *connection)
{
  g_return_if_fail (LAB_IS_FRAMES_VIEW (self));
  g_return_if_fail (!connection || LAB_IS_INSPECTED_CONNECTION (connection));

  if (self->connection == connection)
    return;

  if (self->frames != NULL)
    g_signal_handlers_disconnect_by_data (self->frames, self);
  if (self->filtered != NULL)
    gtk_filter_list_model_set_model (self->filtered, NULL);
  g_clear_object (&self->throttled);
  g_clear_object (&self->frames);
  g_set_object (&self->connection, connection);
  lab_fragment_counter_reset (&self->fragments);
  set_paused (self, FALSE);

  if (connection != NULL && lab_inspected_connection_get_frames (connection) != NULL)
    {
      self->frames = g_object_ref (lab_inspected_connection_get_frames (connection));
      frames_changed_cb (self, 0, 0, g_list_model_get_n_items (self->frames));
      g_signal_connect_object (self->frames, "items-changed", G_CALLBACK (frames_changed_cb), self,
                               G_CONNECT_SWAPPED);
      /* The newest first, where eyes already are; in batches, so a busy
       * connection costs the server's main loop little. */
      self->throttled = lab_throttled_list_new (self->frames, TRUE, 0);
      gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (self->throttled));
    }

  update_count (self);
}

/* Returns: (transfer none): the frames the list shows, and which is selected */
GtkSingleSelection *
lab_frames_view_get_shown (LabFramesView *self)
{
  g_return_val_if_fail (LAB_IS_FRAMES_VIEW (self), NULL);
  return self->selection;
}

/* Returns: (transfer none): where the selected frame is shown */
LabFrameDetail *
lab_frames_view_get_detail (LabFramesView *self)
{
  g_return_val_if_fail (LAB_IS_FRAMES_VIEW (self), NULL);
  return self->detail;
}

/**
 * lab_frames_view_dup_cell_text:
 * @column_id: "message", "time", "direction", "fin", "rsv", "opcode",
 *   "mask", "length" or "payload"
 *
 * Returns: (transfer full): what the list's row for @frame shows in that column
 */
char *
lab_frames_view_dup_cell_text (LabFramesView *self,
                               LabFrame      *frame,
                               const char    *column_id)
{
  LabFrameColumn column;

  g_return_val_if_fail (LAB_IS_FRAMES_VIEW (self), NULL);
  g_return_val_if_fail (LAB_IS_FRAME (frame), NULL);

  g_return_val_if_fail (lab_frame_column_from_id (column_id, &column), NULL);

  return lab_frame_row_dup_text (frame, column);
}
