/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "lab-test-utils.h"

/* The headless server against Debian's python3-websockets running the
 * tutorial's clients, as separate processes. */

static char *
script_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "interop", name, NULL);
}

static gboolean
have_python_websockets (void)
{
  const char *argv[] = { lab_test_python (), "-c", "import websockets", NULL };
  g_autoptr(LabTestProcess) probe = lab_test_process_spawn (argv, NULL);

  return lab_test_process_wait_exit (probe) == 0;
}

static LabTestProcess *
start_headless (guint *port)
{
  const char *argv[] = { lab_test_websocket_lab (), "--headless", "--port", "0", NULL };
  LabTestProcess *server = lab_test_process_spawn (argv, NULL);

  *port = lab_test_process_wait_listening (server);
  return server;
}

static void
stop_headless (LabTestProcess *server)
{
  lab_test_process_signal (server, SIGTERM);
  g_assert_cmpint (lab_test_process_wait_exit (server), ==, 0);
}

static void
test_hello_client (void)
{
  g_autofree char *script = script_path ("hello_client.py");
  g_autofree char *url = NULL;
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(LabTestProcess) client = NULL;
  guint port;

  if (!have_python_websockets ())
    {
      g_test_fail_printf ("python3-websockets is missing: install it (see .ci/run)");
      return;
    }

  server = start_headless (&port);
  url = g_strdup_printf ("ws://localhost:%u/hello", port);

  {
    const char *argv[] = { lab_test_python (), script, url, NULL };

    client = lab_test_process_spawn (argv, "Ada\n");
  }

  g_assert_cmpint (lab_test_process_wait_exit (client), ==, 0);
  g_assert_true (lab_test_process_has_line (client, "> Ada"));
  g_assert_true (lab_test_process_has_line (client, "< Hello Ada!"));

  lab_test_process_wait_line (server, "left /hello (close code 1000");
  stop_headless (server);
}

static void
test_two_counter_clients_in_sync (void)
{
  g_autofree char *script = script_path ("counter_client.py");
  g_autofree char *url = NULL;
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(LabTestProcess) clicker = NULL;
  g_autoptr(LabTestProcess) watcher = NULL;
  guint port;

  if (!have_python_websockets ())
    {
      g_test_fail_printf ("python3-websockets is missing: install it (see .ci/run)");
      return;
    }

  server = start_headless (&port);
  url = g_strdup_printf ("ws://127.0.0.1:%u/", port);

  {
    /* Clicks from one, once both are online; 3 is reached only at the end. */
    const char *clicker_argv[] = { lab_test_python (), script, url, "2", "plus,plus,minus,plus,plus", "3", NULL };
    const char *watcher_argv[] = { lab_test_python (), script, url, "2", "", "3", NULL };

    clicker = lab_test_process_spawn (clicker_argv, NULL);
    watcher = lab_test_process_spawn (watcher_argv, NULL);
  }

  g_assert_cmpint (lab_test_process_wait_exit (clicker), ==, 0);
  g_assert_cmpint (lab_test_process_wait_exit (watcher), ==, 0);

  g_assert_true (lab_test_process_has_line (clicker, "users 2"));
  g_assert_true (lab_test_process_has_line (watcher, "users 2"));
  g_assert_true (lab_test_process_has_line (watcher, "final 3"));
  g_assert_true (lab_test_process_has_line (clicker, "final 3"));
  g_assert_false (lab_test_process_has_line (watcher, "unsupported event"));

  lab_test_process_wait_line (server, "sent {\"action\": \"minus\"}");
  stop_headless (server);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/interop/python/hello-client", test_hello_client);
  g_test_add_func ("/interop/python/two-counter-clients-in-sync", test_two_counter_clients_in_sync);

  return g_test_run ();
}
