/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>

#include "lab-test-utils.h"
#include "lab-tls.h"

/* The tutorial's second lesson, hello over TLS with a self-signed
 * localhost.pem, against the headless server with a certificate made here
 * instead of with openssl. */

static void
test_tutorial_wss_client (void)
{
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "lesson", NULL);
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *certificate_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *combined = NULL;
  g_autofree char *pem_path = g_build_filename (directory, "localhost.pem", NULL);
  g_autofree char *script_source = g_test_build_filename (G_TEST_DIST, "interop", "wss_hello_client.py", NULL);
  g_autofree char *script_text = NULL;
  g_autofree char *script_path = g_build_filename (directory, "wss_hello_client.py", NULL);
  g_autofree char *url = NULL;
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(LabTestProcess) client = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  /* One PEM holding key and certificate, as the tutorial's localhost.pem. */
  lab_tls_generate (directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &certificate_file, &key_file, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (certificate_file, &certificate_pem, NULL, NULL));
  g_assert_true (g_file_get_contents (key_file, &key_pem, NULL, NULL));
  combined = g_strconcat (key_pem, certificate_pem, NULL);
  g_assert_true (g_file_set_contents (pem_path, combined, -1, NULL));

  /* The client looks for localhost.pem beside itself. */
  g_assert_true (g_file_get_contents (script_source, &script_text, NULL, NULL));
  g_assert_true (g_file_set_contents (script_path, script_text, -1, NULL));

  {
    const char *argv[] = { lab_test_websocket_lab (), "--headless", "--port", "0", "--tls-cert", pem_path, NULL };

    server = lab_test_process_spawn (argv, NULL);
  }
  port = lab_test_process_wait_listening (server);
  url = g_strdup_printf ("wss://localhost:%u/hello", port);

  {
    const char *argv[] = { lab_test_python (), script_path, url, NULL };

    client = lab_test_process_spawn (argv, "Grace\n");
  }

  g_assert_cmpint (lab_test_process_wait_exit (client), ==, 0);
  g_assert_true (lab_test_process_has_line (client, "> Grace"));
  g_assert_true (lab_test_process_has_line (client, "< Hello Grace!"));

  lab_test_process_signal (server, SIGTERM);
  g_assert_cmpint (lab_test_process_wait_exit (server), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/interop/python/tutorial-wss-client", test_tutorial_wss_client);

  return g_test_run ();
}
