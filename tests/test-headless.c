/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "lab-client.h"
#include "lab-network.h"
#include "lab-protocol.h"
#include "lab-tls.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"

/* `websocket-lab --headless` as a person or a service manager runs it: a
 * separate process, no display, one line per event, stopped by a signal. */

static LabTestProcess *
spawn_headless (const char *first_option,
                ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (argv, (char *) lab_test_websocket_lab ());
  g_ptr_array_add (argv, (char *) "--headless");

  va_start (args, first_option);
  for (const char *option = first_option; option != NULL; option = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) option);
  va_end (args);

  g_ptr_array_add (argv, NULL);
  return lab_test_process_spawn ((const char * const *) argv->pdata, NULL);
}

static SoupWebsocketConnection *
connect_port (guint       port,
              const char *path)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u%s", port, path);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection = lab_test_connect (url, &error);

  g_assert_no_error (error);
  return connection;
}

static void
test_events_and_sigterm (void)
{
  g_autoptr(LabTestProcess) server = spawn_headless ("--port", "0", NULL);
  g_autoptr(SoupWebsocketConnection) counter = NULL;
  g_autoptr(SoupWebsocketConnection) time_client = NULL;
  g_autofree char *users = NULL;
  g_autofree char *state = NULL;
  g_autofree char *after = NULL;
  guint port = lab_test_process_wait_listening (server);

  g_assert_cmpuint (port, >, 0);

  counter = connect_port (port, "/");
  users = lab_test_receive (counter);
  state = lab_test_receive (counter);
  g_assert_cmpstr (users, ==, "{\"type\":\"users\",\"count\":1}");
  g_assert_cmpstr (state, ==, "{\"type\":\"state\",\"value\":0}");
  time_client = connect_port (port, "/time");

  soup_websocket_connection_send_text (counter, "{\"action\":\"plus\"}");
  after = lab_test_receive (counter);
  g_assert_cmpstr (after, ==, "{\"type\":\"state\",\"value\":1}");
  soup_websocket_connection_send_text (counter, "{\"action\":\"jump\"}");
  g_free (lab_test_receive (counter));

  /* One line per join, action, error and broadcast. */
  lab_test_process_wait_line (server, "joined / from 127.0.0.1:");
  lab_test_process_wait_line (server, "joined /time from 127.0.0.1:");
  lab_test_process_wait_line (server, "sent {\"action\":\"plus\"}");
  lab_test_process_wait_line (server, "error: Unknown action");
  lab_test_process_wait_line (server, "Broadcast {\"type\":\"state\",\"value\":1} to 1 client");

  /* SIGTERM: everyone is told the server is going away, then it exits 0. */
  lab_test_process_signal (server, SIGTERM);
  lab_test_wait_closed (counter);
  lab_test_wait_closed (time_client);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (counter), ==,
                    SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (time_client), ==,
                    SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_cmpint (lab_test_process_wait_exit (server), ==, 0);
  g_assert_true (lab_test_process_has_line (server, "left / (close code 1001"));
  g_assert_true (lab_test_process_has_line (server, "Server stopped"));
}

static void
test_sigint_without_clients (void)
{
  g_autoptr(LabTestProcess) server = spawn_headless ("--port", "0", NULL);

  lab_test_process_wait_listening (server);
  lab_test_process_signal (server, SIGINT);
  g_assert_cmpint (lab_test_process_wait_exit (server), ==, 0);
}

static void
test_port_in_use (void)
{
  g_autoptr(LabServer) holder = lab_test_server_new_started ();
  g_autofree char *port = g_strdup_printf ("%u", lab_server_get_bound_port (holder));
  g_autofree char *expected = g_strdup_printf ("Port %s is already in use", port);
  g_autoptr(LabTestProcess) server = spawn_headless ("--port", port, NULL);

  g_assert_cmpint (lab_test_process_wait_exit (server), !=, 0);
  g_assert_true (lab_test_process_has_line (server, expected));
  g_assert_false (lab_test_process_has_line (server, "Listening"));
}

static void
test_bad_options (void)
{
  g_autoptr(LabTestProcess) bad_port = spawn_headless ("--port", "70000", NULL);
  g_autoptr(LabTestProcess) bad_number = spawn_headless ("--port", "many", NULL);
  g_autoptr(LabTestProcess) key_alone = spawn_headless ("--tls-key", "/nonexistent.key", NULL);
  g_autoptr(LabTestProcess) missing_cert = spawn_headless ("--port", "0", "--tls-cert", "/nonexistent.pem", NULL);

  g_assert_cmpint (lab_test_process_wait_exit (bad_port), !=, 0);
  g_assert_true (lab_test_process_has_line (bad_port, "between 0 and 65535"));
  g_assert_cmpint (lab_test_process_wait_exit (bad_number), !=, 0);
  g_assert_true (lab_test_process_has_line (bad_number, "many"));
  g_assert_cmpint (lab_test_process_wait_exit (key_alone), !=, 0);
  g_assert_true (lab_test_process_has_line (key_alone, "--tls-key needs --tls-cert"));
  g_assert_cmpint (lab_test_process_wait_exit (missing_cert), !=, 0);
  g_assert_true (lab_test_process_has_line (missing_cert, "/nonexistent.pem"));
  g_assert_false (lab_test_process_has_line (missing_cert, "Listening"));
}

static void
test_version_and_help (void)
{
  g_autoptr(LabTestProcess) version = spawn_headless ("--version", NULL);
  g_autoptr(LabTestProcess) help = spawn_headless ("--help", NULL);

  g_assert_cmpint (lab_test_process_wait_exit (version), ==, 0);
  g_assert_true (lab_test_process_has_line (version, "websocket-lab " PACKAGE_VERSION));
  g_assert_cmpint (lab_test_process_wait_exit (help), ==, 0);
  g_assert_true (lab_test_process_has_line (help, "--classic-ports"));
  g_assert_true (lab_test_process_has_line (help, "--lan"));
}

static gboolean
client_connected (gpointer data)
{
  return lab_client_get_state (data) == LAB_CLIENT_STATE_CONNECTED && lab_client_get_has_value (data);
}

static void
test_tls (void)
{
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "tls", NULL);
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *url = NULL;
  g_autoptr(LabTrustStore) trust_store = NULL;
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(LabClient) client = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  lab_tls_generate (directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &certificate_file, &key_file, &error);
  g_assert_no_error (error);

  server = spawn_headless ("--port", "0", "--tls-cert", certificate_file, "--tls-key", key_file, NULL);
  port = lab_test_process_wait_listening (server);
  g_assert_true (lab_test_process_has_line (server, "Listening on wss://127.0.0.1:"));
  lab_test_process_wait_line (server, "TLS certificate: CN=WebSocket Lab");

  trust_store = lab_test_trust_store_new (LAB_TRUST_CA_FILE, certificate_file);
  url = g_strdup_printf ("wss://localhost:%u/", port);
  client = lab_client_new (url, NULL);
  lab_client_set_trust_store (client, trust_store);
  lab_client_connect (client);
  g_assert_true (lab_test_wait_until (client_connected, client, LAB_TEST_TIMEOUT_MS));

  lab_client_disconnect (client);
  lab_test_process_signal (server, SIGTERM);
  g_assert_cmpint (lab_test_process_wait_exit (server), ==, 0);
}

static void
test_tls_refuses_bad_certificates (void)
{
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "tls", NULL);
  g_autofree char *other_directory = g_build_filename (directory, "other", NULL);
  g_autofree char *expired_directory = g_build_filename (directory, "expired", NULL);
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *other_key = NULL;
  g_autofree char *expired_certificate = NULL;
  g_autofree char *expired_key = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) long_ago = g_date_time_add_days (now, -30);
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autoptr(GError) error = NULL;

  lab_tls_generate (directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &certificate_file, &key_file, &error);
  g_assert_no_error (error);
  lab_tls_generate (other_directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL, NULL, &other_key, &error);
  g_assert_no_error (error);
  lab_tls_generate (expired_directory, LAB_TLS_KEY_ECDSA_P256, NULL, long_ago, yesterday,
                    &expired_certificate, &expired_key, &error);
  g_assert_no_error (error);

  {
    g_autoptr(LabTestProcess) mismatched = spawn_headless ("--port", "0", "--tls-cert", certificate_file,
                                                           "--tls-key", other_key, NULL);
    g_autoptr(LabTestProcess) expired = spawn_headless ("--port", "0", "--tls-cert", expired_certificate,
                                                        "--tls-key", expired_key, NULL);
    g_autoptr(LabTestProcess) not_pem = spawn_headless ("--port", "0", "--tls-cert", key_file,
                                                        "--tls-key", key_file, NULL);
    g_autoptr(LabTestProcess) no_key = spawn_headless ("--port", "0", "--tls-cert", certificate_file, NULL);

    /* Refuses to start, says why, exits non-zero. */
    g_assert_cmpint (lab_test_process_wait_exit (mismatched), !=, 0);
    g_assert_true (lab_test_process_has_line (mismatched, "does not belong to this certificate"));
    g_assert_cmpint (lab_test_process_wait_exit (expired), !=, 0);
    g_assert_true (lab_test_process_has_line (expired, "expired"));
    g_assert_cmpint (lab_test_process_wait_exit (not_pem), !=, 0);
    g_assert_true (lab_test_process_has_line (not_pem, "is not a PEM certificate"));
    g_assert_cmpint (lab_test_process_wait_exit (no_key), !=, 0);
    g_assert_true (lab_test_process_has_line (no_key, "holds no private key"));
    g_assert_false (lab_test_process_has_line (mismatched, "Listening"));
    g_assert_false (lab_test_process_has_line (expired, "Listening"));
  }
}

#define JOIN_PREFIX "Join from other devices: "

static gboolean
is_qr_line (const char *line)
{
  if (g_utf8_strlen (line, -1) < 21)
    return FALSE;

  for (const char *c = line; *c != '\0'; c = g_utf8_next_char (c))
    {
      gunichar ch = g_utf8_get_char (c);

      if (ch != ' ' && ch != 0x2588 && ch != 0x2580 && ch != 0x2584)
        return FALSE;
    }

  return TRUE;
}

/* The QR code's lines, once all of them are there. */
static char *
dup_whole_qr (LabTestProcess *server)
{
  g_autofree char *output = lab_test_process_dup_output (server);
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  g_autoptr(GString) drawing = g_string_new (NULL);
  guint n = 0;
  guint side = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i + 1] != NULL && is_qr_line (lines[i]))
      {
        side = (guint) g_utf8_strlen (lines[i], -1);
        g_string_append_printf (drawing, "%s\n", lines[i]);
        n++;
      }

  if (side == 0 || n < (side + 1) / 2)
    return NULL;

  return g_string_free (g_steal_pointer (&drawing), FALSE);
}

static gboolean
has_whole_qr (gpointer data)
{
  g_autofree char *drawing = dup_whole_qr (data);

  return drawing != NULL;
}

/* `--lan` tells a class where to join: each address's counter page, IPv4
 * first, and the first as a QR code a phone reads off the terminal. */
static void
test_lan_join_qr (void)
{
  g_auto(GStrv) addresses = lab_network_dup_lan_addresses ();
  g_autoptr(LabTestProcess) server = NULL;
  g_autofree char *output = NULL;
  g_autofree char *drawing = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *first_url = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean seen_ipv6 = FALSE;
  guint port;
  guint n_urls = 0;

  if (!lab_test_require_zbarimg ())
    return;

  server = spawn_headless ("--port", "0", "--lan", NULL);
  port = lab_test_process_wait_listening (server);

  if (addresses[0] == NULL)
    {
      lab_test_process_wait_line (server, "No network address other devices could join at");
      lab_test_headless_stop (server);
      return;
    }

  lab_test_process_wait_line (server, JOIN_PREFIX);
  g_assert_true (lab_test_wait_until (has_whole_qr, server, 10000));
  drawing = dup_whole_qr (server);
  output = lab_test_process_dup_output (server);
  lines = g_strsplit (output, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *url;

      if (!g_str_has_prefix (lines[i], JOIN_PREFIX))
        continue;

      url = lines[i] + strlen (JOIN_PREFIX);
      if (first_url == NULL)
        first_url = g_strdup (url);
      /* IPv4 first, then IPv6. */
      if (strchr (url, '[') != NULL)
        seen_ipv6 = TRUE;
      else
        g_assert_false (seen_ipv6);
      n_urls++;
    }

  /* Every address, none of them loopback, on the port it listens on. */
  g_assert_cmpuint (n_urls, ==, g_strv_length (addresses));
  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autofree char *url = strchr (addresses[i], ':') != NULL
                             ? g_strdup_printf ("http://[%s]:%u/", addresses[i], port)
                             : g_strdup_printf ("http://%s:%u/", addresses[i], port);
      g_autofree char *line = g_strconcat (JOIN_PREFIX, url, NULL);

      g_assert_true (lab_test_process_has_line (server, line));
    }
  g_assert_false (lab_test_process_has_line (server, JOIN_PREFIX "http://127.0.0.1"));

  decoded = lab_test_qr_decode_terminal (drawing);
  g_assert_cmpstr (decoded, ==, first_url);

  lab_test_headless_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/headless/events-and-sigterm", test_events_and_sigterm);
  g_test_add_func ("/headless/sigint-without-clients", test_sigint_without_clients);
  g_test_add_func ("/headless/port-in-use", test_port_in_use);
  g_test_add_func ("/headless/bad-options", test_bad_options);
  g_test_add_func ("/headless/version-and-help", test_version_and_help);
  g_test_add_func ("/headless/tls", test_tls);
  g_test_add_func ("/headless/lan-join-qr", test_lan_join_qr);
  g_test_add_func ("/headless/tls-refuses-bad-certificates", test_tls_refuses_bad_certificates);

  return g_test_run ();
}
