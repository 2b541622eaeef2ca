/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-ui-test-utils.h"

/* The window in a lecture hall: a thousand clients join the server the window
 * shows, and the window keeps up with what it shows (and spares the server
 * what is out of sight). */

#define CLASS_SIZE 1000
#define CLICKS 3

typedef struct
{
  LabWindow  *window;
  const char *users;
  const char *value;
  const char *online;
} Shows;

static gboolean
window_shows (gpointer data)
{
  Shows *shows = data;
  LabServerPane *server_pane = lab_window_get_server_pane (shows->window);
  LabClientPane *client_pane = lab_window_get_client_pane (shows->window);

  return g_str_equal (lab_server_pane_get_users_text (server_pane), shows->users) &&
         g_str_equal (lab_server_pane_get_value_text (server_pane), shows->value) &&
         g_str_equal (lab_client_pane_get_users_text (client_pane), shows->online) &&
         g_str_equal (lab_client_pane_get_value_text (client_pane), shows->value);
}

typedef struct
{
  GListModel *shown;
  GListModel *log;
} Lists;

static gboolean
shows_newest_first (gpointer data)
{
  Lists *lists = data;
  g_autoptr(LabEvent) first_shown = g_list_model_get_item (lists->shown, 0);
  g_autoptr(LabEvent) newest = g_list_model_get_item (lists->log,
                                                      g_list_model_get_n_items (lists->log) - 1);

  return first_shown != NULL && first_shown == newest;
}

static void
lecture_hall (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *server = lab_ui_test_get_server (app);
  g_autofree char *url = lab_test_url (server, "/");
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  g_autofree char *users = g_strdup_printf ("%u", CLASS_SIZE + 1);
  g_autofree char *online = g_strdup_printf ("%u users online", CLASS_SIZE + 1);
  g_autofree char *value = g_strdup_printf ("%u", CLICKS);
  Shows shows = { window, users, value, online };
  GListModel *shown = lab_server_pane_get_shown_events (lab_window_get_server_pane (window));
  GListModel *log = G_LIST_MODEL (lab_server_get_event_log (server));
  Lists lists = { shown, log };
  g_autoptr(LabEvent) first_shown = NULL;
  g_autoptr(LabEvent) newest = NULL;
  LabTestCrowd *crowd;

  wait_ready (window);

  /* The window's own client and the class. */
  crowd = lab_test_crowd_join (url, CLASS_SIZE);
  for (guint i = 0; i < CLICKS; i++)
    lab_test_crowd_send (crowd, i, plus);
  lab_test_crowd_wait_all_see (crowd, CLASS_SIZE + 1, CLICKS);

  /* Both halves show the final count and value. */
  if (!lab_test_wait_until (window_shows, &shows, LAB_TEST_TIMEOUT_MS))
    g_error ("The window shows %s users and %s on the server, “%s” and %s in the client",
             lab_server_pane_get_users_text (lab_window_get_server_pane (window)),
             lab_server_pane_get_value_text (lab_window_get_server_pane (window)),
             lab_client_pane_get_users_text (lab_window_get_client_pane (window)),
             lab_client_pane_get_value_text (lab_window_get_client_pane (window)));

  /* The event list, scrolled into view, has the newest event at the top, and
   * only a screenful of the log. */
  scroll_server_pane_to (window, find_server_events (window));
  g_assert_true (lab_test_wait_until (shows_newest_first, &lists, LAB_TEST_TIMEOUT_MS));
  first_shown = g_list_model_get_item (shown, 0);
  newest = g_list_model_get_item (log, g_list_model_get_n_items (log) - 1);
  g_assert_true (first_shown == newest);
  g_assert_cmpuint (g_list_model_get_n_items (shown), <, g_list_model_get_n_items (log));

  /* Scrolled out of sight, the list stands still (its rows would cost the
   * server's main loop); back in view, it catches up. */
  scroll_server_pane_to (window, NULL);
  lab_test_crowd_send (crowd, 0, plus);
  lab_test_crowd_wait_all_see (crowd, CLASS_SIZE + 1, CLICKS + 1);
  lab_test_run_for (500);
  g_assert_false (shows_newest_first (&lists));
  scroll_server_pane_to (window, find_server_events (window));
  g_assert_true (lab_test_wait_until (shows_newest_first, &lists, LAB_TEST_TIMEOUT_MS));

  lab_test_crowd_free (crowd);
}

static void
test_lecture_hall (void)
{
  run_app (lecture_hall, "--port", "0", NULL);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/window/lecture-hall", test_lecture_hall);

  return g_test_run ();
}
