/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-preferences-window.h"
#include "lab-tls.h"
#include "lab-ui-test-utils.h"

/* Preferences under Xvfb: what a person changes there reaches the server
 * while it runs, and what cannot work is said and changes nothing. */

static LabPreferencesWindow *
open_preferences (LabApplication *app)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (LAB_IS_PREFERENCES_WINDOW (l->data))
      {
        g_assert_true (gtk_widget_get_visible (l->data));
        return l->data;
      }

  g_assert_not_reached ();
}

/* The switch of the row a person reads @title on. */
static GtkWidget *
find_row_switch (GtkWidget  *widget,
                 const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return adw_action_row_get_activatable_widget (ADW_ACTION_ROW (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_switch (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
serves_wss (gpointer data)
{
  LabServer *server = data;
  g_auto(GStrv) urls = lab_server_dup_urls (server);

  return lab_server_get_running (server) && urls[0] != NULL && g_str_has_prefix (urls[0], "wss://");
}

static gboolean
serves_ws (gpointer data)
{
  LabServer *server = data;
  g_auto(GStrv) urls = lab_server_dup_urls (server);

  return lab_server_get_running (server) && urls[0] != NULL && g_str_has_prefix (urls[0], "ws://");
}

static gboolean
client_uses_wss (gpointer data)
{
  return g_str_has_prefix (lab_client_get_counter_url (lab_window_get_client (data)), "wss://");
}

static void
tls_toggle_changes_scheme (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *server = lab_ui_test_get_server (app);
  LabPreferencesWindow *preferences;
  GtkWidget *tls_switch;
  guint port;

  wait_ready (window);
  port = lab_server_get_bound_port (server);
  g_assert_true (serves_ws (server));

  preferences = open_preferences (app);
  tls_switch = find_row_switch (GTK_WIDGET (preferences), "Use _TLS");
  g_assert_nonnull (tls_switch);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (tls_switch)));

  /* Generate: a certificate, TLS on, the server restarted on the same port. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.generate", NULL));
  g_assert_true (lab_test_wait_until (serves_wss, server, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (lab_server_get_bound_port (server), ==, port);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (tls_switch)));

  /* The window's client follows over wss://, trusting its own server. */
  g_assert_true (lab_test_wait_until (client_uses_wss, window, LAB_TEST_TIMEOUT_MS));
  wait_ready (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.plus", NULL));
  assert_shows_value (window, "1");

  /* And back. */
  gtk_switch_set_active (GTK_SWITCH (tls_switch), FALSE);
  g_assert_true (lab_test_wait_until (serves_ws, server, LAB_TEST_TIMEOUT_MS));
  wait_ready (window);
  g_assert_false (client_uses_wss (window));
  assert_shows_value (window, "1");
}

static void
test_tls_toggle_changes_scheme (void)
{
  run_app (tls_toggle_changes_scheme, "--port", "0", NULL);
}

static void
record_error_cb (LabApplication  *app,
                 const char      *message,
                 char           **recorded)
{
  g_free (*recorded);
  *recorded = g_strdup (message);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
has_message_dialog (gpointer data)
{
  return find_message_dialog () != NULL;
}

static void
bad_file_keeps_serving (LabApplication *app)
{
  LabWindow *window = first_window (app);
  LabServer *server = lab_ui_test_get_server (app);
  GSettings *settings = lab_application_get_settings (app);
  g_autofree char *bad_file = g_build_filename (g_get_user_data_dir (), "notes.pem", NULL);
  g_autofree char *error = NULL;
  GtkWindow *dialog;
  guint port;

  wait_ready (window);
  port = lab_server_get_bound_port (server);
  open_preferences (app);
  g_signal_connect (app, "settings-error", G_CALLBACK (record_error_cb), &error);

  /* What the file chooser does with a file that is no certificate. */
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (bad_file, "my notes, not a certificate\n", -1, NULL));
  g_settings_set_string (settings, "tls-certificate-file", bad_file);
  g_settings_set_boolean (settings, "tls-enabled", TRUE);

  g_assert_true (lab_test_wait_until (is_set, &error, LAB_TEST_TIMEOUT_MS));
  g_assert_nonnull (strstr (error, "is not a PEM certificate"));

  /* Said in a dialog; the server goes on as it was. */
  g_assert_true (lab_test_wait_until (has_message_dialog, NULL, LAB_TEST_TIMEOUT_MS));
  dialog = find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Cannot Apply the Settings");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "notes.pem"));
  gtk_window_destroy (dialog);

  g_assert_true (serves_ws (server));
  g_assert_cmpuint (lab_server_get_bound_port (server), ==, port);
  g_assert_null (lab_server_get_tls_certificate (server));
  g_assert_true (button_usable (window, "win.plus"));

  g_signal_handlers_disconnect_by_func (app, record_error_cb, &error);
}

static void
test_bad_file_keeps_serving (void)
{
  run_app (bad_file_keeps_serving, "--port", "0", NULL);
}

typedef struct
{
  LabServer *server;
  guint      port;
} PortCheck;

static gboolean
on_port (gpointer data)
{
  PortCheck *check = data;

  return lab_server_get_running (check->server) &&
         lab_server_get_bound_port (check->server) == check->port;
}

static void
port_change_restarts (LabApplication *app)
{
  LabWindow *window = first_window (app);
  PortCheck check = { lab_ui_test_get_server (app), lab_test_free_port () };
  g_autofree char *expected_url = g_strdup_printf ("ws://127.0.0.1:%u/", check.port);

  wait_ready (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.plus", NULL));
  assert_shows_value (window, "1");

  g_settings_set (lab_application_get_settings (app), "port", "q", (guint16) check.port);

  /* The server moves; the client follows and the counter is kept. */
  g_assert_true (lab_test_wait_until (on_port, &check, LAB_TEST_TIMEOUT_MS));
  wait_ready (window);
  g_assert_cmpstr (lab_client_get_counter_url (lab_window_get_client (window)), ==, expected_url);
  assert_shows_value (window, "1");
}

static void
test_port_change_restarts (void)
{
  run_app (port_change_restarts, "--port", "0", NULL);
}

/* A second instance meets the first over TLS, and trusts it by fingerprint. */

static LabServer *first_instance;

static gboolean
refused (gpointer data)
{
  LabClient *client = lab_window_get_client (data);

  return lab_client_get_untrusted_certificate (client, NULL, NULL) != NULL;
}

static void
second_instance_trusts_first (LabApplication *app)
{
  LabWindow *window = first_window (app);
  GSettings *settings = lab_application_get_settings (app);
  guint first_port = lab_server_get_bound_port (first_instance);
  g_autofree char *expected_url = g_strdup_printf ("wss://127.0.0.1:%u/", first_port);
  g_autofree char *peer = g_strdup_printf ("127.0.0.1:%u", first_port);
  g_autofree char *fingerprint = lab_tls_dup_fingerprint (lab_server_get_tls_certificate (first_instance));
  g_autofree char *status = NULL;
  g_autofree char *remembered = NULL;
  g_autoptr(GVariant) trusted = NULL;
  AdwMessageDialog *dialog;

  /* The system's authorities do not know a self-signed certificate. */
  g_assert_true (lab_test_wait_until (refused, window, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpstr (lab_client_get_counter_url (lab_window_get_client (window)), ==, expected_url);
  status = lab_client_pane_dup_status (lab_window_get_client_pane (window));
  g_assert_nonnull (strstr (status, "not trusted"));
  g_assert_nonnull (strstr (status, "Ask Me About Unknown Certificates"));
  g_assert_false (button_usable (window, "win.plus"));

  /* "Ask me": the window shows the fingerprint and asks. */
  g_settings_set_string (settings, "client-trust-mode", "ask");
  g_assert_true (lab_test_wait_until (has_message_dialog, NULL, LAB_TEST_TIMEOUT_MS));
  dialog = ADW_MESSAGE_DIALOG (find_message_dialog ());
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Trust This Certificate?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), fingerprint));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), peer));

  adw_message_dialog_response (dialog, "trust");

  wait_ready (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.plus", NULL));
  assert_shows_value (window, "1");
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (first_instance)), ==, 1);

  /* Remembered, for Preferences to list and to forget. */
  trusted = g_settings_get_value (settings, "trusted-certificates");
  g_assert_true (g_variant_lookup (trusted, peer, "s", &remembered));
  g_assert_cmpstr (remembered, ==, fingerprint);
}

static void
test_second_instance_trusts_first (void)
{
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "first", NULL);
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;

  lab_tls_generate (directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &certificate_file, &key_file, &error);
  g_assert_no_error (error);
  certificate = lab_tls_load (certificate_file, key_file, &error);
  g_assert_no_error (error);

  first_instance = lab_server_new ();
  lab_server_set_port (first_instance, 0);
  lab_server_set_tls_certificate (first_instance, certificate);
  lab_server_start (first_instance, &error);
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", lab_server_get_bound_port (first_instance));

  run_app (second_instance_trusts_first, "--port", port, NULL);

  lab_test_server_shutdown (first_instance);
  g_clear_object (&first_instance);
}

static void
forget_trusted_certificate (LabApplication *app)
{
  GSettings *settings = lab_application_get_settings (app);
  LabPreferencesWindow *preferences;
  g_autoptr(GVariant) remaining = NULL;
  GtkWidget *forget;

  g_settings_set_value (settings, "trusted-certificates",
                        g_variant_new_parsed ("{'localhost:6789': 'AA:BB', '192.0.2.9:6789': 'CC:DD'}"));
  preferences = open_preferences (app);

  /* Each trusted certificate is listed with a Forget button of its own. */
  forget = find_actionable (GTK_WIDGET (preferences), "prefs.forget");
  g_assert_nonnull (forget);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "prefs.forget", "s", "localhost:6789"));

  remaining = g_settings_get_value (settings, "trusted-certificates");
  g_assert_cmpuint (g_variant_n_children (remaining), ==, 1);
  g_assert_false (g_variant_lookup (remaining, "localhost:6789", "s", NULL));
  g_assert_true (g_variant_lookup (remaining, "192.0.2.9:6789", "s", NULL));
}

static void
test_forget_trusted_certificate (void)
{
  run_app (forget_trusted_certificate, "--port", "0", NULL);
}

/* The ping interval row: the setting, and the running server at once, with
 * no restart (its connections stay). */

typedef struct
{
  LabServer *server;
  guint      seconds;
} PingCheck;

static gboolean
pings_every (gpointer data)
{
  PingCheck *check = data;

  return lab_server_get_ping_interval (check->server) == check->seconds;
}

static void
ping_interval_row_applies (LabApplication *app)
{
  LabWindow *window = first_window (app);
  GSettings *settings = lab_application_get_settings (app);
  PingCheck check = { lab_ui_test_get_server (app), 5 };
  LabPreferencesWindow *preferences;
  GtkWidget *spin;
  guint port;

  wait_ready (window);
  port = lab_server_get_bound_port (check.server);
  g_assert_cmpuint (lab_server_get_ping_interval (check.server), ==, 20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.plus", NULL));
  assert_shows_value (window, "1");

  preferences = open_preferences (app);
  spin = find_row_switch (GTK_WIDGET (preferences), "P_ing Interval");
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 20);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 5);
  g_assert_cmpuint (g_settings_get_uint (settings, "ping-interval"), ==, 5);
  g_assert_true (lab_test_wait_until (pings_every, &check, LAB_TEST_TIMEOUT_MS));

  /* 0 turns pings off; the bounds are the setting's own */
  check.seconds = 0;
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "ping-interval"), ==, 0);
  g_assert_true (lab_test_wait_until (pings_every, &check, LAB_TEST_TIMEOUT_MS));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 99999);
  g_assert_cmpuint (g_settings_get_uint (settings, "ping-interval"), ==, 3600);

  /* The setting changed elsewhere shows in the row */
  g_settings_set_uint (settings, "ping-interval", 7);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 7);

  /* Same server, same connection: the counter kept its value */
  g_assert_cmpuint (lab_server_get_bound_port (check.server), ==, port);
  g_assert_true (lab_server_get_running (check.server));
  wait_ready (window);
  assert_shows_value (window, "1");
}

static void
test_ping_interval_row_applies (void)
{
  run_app (ping_interval_row_applies, "--port", "0", NULL);
}

typedef struct
{
  LabServerLimits *limits;
  guint            max_clients;
  const char      *origin;
} LimitsCheck;

static gboolean
limits_are (gpointer data)
{
  LimitsCheck *check = data;
  gboolean listed = g_strv_contains (lab_server_limits_get_allowed_origins (check->limits),
                                     check->origin);

  return lab_server_limits_get_max_clients (check->limits) == check->max_clients && listed;
}

static gboolean
origin_gone (gpointer data)
{
  LimitsCheck *check = data;

  return !g_strv_contains (lab_server_limits_get_allowed_origins (check->limits), check->origin);
}

static AdwPreferencesGroup *
find_group (GtkWidget  *widget,
            const char *title)
{
  if (ADW_IS_PREFERENCES_GROUP (widget) &&
      g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0)
    return ADW_PREFERENCES_GROUP (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwPreferencesGroup *found = find_group (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  AdwPreferencesGroup *group;
  const char          *text;
} DescriptionCheck;

static gboolean
description_is (gpointer data)
{
  DescriptionCheck *check = data;

  return g_strcmp0 (adw_preferences_group_get_description (check->group), check->text) == 0;
}

/* The Limits rows write the settings, and the running server takes them at
 * once, with no restart; an origin that is not one is refused in the entry. */
static void
limits_rows_apply (LabApplication *app)
{
  LabWindow *window = first_window (app);
  GSettings *settings = lab_application_get_settings (app);
  LabServer *server = lab_ui_test_get_server (app);
  LimitsCheck check = { lab_server_get_limits (server), 250, "https://friend.example" };
  LabPreferencesWindow *preferences;
  GtkWidget *spin;
  GtkWidget *entry;
  GtkWidget *remove;
  guint port;
  g_auto(GStrv) origins = NULL;

  wait_ready (window);
  port = lab_server_get_bound_port (server);
  g_assert_cmpuint (lab_server_limits_get_max_clients (check.limits), ==, 10000);

  preferences = open_preferences (app);
  spin = find_row_switch (GTK_WIDGET (preferences), "Most _Clients");
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 10000);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 250);
  g_assert_cmpuint (g_settings_get_uint (settings, "max-clients"), ==, 250);
  {
    /* The server half tells how full it is: the window's own client (its
     * counter and its time stream), of 250. */
    DescriptionCheck full = { find_group (GTK_WIDGET (lab_window_get_server_pane (window)),
                                          "Connected Clients"),
                              "2 of at most 250" };

    g_assert_nonnull (full.group);
    if (!lab_test_wait_until (description_is, &full, LAB_TEST_TIMEOUT_MS))
      g_assert_cmpstr (adw_preferences_group_get_description (full.group), ==, full.text);
  }

  spin = find_row_switch (GTK_WIDGET (preferences), "Most _Messages a Second");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "max-rate"), ==, 0);

  /* Not an origin: refused where it was typed, nothing stored. */
  entry = find_widget_of_type (GTK_WIDGET (preferences), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (entry);
  g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (entry)),
                                   "Allow Pages of Another Site"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "friend.example/page");
  g_signal_emit_by_name (entry, "apply");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  origins = g_settings_get_strv (settings, "allowed-origins");
  g_assert_cmpuint (g_strv_length (origins), ==, 0);

  /* An origin as the address bar shows it, with its slash. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "https://friend.example/");
  g_signal_emit_by_name (entry, "apply");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_true (lab_test_wait_until (limits_are, &check, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (lab_server_limits_get_max_rate (check.limits), ==, 0);

  /* Its row, and the way to remove it. */
  remove = find_actionable (GTK_WIDGET (preferences), "limits.remove-origin");
  g_assert_nonnull (remove);
  g_assert_cmpstr (g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (remove)), NULL),
                   ==, "https://friend.example");
  g_assert_true (gtk_widget_activate (remove));
  g_assert_true (lab_test_wait_until (origin_gone, &check, LAB_TEST_TIMEOUT_MS));
  g_assert_null (find_actionable (GTK_WIDGET (preferences), "limits.remove-origin"));

  /* Same server all along. */
  g_assert_cmpuint (lab_server_get_bound_port (server), ==, port);
  g_assert_true (lab_server_get_running (server));
}

static void
test_limits_rows_apply (void)
{
  run_app (limits_rows_apply, "--port", "0", NULL);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/preferences/tls-toggle-changes-scheme", test_tls_toggle_changes_scheme);
  g_test_add_func ("/preferences/bad-file-keeps-serving", test_bad_file_keeps_serving);
  g_test_add_func ("/preferences/port-change-restarts", test_port_change_restarts);
  g_test_add_func ("/preferences/second-instance-trusts-first", test_second_instance_trusts_first);
  g_test_add_func ("/preferences/forget-trusted-certificate", test_forget_trusted_certificate);
  g_test_add_func ("/preferences/ping-interval-row-applies", test_ping_interval_row_applies);
  g_test_add_func ("/preferences/limits-rows-apply", test_limits_rows_apply);

  return g_test_run ();
}
