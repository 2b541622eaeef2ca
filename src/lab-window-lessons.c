/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-inspected-connection.h"
#include "lab-window-private.h"

/* The window's Lessons page: going there and back, and Show in Inspector,
 * which shows the connection a step's evidence came from (open, or as it
 * ended) with the evidence frame selected. */

static void
toggle_lessons_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  const char *shown = adw_view_stack_get_visible_child_name (self->view_stack);

  adw_view_stack_set_visible_child_name (self->view_stack,
                                         g_strcmp0 (shown, "lessons") == 0 ? "lab" : "lessons");
}

/* Returns: whether @frame is in the list shown, now selected */
static gboolean
select_frame (GtkSingleSelection *shown,
              LabFrame           *frame)
{
  GListModel *model = G_LIST_MODEL (shown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LabFrame) item = g_list_model_get_item (model, i);

      if (item == frame)
        {
          gtk_single_selection_set_selected (shown, i);
          return TRUE;
        }
    }

  return FALSE;
}

/* The frame list is fed in batches: the frame may come a moment later. */
static void
shown_changed_cb (GtkSingleSelection *shown,
                  guint               position,
                  guint               removed,
                  guint               added,
                  LabFrame           *frame)
{
  if (select_frame (shown, frame))
    g_signal_handlers_disconnect_by_func (shown, shown_changed_cb, frame);
}

static void
inspect_evidence_cb (LabWindow *self,
                     LabPeer   *peer,
                     LabFrame  *frame)
{
  LabFramesView *frames_view = lab_inspector_get_frames_view (self->inspector);
  GtkSingleSelection *shown;

  if (!lab_window_inspect_peer (self, lab_peer_get_id (peer)))
    {
      g_autoptr(LabInspectedConnection) connection = lab_inspected_connection_new_for_peer (peer);

      /* Closed (a hello always is): what it captured and how it ended. */
      lab_inspector_set_connection (self->inspector, connection);
      adw_view_stack_set_visible_child_name (self->view_stack, "inspector");
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("That connection has closed: shown as it ended")));
    }

  lab_inspector_show_page (self->inspector, "frames");
  if (frame == NULL)
    return;

  shown = lab_frames_view_get_shown (frames_view);
  g_signal_handlers_disconnect_matched (shown, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        shown_changed_cb, NULL);
  if (!select_frame (shown, frame))
    g_signal_connect_data (shown, "items-changed", G_CALLBACK (shown_changed_cb),
                           g_object_ref (frame), (GClosureNotify) g_object_unref, 0);
}

void
_lab_window_attach_lessons (LabWindow *self)
{
  lab_lessons_view_set_up (self->lessons_view, self->supervisor, self->trust_store,
                           self->settings);
  g_signal_connect_object (self->lessons_view, "inspect", G_CALLBACK (inspect_evidence_cb),
                           self, G_CONNECT_SWAPPED);
}

void
_lab_window_class_install_lessons_actions (GtkWidgetClass *widget_class)
{
  g_type_ensure (LAB_TYPE_LESSONS_VIEW);
  gtk_widget_class_install_action (widget_class, "win.toggle-lessons", NULL,
                                   toggle_lessons_action);
}
