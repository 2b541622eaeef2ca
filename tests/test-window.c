/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "lab-halves.h"
#include "lab-ui-test-utils.h"

/* The real application and its windows under Xvfb: what a person clicks and
 * reads, checked against a Python websockets client on the same server. */

/* Tests */

static void
window_connects_to_own_server (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *server = lab_ui_test_get_server (app);
  g_autofree char *expected_url = g_strdup_printf ("ws://127.0.0.1:%u/", lab_server_get_bound_port (server));
  g_autofree char *status = NULL;

  g_assert_true (lab_server_get_running (server));
  g_assert_cmpuint (lab_server_get_bound_port (server), !=, 6789);

  wait_ready (window);
  assert_shows_value (window, "0");
  g_assert_cmpstr (lab_client_get_counter_url (lab_window_get_client (window)), ==, expected_url);
  status = lab_client_pane_dup_status (lab_window_get_client_pane (window));
  g_assert_cmpstr (status, ==, "Connected");
  wait_server_users (app, 1);

  /* README's first picture: the window after a few clicks. */
  if (g_getenv ("LAB_SCREENSHOT_DIR") != NULL)
    {
      for (guint i = 0; i < 3; i++)
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.plus", NULL));
      assert_shows_value (window, "3");
      save_screenshot (GTK_WIDGET (window), "window.png");
    }
}

static void
test_connects_to_own_server (void)
{
  run_app (window_connects_to_own_server, "--port", "0", NULL);
}

static void
clicks_reach_every_window_and_python (LabApplication *app)
{
  LabWindow *a = first_window (app);
  LabWindow *b;
  g_autoptr(LabTestProcess) plus_watcher = NULL;
  g_autoptr(LabTestProcess) minus_watcher = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "new-window", NULL);
  b = first_window (app);
  g_assert_true (a != b);
  wait_ready (a);
  wait_ready (b);

  plus_watcher = spawn_python_watcher (app, "3", "1");
  wait_server_users (app, 3);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "win.plus", NULL));
  assert_shows_value (b, "1");
  assert_shows_value (a, "1");
  g_assert_cmpint (lab_test_process_wait_exit (plus_watcher), ==, 0);
  g_assert_true (lab_test_process_has_line (plus_watcher, "final 1"));

  minus_watcher = spawn_python_watcher (app, "3", "0");
  wait_server_users (app, 3);

  /* The keyboard does the same as the button. */
  gtk_widget_grab_focus (GTK_WIDGET (lab_window_get_client_pane (b)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (b), "win.minus", NULL));
  assert_shows_value (a, "0");
  assert_shows_value (b, "0");
  g_assert_cmpint (lab_test_process_wait_exit (minus_watcher), ==, 0);
  g_assert_true (lab_test_process_has_line (minus_watcher, "final 0"));
}

static void
test_clicks_reach_every_window_and_python (void)
{
  run_app (clicks_reach_every_window_and_python, "--port", "0", NULL);
}

typedef struct
{
  LabWindow *window;
} StateCheck;

static gboolean
is_reconnecting (gpointer data)
{
  return lab_client_get_state (lab_window_get_client (data)) == LAB_CLIENT_STATE_WAITING_TO_RECONNECT;
}

static void
stopped_server_disables_buttons (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *server = lab_ui_test_get_server (app);
  g_autofree char *status = NULL;

  wait_ready (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.plus", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.plus", NULL));
  assert_shows_value (window, "2");

  /* The server switch, as a person flips it. */
  g_action_group_change_action_state (G_ACTION_GROUP (app), "server-running",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (lab_server_get_running (server));

  g_assert_true (lab_test_wait_until (is_reconnecting, window, LAB_TEST_TIMEOUT_MS));
  g_assert_false (button_usable (window, "win.plus"));
  g_assert_false (button_usable (window, "win.minus"));
  status = lab_client_pane_dup_status (lab_window_get_client_pane (window));
  g_assert_nonnull (strstr (status, "Reconnecting in"));
  assert_shows_value (window, "?");

  g_action_group_change_action_state (G_ACTION_GROUP (app), "server-running",
                                      g_variant_new_boolean (TRUE));
  g_assert_true (lab_server_get_running (server));

  /* Back on its own, with the value the server kept. */
  wait_ready (window);
  assert_shows_value (window, "2");
}

static void
test_stopped_server_disables_buttons (void)
{
  run_app (stopped_server_disables_buttons, "--port", "0", NULL);
}

/* A second instance finds the first on its preferred port. */

static LabServer *first_instance;

static gboolean
serves_lan (gpointer data)
{
  return lab_server_get_running (data) && lab_server_get_allow_lan (data);
}

static gboolean
unjoined (gpointer data)
{
  return lab_server_supervisor_get_joined_notice (lab_application_get_supervisor (data)) == NULL;
}

static void
second_instance_joins_first (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *own = lab_ui_test_get_server (app);
  guint first_port = lab_server_get_bound_port (first_instance);
  g_autofree char *expected_url = g_strdup_printf ("ws://127.0.0.1:%u/", first_port);
  g_autofree char *own_url = g_strdup_printf ("ws://127.0.0.1:%u/", lab_server_get_bound_port (own));
  guint own_port;

  wait_ready (window);

  g_assert_true (lab_server_get_running (own));
  g_assert_cmpuint (lab_server_get_bound_port (own), >, first_port);
  g_assert_cmpstr (lab_client_get_counter_url (lab_window_get_client (window)), ==, expected_url);
  g_assert_nonnull (lab_server_supervisor_get_joined_notice (lab_application_get_supervisor (app)));
  g_assert_null (lab_server_supervisor_get_problem (lab_application_get_supervisor (app)));

  /* Its clicks land on the first instance's counter. */
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (first_instance)), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.plus", NULL));
  assert_shows_value (window, "1");
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (first_instance)), ==, 1);

  /* A setting changed in the second keeps it serving where it is, joined. */
  own_port = lab_server_get_bound_port (own);
  g_settings_set_boolean (lab_application_get_settings (app), "allow-lan", TRUE);
  g_assert_true (lab_test_wait_until (serves_lan, own, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (lab_server_get_bound_port (own), ==, own_port);
  g_assert_nonnull (lab_server_supervisor_get_joined_notice (lab_application_get_supervisor (app)));
  g_assert_null (lab_server_supervisor_get_problem (lab_application_get_supervisor (app)));
  g_assert_cmpstr (lab_client_get_counter_url (lab_window_get_client (window)), ==, expected_url);

  /* The first one goes away: the window comes back to its own app's server. */
  lab_server_stop (first_instance);
  g_assert_true (lab_test_wait_until (unjoined, app, 3 * LAB_TEST_TIMEOUT_MS));
  g_assert_cmpstr (lab_client_get_counter_url (lab_window_get_client (window)), ==, own_url);
  wait_ready (window);
}

static void
test_second_instance_joins_first (void)
{
  g_autofree char *port = NULL;

  first_instance = lab_test_server_new_started ();
  port = g_strdup_printf ("%u", lab_server_get_bound_port (first_instance));

  run_app (second_instance_joins_first, "--port", port, NULL);

  lab_test_server_shutdown (first_instance);
  g_clear_object (&first_instance);
}

static GSocket *other_program;

static gboolean
has_problem (gpointer data)
{
  return lab_server_supervisor_get_port_conflict (lab_application_get_supervisor (data));
}

static void
other_program_on_port (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *server = lab_ui_test_get_server (app);

  /* Someone else's: a clear message and a way out, nothing joined. */
  g_assert_true (lab_test_wait_until (has_problem, app, LAB_TEST_TIMEOUT_MS));
  g_assert_false (lab_server_get_running (server));
  /* It accepts and never answers: said as such, not guessed at. */
  g_assert_nonnull (strstr (lab_server_supervisor_get_problem (lab_application_get_supervisor (app)),
                            "did not answer as a WebSocket Lab would"));
  g_assert_true (button_usable (window, "app.use-another-port"));
  g_assert_false (button_usable (window, "win.plus"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "use-another-port", NULL);
  g_assert_true (lab_server_get_running (server));
  g_assert_null (lab_server_supervisor_get_problem (lab_application_get_supervisor (app)));
  wait_ready (window);
  assert_shows_value (window, "0");
}

static void
test_other_program_on_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;

  /* A program that accepts connections and never answers HTTP. */
  other_program = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (other_program, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_listen (other_program, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (other_program, &error);
  port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  run_app (other_program_on_port, "--port", port, NULL);

  g_clear_object (&other_program);
}

/* A WebSocket server that is not a WebSocket Lab, counting its connections. */
static void
count_connection_cb (SoupServer              *server,
                     SoupServerMessage       *message,
                     const char              *path,
                     SoupWebsocketConnection *connection,
                     gpointer                 user_data)
{
  GPtrArray *connections = user_data;

  g_ptr_array_add (connections, g_object_ref (connection));
  soup_websocket_connection_send_text (connection, "{\"type\":\"state\",\"value\":41}");
}

static SoupServer *other_server;
static guint other_port;
static GPtrArray *other_connections;
static LabServer *other_lab;

static void
connect_window_to (LabWindow  *window,
                   const char *url)
{
  lab_client_pane_set_url_text (lab_window_get_client_pane (window), url);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect", NULL));
}

static gboolean
has_timestamps (gpointer data)
{
  return g_list_model_get_n_items (lab_client_get_timestamps (lab_window_get_client (data))) >= 2;
}

static void
custom_urls_get_time_only_from_a_lab (LabApplication *app)
{
  LabWindow *window = first_window (app);
  g_autofree char *other_url = g_strdup_printf ("ws://127.0.0.1:%u/", other_port);
  g_autofree char *lab_url = g_strdup_printf ("ws://localhost:%u/", lab_server_get_bound_port (other_lab));
  g_autofree char *lab_time_url = g_strdup_printf ("ws://localhost:%u/time", lab_server_get_bound_port (other_lab));

  wait_ready (window);

  /* What is not an address changes nothing and is not remembered. */
  {
    g_autofree char *before = g_strdup (lab_client_get_counter_url (lab_window_get_client (window)));
    g_autofree char *saved = NULL;

    connect_window_to (window, "my teacher's computer");
    g_assert_cmpstr (lab_client_get_counter_url (lab_window_get_client (window)), ==, before);
    g_assert_true (button_usable (window, "win.plus"));
    saved = g_settings_get_string (lab_application_get_settings (app), "client-url");
    g_assert_cmpstr (saved, ==, "");
  }

  /* Another kind of server: one connection, for the counter only. */
  connect_window_to (window, other_url);
  assert_shows_value (window, "41");
  lab_test_run_for (500);
  g_assert_cmpuint (other_connections->len, ==, 1);
  g_assert_null (lab_client_get_time_url (lab_window_get_client (window)));

  /* Another WebSocket Lab: its time stream too. */
  lab_server_set_time_interval_max (other_lab, 0.05);
  connect_window_to (window, lab_url);
  wait_ready (window);
  g_assert_true (lab_test_wait_until (has_timestamps, window, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpstr (lab_client_get_time_url (lab_window_get_client (window)), ==, lab_time_url);
}

static void
test_custom_urls_get_time_only_from_a_lab (void)
{
  other_server = soup_server_new (NULL, NULL);
  other_connections = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_websocket_handler (other_server, NULL, NULL, NULL, count_connection_cb, other_connections, NULL);
  other_port = lab_test_soup_server_listen (other_server);
  other_lab = lab_test_server_new_started ();

  run_app (custom_urls_get_time_only_from_a_lab, "--port", "0", NULL);

  lab_test_server_shutdown (other_lab);
  g_clear_object (&other_lab);
  g_clear_object (&other_server);
  g_clear_pointer (&other_connections, g_ptr_array_unref);
}

static GtkWidget *
find_halves (GtkWidget *widget)
{
  if (LAB_IS_HALVES (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_halves (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  LabHalves *halves;
  gboolean   stacked;
  int        width;
} LayoutCheck;

static gboolean
laid_out (gpointer data)
{
  LayoutCheck *check = data;

  return gtk_widget_get_width (GTK_WIDGET (check->halves)) > 0 &&
         (gtk_widget_get_width (GTK_WIDGET (check->halves)) < check->width) == check->stacked &&
         lab_halves_get_stacked (check->halves) == check->stacked;
}

static void
narrow_window_stacks_halves (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LayoutCheck check = { LAB_HALVES (find_halves (GTK_WIDGET (window))), FALSE, 0 };

  g_assert_nonnull (check.halves);
  check.width = lab_halves_get_wide_width (check.halves);

  /* Wide: side by side. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  check.stacked = FALSE;
  g_assert_true (lab_test_wait_until (laid_out, &check, LAB_TEST_TIMEOUT_MS));

  /* A phone-sized window: one above the other, and still usable. */
  gtk_window_set_default_size (GTK_WINDOW (window), 420, 700);
  check.stacked = TRUE;
  g_assert_true (lab_test_wait_until (laid_out, &check, LAB_TEST_TIMEOUT_MS));
  wait_ready (window);
}

static void
test_narrow_window_stacks_halves (void)
{
  run_app (narrow_window_stacks_halves, "--port", "0", NULL);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/window/connects-to-own-server", test_connects_to_own_server);
  g_test_add_func ("/window/clicks-reach-every-window-and-python", test_clicks_reach_every_window_and_python);
  g_test_add_func ("/window/stopped-server-disables-buttons", test_stopped_server_disables_buttons);
  g_test_add_func ("/window/second-instance-joins-first", test_second_instance_joins_first);
  g_test_add_func ("/window/other-program-on-port", test_other_program_on_port);
  g_test_add_func ("/window/narrow-window-stacks-halves", test_narrow_window_stacks_halves);
  g_test_add_func ("/window/custom-urls-get-time-only-from-a-lab", test_custom_urls_get_time_only_from_a_lab);

  return g_test_run ();
}
