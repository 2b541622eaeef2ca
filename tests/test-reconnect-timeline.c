/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "lab-reconnect-attempt.h"
#include "lab-ui-test-utils.h"

/* Reconnects made visible, in the real window under Xvfb: Drop Connection
 * ends the client's connection with no close frame (the server's log shows
 * the 1006 leave, the timeline the reconnect), and with the server switched
 * off the timeline shows failed attempts, their growing waits and a
 * countdown, then "Connected" once it is switched on again. */

typedef struct
{
  LabReconnectTimeline *timeline;
  guint                 position;
  const char           *needle;
} RowCheck;

static gboolean
row_says (gpointer data)
{
  RowCheck *check = data;
  g_autofree char *text = lab_reconnect_timeline_dup_row_text (check->timeline, check->position);

  return text != NULL && strstr (text, check->needle) != NULL;
}

static guint
count_rows (LabReconnectTimeline *timeline)
{
  guint n = 0;

  for (;;)
    {
      g_autofree char *text = lab_reconnect_timeline_dup_row_text (timeline, n);

      if (text == NULL)
        return n;
      n++;
    }
}

typedef struct
{
  LabReconnectTimeline *timeline;
  guint                 n;
} RowsCheck;

static gboolean
has_rows (gpointer data)
{
  RowsCheck *check = data;

  return count_rows (check->timeline) >= check->n;
}

/* A 1006 leave as the server half lists it. */
static gboolean
shows_abrupt_leave (gpointer data)
{
  GListModel *events = lab_server_pane_get_shown_events (lab_window_get_server_pane (data));

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      g_autofree char *line = lab_event_describe (event);

      if (lab_event_get_kind (event) == LAB_EVENT_LEAVE && lab_event_get_code (event) == 1006 &&
          strstr (line, "close code 1006: closed without a closing handshake") != NULL)
        return TRUE;
    }

  return FALSE;
}

static gboolean
counting_down (gpointer data)
{
  const char *countdown = lab_reconnect_timeline_get_countdown (data);

  return countdown != NULL && g_str_has_prefix (countdown, "Next try in ");
}

typedef struct
{
  LabReconnectTimeline *timeline;
  char                 *before;
} CountdownCheck;

static gboolean
countdown_moved (gpointer data)
{
  CountdownCheck *check = data;

  return g_strcmp0 (lab_reconnect_timeline_get_countdown (check->timeline), check->before) != 0;
}

static gboolean
is_connected (gpointer data)
{
  return lab_client_get_state (lab_window_get_client (data)) == LAB_CLIENT_STATE_CONNECTED;
}

/* The backoff's wait before the attempt in @position, read from its row. */
static double
row_delay (LabReconnectTimeline *timeline,
           guint                 position)
{
  g_autofree char *text = lab_reconnect_timeline_dup_row_text (timeline, position);
  const char *after = strstr (text, "after ");

  g_assert_nonnull (after);
  return g_ascii_strtod (after + strlen ("after "), NULL);
}

static void
reconnects_shown (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *server = lab_ui_test_get_server (app);
  LabReconnectTimeline *timeline =
    lab_client_pane_get_reconnect_timeline (lab_window_get_client_pane (window));
  RowCheck dropped = { timeline, 0, "Connected" };
  RowsCheck three = { timeline, 3 };
  RowCheck back = { timeline, 0, "Connected" };
  guint n_failed;

  wait_ready (window);
  g_assert_cmpuint (count_rows (timeline), ==, 0);
  g_assert_null (lab_reconnect_timeline_get_countdown (timeline));
  /* The server's log, scrolled into view: it follows only there. */
  scroll_server_pane_to (window, find_server_events (window));
  g_assert_false (shows_abrupt_leave (window));

  /* Drop Connection, as a person presses it. */
  g_assert_true (button_usable (window, "win.drop-connection"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.drop-connection", NULL));
  g_assert_true (lab_test_wait_until (shows_abrupt_leave, window, LAB_TEST_TIMEOUT_MS));
  g_assert_true (lab_test_wait_until (row_says, &dropped, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (count_rows (timeline), ==, 1);
  g_assert_cmpfloat (row_delay (timeline, 0), >=, 0.35);
  g_assert_cmpfloat (row_delay (timeline, 0), <=, 0.65);
  wait_ready (window);

  /* The server switch off: failed attempts pile up, waits growing, a countdown between. */
  g_action_group_change_action_state (G_ACTION_GROUP (app), "server-running",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (lab_server_get_running (server));
  g_assert_true (lab_test_wait_until (has_rows, &three, LAB_TEST_TIMEOUT_MS));
  g_assert_true (lab_test_wait_until (counting_down, timeline, LAB_TEST_TIMEOUT_MS));
  g_assert_false (button_usable (window, "win.drop-connection"));

  /* Live: the countdown moves on within a second or so (to the next second, or the try). */
  {
    CountdownCheck moved = { timeline, g_strdup (lab_reconnect_timeline_get_countdown (timeline)) };

    g_assert_true (lab_test_wait_until (countdown_moved, &moved, 2500));
    g_test_message ("countdown: %s, then %s", moved.before,
                    lab_reconnect_timeline_get_countdown (timeline));
    g_free (moved.before);
  }

  n_failed = count_rows (timeline);
  for (guint i = 0; i < n_failed; i++)
    {
      g_autofree char *text = lab_reconnect_timeline_dup_row_text (timeline, i);

      g_test_message ("row %u: %s", i, text);
      g_assert_nonnull (strstr (text, "Connection refused"));
      /* Newest first: each wait longer than the one below it. */
      if (i > 0)
        g_assert_cmpfloat (row_delay (timeline, i - 1), >, row_delay (timeline, i));
    }
  save_screenshot (GTK_WIDGET (lab_window_get_client_pane (window)), "reconnects.png");

  /* On again: the next attempt connects, and the story stays on show. */
  g_action_group_change_action_state (G_ACTION_GROUP (app), "server-running",
                                      g_variant_new_boolean (TRUE));
  g_assert_true (lab_test_wait_until (row_says, &back, 20000));
  g_assert_cmpuint (count_rows (timeline), >=, n_failed + 1);
  g_assert_true (lab_test_wait_until (is_connected, window, LAB_TEST_TIMEOUT_MS));
  g_assert_null (lab_reconnect_timeline_get_countdown (timeline));
  wait_ready (window);
}

/* A port of its own, as 6789 is a classroom's: the server switched on again
 * comes back where the client keeps trying. */
static void
test_reconnects_shown (void)
{
  g_autofree char *port = g_strdup_printf ("%u", lab_test_free_port ());

  run_app (reconnects_shown, "--port", port, NULL);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/reconnect-timeline/reconnects-shown", test_reconnects_shown);

  return g_test_run ();
}
