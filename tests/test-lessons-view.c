/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "lab-inspected-connection.h"
#include "lab-lessons-view.h"
#include "lab-tls.h"
#include "lab-ui-test-utils.h"

/* The Lessons page as a teacher uses it: its buttons do each step with the
 * app's own means, the check marks come from the server's traffic, Show in
 * Inspector shows the evidence, TLS goes on and off, and Reset forgets. */

typedef struct
{
  LabWindow      *window;
  LabServer      *server;
  LabLessonsView *view;
  AdwViewStack   *stack;
} Scene;

static gboolean
row_done (gpointer data)
{
  return lab_lesson_step_row_get_done (data);
}

static void
press_step (Scene         *scene,
            LabLessonStep  step)
{
  LabLessonStepRow *row = lab_lessons_view_get_row (scene->view, step);
  GtkWidget *button = find_actionable (GTK_WIDGET (row), "lessons.run-step");

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
wait_checked (Scene         *scene,
              LabLessonStep  step)
{
  LabLessonStepRow *row = lab_lessons_view_get_row (scene->view, step);

  g_assert_true (lab_test_wait_until (row_done, row, LAB_TEST_TIMEOUT_MS));
}

static gboolean
log_has_greeting (gpointer data)
{
  GListModel *log = G_LIST_MODEL (lab_server_get_event_log (data));

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (log, i);

      if (lab_event_get_kind (event) == LAB_EVENT_MESSAGE_OUT &&
          g_strcmp0 (lab_event_get_detail (event), "Hello Ada!") == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
evidence_frame_selected (gpointer data)
{
  Scene *scene = data;
  LabInspector *inspector = lab_window_get_inspector (scene->window);
  GtkSingleSelection *shown = lab_frames_view_get_shown (lab_inspector_get_frames_view (inspector));
  LabFrame *selected = gtk_single_selection_get_selected_item (shown);
  g_autofree char *text = selected ? lab_frame_dup_payload_text (selected) : NULL;

  return g_strcmp0 (text, "Hello Ada!") == 0;
}

static void
say_hello (Scene *scene)
{
  LabLessonStepRow *row = lab_lessons_view_get_row (scene->view, LAB_LESSON_STEP_HELLO);
  GtkWidget *show;

  g_assert_false (lab_lesson_step_row_get_done (row));
  show = find_actionable (GTK_WIDGET (row), "lessons.show-evidence");
  g_assert_false (gtk_widget_get_visible (show));

  lab_lesson_step_row_set_name (row, "Ada");
  press_step (scene, LAB_LESSON_STEP_HELLO);
  wait_checked (scene, LAB_LESSON_STEP_HELLO);
  g_assert_true (log_has_greeting (scene->server));
  g_assert_true (gtk_widget_get_visible (show));
}

static void
show_hello_in_inspector (Scene *scene)
{
  LabLessonStepRow *row = lab_lessons_view_get_row (scene->view, LAB_LESSON_STEP_HELLO);
  LabLessonProgress *progress = lab_lessons_view_get_progress (scene->view);
  LabInspector *inspector = lab_window_get_inspector (scene->window);
  GtkWidget *show = find_actionable (GTK_WIDGET (row), "lessons.show-evidence");

  g_signal_emit_by_name (show, "clicked");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (scene->stack), ==, "inspector");
  g_assert_nonnull (lab_inspector_get_connection (inspector));
  g_assert_true (lab_inspected_connection_get_source (lab_inspector_get_connection (inspector)) ==
                 G_OBJECT (lab_lesson_progress_get_peer (progress, LAB_LESSON_STEP_HELLO)));
  g_assert_true (lab_test_wait_until (evidence_frame_selected, scene, LAB_TEST_TIMEOUT_MS));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->window), "win.toggle-lessons", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (scene->stack), ==, "lessons");
}

static gboolean
serves_tls (gpointer data)
{
  return lab_server_get_running (data) && lab_server_get_tls_certificate (data) != NULL;
}

static gboolean
serves_plain (gpointer data)
{
  return lab_server_get_running (data) && lab_server_get_tls_certificate (data) == NULL;
}

static void
hello_over_tls (Scene *scene)
{
  LabLessonStepRow *row = lab_lessons_view_get_row (scene->view, LAB_LESSON_STEP_HELLO_TLS);
  g_autofree char *fingerprint = NULL;

  press_step (scene, LAB_LESSON_STEP_TLS_ON);
  g_assert_true (lab_test_wait_until (serves_tls, scene->server, 3 * LAB_TEST_TIMEOUT_MS));
  wait_checked (scene, LAB_LESSON_STEP_TLS_ON);
  fingerprint = lab_tls_dup_fingerprint (lab_server_get_tls_certificate (scene->server));
  g_assert_nonnull (strstr (lab_lesson_progress_get_detail (lab_lessons_view_get_progress (scene->view),
                                                            LAB_LESSON_STEP_TLS_ON),
                            fingerprint));

  lab_lesson_step_row_set_name (row, "Grace");
  press_step (scene, LAB_LESSON_STEP_HELLO_TLS);
  wait_checked (scene, LAB_LESSON_STEP_HELLO_TLS);
  g_assert_nonnull (strstr (lab_lesson_progress_get_detail (lab_lessons_view_get_progress (scene->view),
                                                            LAB_LESSON_STEP_HELLO_TLS),
                            "Hello Grace!"));

  save_screenshot (GTK_WIDGET (scene->window), "lessons.png");
}

static void
switch_tls_off (Scene *scene)
{
  g_autofree char *url = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->view), "lessons.tls-off", NULL));
  g_assert_true (lab_test_wait_until (serves_plain, scene->server, 3 * LAB_TEST_TIMEOUT_MS));
  url = lab_server_dup_url (scene->server, LAB_ENDPOINT_COUNTER);
  g_assert_true (g_str_has_prefix (url, "ws://"));
}

static void
time_stream (Scene *scene)
{
  g_autoptr(SoupWebsocketConnection) page = NULL;

  /* The window's own client has followed /time all along: not the lesson. */
  lab_test_run_for (500);
  g_assert_false (lab_lesson_step_row_get_done (lab_lessons_view_get_row (scene->view,
                                                                          LAB_LESSON_STEP_TIME)));
  lab_server_set_time_interval_max (scene->server, 0.2);
  /* The button opens a browser, which tests leave out: a client with the
   * page's Origin stands in for it. */
  page = lab_test_connect_as_page (scene->server, "/time");
  wait_checked (scene, LAB_LESSON_STEP_TIME);
  lab_test_close_and_wait (page);
}

static void
shared_counter (Scene          *scene,
                LabApplication *app)
{
  LabLessonProgress *progress = lab_lessons_view_get_progress (scene->view);
  LabInspector *inspector = lab_window_get_inspector (scene->window);
  g_autoptr(SoupWebsocketConnection) page = NULL;
  LabLessonStepRow *row;
  LabPeer *clicker;

  /* The window's client came back after TLS went off: one user. */
  wait_server_users (app, 1);
  wait_ready (scene->window);
  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_COUNTER_JOIN));

  page = lab_test_connect_as_page (scene->server, "/");
  wait_checked (scene, LAB_LESSON_STEP_COUNTER_JOIN);
  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_COUNTER_BROADCAST));

  /* Press + : the window's client sends the action, both clients get the state. */
  press_step (scene, LAB_LESSON_STEP_COUNTER_BROADCAST);
  wait_checked (scene, LAB_LESSON_STEP_COUNTER_BROADCAST);
  lab_test_receive_until (page, "{\"type\":\"state\",\"value\":1}");

  /* Its evidence is the window client's connection, still open. */
  clicker = lab_lesson_progress_get_peer (progress, LAB_LESSON_STEP_COUNTER_BROADCAST);
  g_assert_true (lab_peer_is_open (clicker));
  row = lab_lessons_view_get_row (scene->view, LAB_LESSON_STEP_COUNTER_BROADCAST);
  g_signal_emit_by_name (find_actionable (GTK_WIDGET (row), "lessons.show-evidence"), "clicked");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (scene->stack), ==, "inspector");
  g_assert_true (lab_inspected_connection_get_source (lab_inspector_get_connection (inspector)) ==
                 G_OBJECT (clicker));
  g_assert_true (lab_inspected_connection_get_open (lab_inspector_get_connection (inspector)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->window), "win.toggle-lessons", NULL));

  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_COUNTER_LEAVE));
  lab_test_close_and_wait (page);
  wait_checked (scene, LAB_LESSON_STEP_COUNTER_LEAVE);
}

static void
lessons_follow_real_traffic (LabApplication *app)
{
  Scene scene = { first_window (app), lab_ui_test_get_server (app), NULL, NULL };
  LabLessonProgress *progress;
  AdwViewStackPage *page;

  wait_ready (scene.window);
  gtk_window_set_default_size (GTK_WINDOW (scene.window), 1100, 800);
  scene.view = LAB_LESSONS_VIEW (find_widget_of_type (GTK_WIDGET (scene.window),
                                                      LAB_TYPE_LESSONS_VIEW));
  scene.stack = ADW_VIEW_STACK (find_widget_of_type (GTK_WIDGET (scene.window),
                                                     ADW_TYPE_VIEW_STACK));
  progress = lab_lessons_view_get_progress (scene.view);

  /* Its switcher button is named by the page's title. */
  page = adw_view_stack_get_page (scene.stack, GTK_WIDGET (scene.view));
  g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, "Lessons");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.window), "win.toggle-lessons", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (scene.stack), ==, "lessons");
  g_assert_cmpuint (lab_lesson_progress_count_done (progress), ==, 0);

  say_hello (&scene);
  hello_over_tls (&scene);
  /* A hello connection is closed by then: shown as it ended. */
  show_hello_in_inspector (&scene);
  switch_tls_off (&scene);
  time_stream (&scene);
  shared_counter (&scene, app);
  g_assert_cmpuint (lab_lesson_progress_count_done (progress), ==, LAB_LESSON_N_STEPS);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.view), "lessons.reset", NULL));
  g_assert_cmpuint (lab_lesson_progress_count_done (progress), ==, 0);
  for (guint i = 0; i < LAB_LESSON_N_STEPS; i++)
    g_assert_false (lab_lesson_step_row_get_done (lab_lessons_view_get_row (scene.view, i)));
}

static void
test_lessons (void)
{
  run_app (lessons_follow_real_traffic, "--port", "0", NULL);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/lessons-view/follow-real-traffic", test_lessons);

  return g_test_run ();
}
