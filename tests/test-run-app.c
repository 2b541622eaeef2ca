/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "lab-test-utils.h"

/* README's run command as a newcomer meets it: a fresh copy of the checkout,
 * no settings schema installed anywhere, `build-aux/run-app.sh`, and then a
 * window, a page on the port, and a process that stays until asked to quit.
 * The other tests set GSETTINGS_SCHEMA_DIR themselves and cannot see this. */

/* Building the copy from nothing takes a few minutes on two cores. */
#define BUILD_TIMEOUT_MS (15 * 60 * 1000)
/* Where Debian keeps GTK's, libadwaita's and the icon theme's data, and nothing of ours. */
#define SYSTEM_DATA_DIRS "/usr/share"
/* Long enough to see a crash that comes after the window, such as one on the first draw. */
#define STAYS_UP_MS 3000

/* The checkout as a clone would have it: no build folders, no installs, no node_modules. */
static char *
copy_checkout (const char *world)
{
  g_autofree char *root = g_path_get_dirname (g_test_get_dir (G_TEST_DIST));
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = g_build_filename (world, "checkout", NULL);
  g_autofree char *quoted_root = NULL;
  g_autofree char *quoted_copy = NULL;
  g_autofree char *command = NULL;
  int status;

  g_assert_cmpint (g_mkdir (copy, 0755), ==, 0);
  quoted_root = g_shell_quote (root);
  quoted_copy = g_shell_quote (copy);
  command = g_strdup_printf ("tar -C %s --exclude=./.git --exclude='./_build*' --exclude=./_install "
                             "--exclude=./build --exclude=./node_modules "
                             "--exclude=./tests/browser/node_modules --exclude=./.flatpak-builder "
                             "-cf - . | tar -C %s -xf -",
                             quoted_root, quoted_copy);

  g_spawn_sync (NULL, (char *[]) { (char *) "sh", (char *) "-c", command, NULL }, NULL,
                G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return g_steal_pointer (&copy);
}

static void
remove_tree (const char *path)
{
  g_spawn_sync (NULL, (char *[]) { (char *) "rm", (char *) "-rf", (char *) path, NULL }, NULL,
                G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static gboolean
schema_in (const char *data_dir)
{
  g_autofree char *directory = g_build_filename (data_dir, "glib-2.0", "schemas", NULL);
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  source = g_settings_schema_source_new_from_directory (directory, NULL, FALSE, NULL);
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, FALSE);

  return schema != NULL;
}

/* A newcomer's environment: a home and a runtime folder of their own (in @world),
 * no schema folder or settings backend of the tests' own, the system's data
 * folders, and this test's display and session bus. */
static char **
newcomer_environment (const char *world)
{
  g_autofree char *home = g_build_filename (world, "home", NULL);
  g_autofree char *runtime = g_build_filename (world, "runtime", NULL);
  char **environment = g_get_environ ();

  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);

  /* The isolated test dirs would hide the system's; a session sets these. */
  for (const char *const *name = (const char *const[]) { "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
                                                          "XDG_CONFIG_DIRS", "XDG_DATA_HOME",
                                                          "XDG_STATE_HOME", NULL };
       *name != NULL; name++)
    environment = g_environ_unsetenv (environment, *name);
  environment = g_environ_setenv (environment, "HOME", home, TRUE);
  environment = g_environ_setenv (environment, "XDG_RUNTIME_DIR", runtime, TRUE);
  environment = g_environ_unsetenv (environment, "GSETTINGS_SCHEMA_DIR");
  environment = g_environ_unsetenv (environment, "GSETTINGS_BACKEND");
  environment = g_environ_setenv (environment, "XDG_DATA_DIRS", SYSTEM_DATA_DIRS, TRUE);
  /* The window tests' shortcuts (no GL, no accessibility bus) are not a newcomer's. */
  environment = g_environ_unsetenv (environment, "GDK_DEBUG");
  environment = g_environ_unsetenv (environment, "GTK_A11Y");

  /* Otherwise the test would prove nothing. */
  g_assert_false (schema_in (SYSTEM_DATA_DIRS));
  {
    g_autofree char *user_data = g_build_filename (home, ".local", "share", NULL);

    g_assert_false (schema_in (user_data));
  }

  return environment;
}

static LabTestProcess *
spawn_run_app (const char  *checkout,
               char       **environment,
               const char  *first_arg,
               ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  g_ptr_array_add (argv, g_build_filename (checkout, "build-aux", "run-app.sh", NULL));
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return lab_test_process_spawn_in ((const char * const *) argv->pdata,
                                    (const char * const *) environment);
}

/* Asks for the counter page now and then, until it answers or the process ends. */
typedef struct
{
  SoupSession    *session;
  LabTestProcess *process;
  char           *url;
  guint           source;
  gboolean        asking;
  gboolean        answered;
} PageWatch;

static void
page_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PageWatch *watch = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  watch->asking = FALSE;

  if (body != NULL && soup_message_get_status (message) == SOUP_STATUS_OK)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      /* The counter page itself, not any web server that happens to be there. */
      watch->answered = strstr (text, "counter.js") != NULL;
    }
}

static gboolean
ask_page_cb (gpointer user_data)
{
  PageWatch *watch = user_data;
  g_autoptr(SoupMessage) message = NULL;

  if (watch->asking)
    return G_SOURCE_CONTINUE;

  watch->asking = TRUE;
  message = soup_message_new (SOUP_METHOD_GET, watch->url);
  soup_session_send_and_read_async (watch->session, message, G_PRIORITY_DEFAULT, NULL,
                                    page_read_cb, watch);

  return G_SOURCE_CONTINUE;
}

static gboolean
page_answered_or_exited (gpointer data)
{
  PageWatch *watch = data;

  return watch->answered || lab_test_process_has_exited (watch->process);
}

static gboolean
not_asking (gpointer data)
{
  return !((PageWatch *) data)->asking;
}

static gboolean
wait_for_page (LabTestProcess *process,
               guint           port,
               guint           timeout_ms)
{
  PageWatch watch = { 0 };

  watch.session = soup_session_new_with_options ("timeout", 5, NULL);
  watch.process = process;
  watch.url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  watch.source = g_timeout_add (500, ask_page_cb, &watch);

  lab_test_wait_until (page_answered_or_exited, &watch, timeout_ms);

  g_source_remove (watch.source);
  lab_test_wait_until (not_asking, &watch, LAB_TEST_TIMEOUT_MS);
  g_clear_object (&watch.session);
  g_free (watch.url);

  return watch.answered;
}

static gboolean
window_is_mapped (const char *title)
{
  g_autofree char *tree = NULL;
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", title);

  if (!g_spawn_sync (NULL, (char *[]) { (char *) "xwininfo", (char *) "-root", (char *) "-tree", NULL },
                     NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &tree, NULL, NULL, NULL))
    return FALSE;

  return strstr (tree, quoted) != NULL;
}

static gboolean
window_appeared (gpointer data)
{
  return window_is_mapped ("WebSocket Lab");
}

/* Asks the running app to quit, as its menu's Quit does: the app.quit action over D-Bus. */
static void
activate_quit (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GString) object_path = g_string_new ("/");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bus);
  g_string_append (object_path, APP_ID);
  g_string_replace (object_path, ".", "/", 0);

  reply = g_dbus_connection_call_sync (bus, APP_ID, object_path->str, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", "quit", NULL, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, LAB_TEST_TIMEOUT_MS, NULL,
                                       &error);
  g_assert_no_error (error);
}

static gboolean
line_or_exit (gpointer data)
{
  return lab_test_process_has_line (data, "Listening on ") || lab_test_process_has_exited (data);
}

static void
test_readme_run_command (void)
{
  g_autofree char *world = g_dir_make_tmp ("websocket-lab-newcomer-XXXXXX", NULL);
  g_autofree char *checkout = copy_checkout (world);
  g_auto(GStrv) environment = newcomer_environment (world);
  g_autofree char *port_text = g_strdup_printf ("%u", lab_test_free_port ());
  g_autoptr(LabTestProcess) app = NULL;
  g_autoptr(LabTestProcess) headless = NULL;
  g_autofree char *output = NULL;
  guint port;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_fail_printf ("No display: run this test under xvfb-run, as build-aux/run-tests.sh does");
      return;
    }

  /* Installs nothing on the system (the packages are there), builds, installs
   * into the copy and starts the window. */
  app = spawn_run_app (checkout, environment, "--port", port_text, NULL);
  port = (guint) g_ascii_strtoull (port_text, NULL, 10);

  if (!wait_for_page (app, port, BUILD_TIMEOUT_MS))
    {
      output = lab_test_process_dup_output (app);
      g_test_fail_printf ("The counter page never answered on port %u. run-app.sh said:\n%s",
                          port, output);
      remove_tree (world);
      return;
    }

  g_assert_true (lab_test_wait_until (window_appeared, NULL, LAB_TEST_TIMEOUT_MS));

  lab_test_run_for (STAYS_UP_MS);
  g_assert_false (lab_test_process_has_exited (app));
  g_assert_true (window_is_mapped ("WebSocket Lab"));

  activate_quit ();
  g_assert_cmpint (lab_test_process_wait_exit (app), ==, 0);

  output = lab_test_process_dup_output (app);
  g_assert_null (strstr (output, "is not installed"));
  g_assert_null (strstr (output, "CRITICAL"));

  /* Arguments still reach the app: the server without a window, on a free port. */
  headless = spawn_run_app (checkout, environment, "--headless", "--port", "0", NULL);
  lab_test_wait_until (line_or_exit, headless, BUILD_TIMEOUT_MS);
  port = lab_test_process_wait_listening (headless);
  g_assert_true (wait_for_page (headless, port, LAB_TEST_TIMEOUT_MS));
  lab_test_process_signal (headless, SIGTERM);
  g_assert_cmpint (lab_test_process_wait_exit (headless), ==, 0);

  remove_tree (world);
}

/* Run from a build folder with no schema anywhere: a message and an exit, not an abort. */
static void
test_missing_schema_explained (void)
{
  g_autofree char *empty = g_dir_make_tmp ("websocket-lab-no-data-XXXXXX", NULL);
  g_auto(GStrv) environment = g_get_environ ();
  const char *argv[] = { lab_test_websocket_lab (), "--port", "0", NULL };
  g_autoptr(LabTestProcess) app = NULL;
  g_autofree char *output = NULL;

  environment = g_environ_unsetenv (environment, "GSETTINGS_SCHEMA_DIR");
  environment = g_environ_setenv (environment, "XDG_DATA_DIRS", empty, TRUE);

  app = lab_test_process_spawn_in (argv, (const char * const *) environment);
  g_assert_cmpint (lab_test_process_wait_exit (app), ==, 1);

  output = lab_test_process_dup_output (app);
  g_assert_nonnull (strstr (output, "“" SCHEMA_ID "” is not installed"));
  g_assert_nonnull (strstr (output, "build-aux/run-app.sh"));
  g_assert_null (strstr (output, "ERROR"));

  remove_tree (empty);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/run-app/missing-schema-explained", test_missing_schema_explained);
  g_test_add_func ("/run-app/readme-run-command", test_readme_run_command);

  return g_test_run ();
}
