/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-inspector-test-utils.h"

/* The client half's Faults menu: its items and their actions, and Send in
 * Fragments through the window, as the counter and the Inspector show it. */

typedef InspectorScene Scene;

static const char * const fault_actions[] = {
  "win.fault-skip-pongs",
  "win.fault-fragments",
  "win.fault-rsv1",
  "win.fault-unmasked",
  "win.fault-oversized",
  "win.fault-binary",
};

static void
collect_actions (GMenuModel *model,
                 GPtrArray  *actions)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      char *action = NULL;

      if (section != NULL)
        collect_actions (section, actions);
      else if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_ptr_array_add (actions, action);
    }
}

static gboolean
text_frame_not_fin (gpointer data)
{
  Scene *scene = data;
  GListModel *shown = inspector_shown (scene);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (shown, i);

      if (lab_frame_get_direction (frame) == LAB_FRAME_CLIENT_TO_SERVER &&
          lab_frame_get_opcode (frame) == 0x1 && !lab_frame_get_fin (frame))
        return TRUE;
    }

  return FALSE;
}

static gboolean
skip_pongs_disabled (gpointer data)
{
  return !g_action_group_get_action_enabled (G_ACTION_GROUP (data), "fault-skip-pongs");
}

static void
faults_menu (LabApplication *app)
{
  Scene scene = { 0 };
  GtkWidget *window;
  GtkWidget *pane;
  GtkMenuButton *button;
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func (g_free);
  GVariant *state;
  LabCounter *counter;
  int at;

  scene.window = first_window (app);
  scene.inspector = lab_window_get_inspector (scene.window);
  scene.frames_view = lab_inspector_get_frames_view (scene.inspector);
  window = GTK_WIDGET (scene.window);
  wait_ready (scene.window);

  /* In the client half, named Faults, with every item */
  pane = GTK_WIDGET (lab_window_get_client_pane (scene.window));
  button = GTK_MENU_BUTTON (find_widget_of_type (pane, GTK_TYPE_MENU_BUTTON));
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_menu_button_get_label (button), ==, "_Faults");
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (button)));
  collect_actions (gtk_menu_button_get_menu_model (button), actions);
  g_assert_cmpuint (actions->len, ==, G_N_ELEMENTS (fault_actions));
  for (guint i = 0; i < G_N_ELEMENTS (fault_actions); i++)
    g_assert_cmpstr (g_ptr_array_index (actions, i), ==, fault_actions[i]);

  /* Skip Pongs is a toggle, off until chosen */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "fault-skip-pongs"));
  state = g_action_group_get_action_state (G_ACTION_GROUP (scene.window), "fault-skip-pongs");
  g_assert_false (g_variant_get_boolean (state));
  g_variant_unref (state);

  /* Send in Fragments, watched in the Inspector: a text frame with FIN = 0,
   * continuations, and the counter moves once. */
  g_assert_true (gtk_widget_activate_action (window, "win.inspect-client", NULL));
  g_assert_true (gtk_widget_activate_action (window, "win.fault-fragments", NULL));
  assert_shows_value (scene.window, "1");
  inspector_wait_frame_shown (&scene, LAB_FRAME_CLIENT_TO_SERVER, 0x0);
  g_assert_true (lab_test_wait_until (text_frame_not_fin, &scene, LAB_TEST_TIMEOUT_MS));
  at = inspector_find_shown (&scene, LAB_FRAME_CLIENT_TO_SERVER, 0x0);
  {
    g_autoptr(LabFrame) continuation = g_list_model_get_item (inspector_shown (&scene), (guint) at);

    g_assert_true (lab_frame_get_masked (continuation));
  }
  counter = lab_server_get_counter (lab_ui_test_get_server (app));
  g_assert_cmpint (lab_counter_get_value (counter), ==, 1);

  /* The toggle reaches this window's client */
  g_action_group_change_action_state (G_ACTION_GROUP (scene.window), "fault-skip-pongs",
                                      g_variant_new_boolean (TRUE));
  g_assert_true (lab_client_get_skip_pongs (lab_window_get_client (scene.window)));
  g_action_group_change_action_state (G_ACTION_GROUP (scene.window), "fault-skip-pongs",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (lab_client_get_skip_pongs (lab_window_get_client (scene.window)));

  /* Disconnected, no fault can be chosen */
  g_assert_true (gtk_widget_activate_action (window, "win.disconnect", NULL));
  g_assert_true (lab_test_wait_until (skip_pongs_disabled, scene.window, LAB_TEST_TIMEOUT_MS));
}

static void
test_faults_menu (void)
{
  run_app (faults_menu, "--port", "0", NULL);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/window/faults-menu", test_faults_menu);

  return g_test_run ();
}
