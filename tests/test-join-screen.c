/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "lab-endpoint.h"
#include "lab-join-screen.h"
#include "lab-network.h"
#include "lab-qr-view.h"
#include "lab-tls.h"
#include "lab-ui-test-utils.h"

/* The Join Screen as a teacher uses it on a projector: it says when other
 * devices cannot join and allows them with one click, then shows the
 * counter page's address as large text and as a QR code a phone reads, and
 * the users count and the counter as they change. */

static LabJoinScreen *
find_join_screen (LabApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (LAB_IS_JOIN_SCREEN (l->data))
      return l->data;

  return NULL;
}

static gboolean
has_join_screen (gpointer data)
{
  return find_join_screen (data) != NULL;
}

static gboolean
has_no_join_screen (gpointer data)
{
  return find_join_screen (data) == NULL;
}

static const char *
visible_page (LabJoinScreen *screen)
{
  GtkStack *stack = GTK_STACK (find_widget_of_type (GTK_WIDGET (screen), GTK_TYPE_STACK));

  return gtk_stack_get_visible_child_name (stack);
}

static gboolean
shows_join_page (gpointer data)
{
  return g_strcmp0 (visible_page (data), "join") == 0;
}

typedef struct
{
  GtkWidget  *label;
  const char *text;
} LabelCheck;

static gboolean
counter_moved (gpointer data)
{
  return lab_counter_get_value (data) != 0;
}

static gboolean
label_shows (gpointer data)
{
  LabelCheck *check = data;

  return g_strcmp0 (gtk_label_get_label (GTK_LABEL (check->label)), check->text) == 0;
}

static void
assert_label_shows (LabJoinScreen *screen,
                    const char    *css_class,
                    const char    *text)
{
  LabelCheck check = { find_widget_with_class (GTK_WIDGET (screen), css_class), text };

  g_assert_nonnull (check.label);
  if (!lab_test_wait_until (label_shows, &check, LAB_TEST_TIMEOUT_MS))
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (check.label)), ==, text);
}

/* The first address other devices reach the counter page at, as the server
 * publishes it. */
static char *
dup_join_url (LabServer *server)
{
  GListModel *endpoints = lab_server_get_endpoints (server);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      if (lab_endpoint_get_kind (endpoint) == LAB_ENDPOINT_COUNTER_PAGE &&
          !lab_endpoint_is_loopback (endpoint))
        return g_strdup (lab_endpoint_get_url (endpoint));
    }

  return NULL;
}

/* Escape is bound to closing it, as full screen is left elsewhere. */
static gboolean
escape_closes (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          g_autofree char *action = gtk_shortcut_action_to_string (gtk_shortcut_get_action (shortcut));

          if (g_strcmp0 (trigger, "Escape") == 0 && g_strcmp0 (action, "action(window.close)") == 0)
            return TRUE;
        }
    }

  return FALSE;
}

static void
join_screen_allows_and_shows (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *server = lab_ui_test_get_server (app);
  LabCounter *counter = lab_server_get_counter (server);
  g_auto(GStrv) addresses = lab_network_dup_lan_addresses ();
  g_autoptr(SoupWebsocketConnection) student = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *join_url = NULL;
  g_autofree char *student_url = NULL;
  g_autofree char *png = NULL;
  g_autofree char *decoded = NULL;
  LabJoinScreen *screen;
  AdwStatusPage *status;
  GtkWidget *allow;
  LabQrView *qr;
  int fd;

  wait_ready (window);
  g_assert_false (lab_server_get_allow_lan (server));

  /* The header bar's button, by its accessible name's action. */
  g_assert_nonnull (find_actionable (GTK_WIDGET (window), "win.join-screen"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.join-screen", NULL));
  g_assert_true (lab_test_wait_until (has_join_screen, app, LAB_TEST_TIMEOUT_MS));
  screen = find_join_screen (app);
  g_assert_true (gtk_window_is_fullscreen (GTK_WINDOW (screen)));
  g_assert_true (escape_closes (GTK_WIDGET (screen)));

  /* This computer only: it says so, and offers to allow other devices. */
  g_assert_cmpstr (visible_page (screen), ==, "closed");
  status = ADW_STATUS_PAGE (find_widget_of_type (GTK_WIDGET (screen), ADW_TYPE_STATUS_PAGE));
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "Other Devices Cannot Join");
  allow = find_actionable (GTK_WIDGET (screen), "join.allow-other-devices");
  g_assert_nonnull (allow);
  g_assert_true (gtk_widget_get_visible (allow));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (screen), "join.allow-other-devices", NULL));

  if (addresses[0] == NULL)
    {
      /* A machine with no network: it says that instead. */
      g_assert_true (lab_test_wait_until ((LabTestCondition) lab_server_get_allow_lan, server,
                                          LAB_TEST_TIMEOUT_MS));
      g_assert_cmpstr (adw_status_page_get_title (status), ==, "No Network");
      return;
    }

  g_assert_true (lab_test_wait_until (shows_join_page, screen, LAB_TEST_TIMEOUT_MS));
  g_assert_true (lab_server_get_allow_lan (server));
  join_url = dup_join_url (server);
  g_assert_nonnull (join_url);
  g_assert_true (g_str_has_prefix (join_url, "http://"));
  assert_label_shows (screen, "join-url", join_url);

  /* The server half shows the same code, with the way back to this screen. */
  {
    LabQrView *pane_qr = LAB_QR_VIEW (find_widget_of_type (GTK_WIDGET (window), LAB_TYPE_QR_VIEW));

    g_assert_nonnull (pane_qr);
    g_assert_cmpstr (lab_qr_view_get_text (pane_qr), ==, join_url);
    g_assert_true (gtk_widget_is_visible (GTK_WIDGET (pane_qr)));
  }

  /* The window's own client is online; a student joins (over loopback), and
   * both figures follow. */
  assert_label_shows (screen, "join-figure", "1 person online");
  student_url = g_strdup_printf ("ws://127.0.0.1:%u/", lab_server_get_bound_port (server));
  student = lab_test_connect (student_url, &error);
  g_assert_no_error (error);
  assert_label_shows (screen, "join-figure", "2 people online");
  /* Allowing other devices restarted the listeners: a press may still meet the
   * window's old connection as the server closes it. Press (a bounded number of
   * times) until the server counts one. */
  for (guint press = 0; press < 10 && lab_counter_get_value (counter) == 0; press++)
    {
      wait_ready (window);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.plus", NULL));
      lab_test_wait_until (counter_moved, counter, 1000);
    }
  g_assert_cmpint (lab_counter_get_value (counter), >, 0);
  {
    g_autofree char *text = g_strdup_printf ("Counter: %" G_GINT64_FORMAT,
                                             lab_counter_get_value (counter));
    LabelCheck value = { NULL, text };
    GtkWidget *users = find_widget_with_class (GTK_WIDGET (screen), "join-figure");

    value.label = gtk_widget_get_next_sibling (users);
    if (!lab_test_wait_until (label_shows, &value, LAB_TEST_TIMEOUT_MS))
      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (value.label)), ==, value.text);
  }

  /* The QR code, as drawn on screen, reads back as the URL. */
  lab_test_run_for (300);
  qr = LAB_QR_VIEW (find_widget_of_type (GTK_WIDGET (screen), LAB_TYPE_QR_VIEW));
  g_assert_cmpstr (lab_qr_view_get_text (qr), ==, join_url);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (qr)), >=, 320);
  fd = g_file_open_tmp ("lab-join-qr-XXXXXX.png", &png, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  save_widget_png (GTK_WIDGET (qr), png);
  if (lab_test_require_zbarimg ())
    {
      decoded = lab_test_qr_decode_image (png);
      g_assert_cmpstr (decoded, ==, join_url);
    }
  g_unlink (png);

  save_screenshot (GTK_WIDGET (screen), "join-screen.png");

  lab_test_close_and_wait (student);
  assert_label_shows (screen, "join-figure", "1 person online");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (screen), "window.close", NULL));
  g_assert_true (lab_test_wait_until (has_no_join_screen, app, LAB_TEST_TIMEOUT_MS));
}

static void
test_allows_and_shows (void)
{
  run_app (join_screen_allows_and_shows, "--port", "0", NULL);
}

/* With TLS: the https:// address, and the fingerprint students compare with
 * their browser's warning. */
static void
join_screen_shows_fingerprint (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *server = lab_ui_test_get_server (app);
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *join_url = NULL;
  LabJoinScreen *screen;
  GtkWidget *label;

  wait_ready (window);
  g_assert_nonnull (lab_server_get_tls_certificate (server));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.join-screen", NULL));
  g_assert_true (lab_test_wait_until (has_join_screen, app, LAB_TEST_TIMEOUT_MS));
  screen = find_join_screen (app);
  g_assert_true (lab_test_wait_until (shows_join_page, screen, LAB_TEST_TIMEOUT_MS));

  join_url = dup_join_url (server);
  g_assert_true (g_str_has_prefix (join_url, "https://"));
  assert_label_shows (screen, "join-url", join_url);

  fingerprint = lab_tls_dup_fingerprint (lab_server_get_tls_certificate (server));
  expected = g_strdup_printf ("Certificate SHA-256: %s", fingerprint);
  label = find_widget_with_class (GTK_WIDGET (screen), "join-fingerprint");
  g_assert_true (gtk_widget_get_visible (label));
  assert_label_shows (screen, "join-fingerprint", expected);

  save_screenshot (GTK_WIDGET (screen), "join-screen-tls.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (screen), "window.close", NULL));
}

static void
test_shows_fingerprint (void)
{
  g_auto(GStrv) addresses = lab_network_dup_lan_addresses ();
  g_autofree char *directory = lab_tls_dup_generated_directory ();
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  if (addresses[0] == NULL)
    {
      g_test_skip ("this machine has no network address for others to join at");
      return;
    }

  lab_tls_generate (directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL, &certificate, &key, &error);
  g_assert_no_error (error);
  run_app (join_screen_shows_fingerprint, "--port", "0", "--lan", "--tls-cert", certificate,
           "--tls-key", key, NULL);
}

int
main (int    argc,
      char **argv)
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/join-screen/allows-and-shows", test_allows_and_shows);
  g_test_add_func ("/join-screen/shows-fingerprint", test_shows_fingerprint);

  return g_test_run ();
}
