/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-client.h"
#include "lab-tls.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"

/* LabClient when things do not work: what it says, whether it tries again
 * and how soon, and whom it trusts over wss://. Real servers on ephemeral
 * loopback ports, and small ones that misbehave on purpose. */

/* Closed, refused, or not a WebSocket server: said in words, tried again */

static void
test_server_closes (void)
{
  static const char * const script[] = { NULL };
  g_autoptr(LabTestTinyServer) tiny = NULL;
  LabClient *client;

  tiny = lab_test_tiny_server_new (script, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  client = lab_client_new (lab_test_tiny_server_get_url (tiny), NULL);

  lab_client_connect (client);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpstr (lab_client_get_last_error (client), ==,
                   "The server closed the connection (1008: policy violation)");

  lab_test_client_free (client);
}

typedef struct
{
  gint64         entered[8];
  LabClientState states[8];
  guint          n;
  guint          n_waiting;
  guint          max_retry_in;
  guint          retry_in[32];
  guint          n_retry_in;
} Transitions;

static void
record_state_cb (LabClient   *client,
                 GParamSpec  *pspec,
                 Transitions *transitions)
{
  LabClientState state = lab_client_get_state (client);

  if (transitions->n < G_N_ELEMENTS (transitions->states))
    {
      transitions->entered[transitions->n] = g_get_monotonic_time ();
      transitions->states[transitions->n] = state;
      transitions->n++;
    }

  if (state == LAB_CLIENT_STATE_WAITING_TO_RECONNECT)
    transitions->n_waiting++;
}

static void
record_retry_in_cb (LabClient   *client,
                    GParamSpec  *pspec,
                    Transitions *transitions)
{
  guint retry_in = lab_client_get_retry_in (client);

  transitions->max_retry_in = MAX (transitions->max_retry_in, retry_in);
  if (transitions->n_retry_in < G_N_ELEMENTS (transitions->retry_in))
    transitions->retry_in[transitions->n_retry_in++] = retry_in;
}

/* A wait of about 2 s shows 2 (or 3), then one less each second, then 0. */
static gboolean
counted_down (Transitions *transitions)
{
  for (guint i = 0; i + 2 < transitions->n_retry_in; i++)
    {
      guint *r = &transitions->retry_in[i];

      if (r[0] >= 2 && r[1] == r[0] - 1 && (r[0] > 2 || r[2] == 0))
        return TRUE;
    }

  return FALSE;
}

static gboolean
waited_three_times (gpointer data)
{
  return ((Transitions *) data)->n_waiting >= 3;
}

static gboolean
tried_four_times (gpointer data)
{
  return ((Transitions *) data)->n_waiting >= 4;
}

/* How long the client waited after its n-th failure (from 1). */
static gint64
wait_after_failure (Transitions *transitions,
                    guint        n)
{
  guint seen = 0;

  for (guint i = 0; i + 1 < transitions->n; i++)
    {
      if (transitions->states[i] != LAB_CLIENT_STATE_WAITING_TO_RECONNECT || ++seen != n)
        continue;

      g_assert_cmpint (transitions->states[i + 1], ==, LAB_CLIENT_STATE_CONNECTING);
      return transitions->entered[i + 1] - transitions->entered[i];
    }

  g_assert_not_reached ();
}

static void
test_refused (void)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/", lab_test_unused_port ());
  g_autoptr(LabClient) client = lab_client_new (url, NULL);
  Transitions transitions = { 0 };
  gint64 first;
  gint64 second;

  g_signal_connect (client, "notify::state", G_CALLBACK (record_state_cb), &transitions);
  g_signal_connect (client, "notify::retry-in", G_CALLBACK (record_retry_in_cb), &transitions);

  lab_client_connect (client);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpstr (lab_client_get_last_error (client), ==,
                   "Connection refused: is the server running?");
  g_assert_cmpuint (lab_client_get_retry_in (client), ==, 1);
  g_assert_false (lab_client_plus (client));

  g_assert_true (lab_test_wait_until (waited_three_times, &transitions, LAB_TEST_TIMEOUT_MS));

  first = wait_after_failure (&transitions, 1);
  second = wait_after_failure (&transitions, 2);
  g_test_message ("waited %" G_GINT64_FORMAT " ms, then %" G_GINT64_FORMAT " ms",
                  first / G_TIME_SPAN_MILLISECOND, second / G_TIME_SPAN_MILLISECOND);

  /* 0.5 s ± 20 %, then 1 s ± 20 %: the second is always the longer. */
  g_assert_cmpint (first, >=, 390 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (second, >=, 790 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (second, >, first);
  g_assert_cmpint (second, <=, 30 * G_TIME_SPAN_SECOND);

  /* The third wait is long enough to watch :retry-in count down by the second. */
  g_assert_true (lab_test_wait_until (tried_four_times, &transitions, LAB_TEST_TIMEOUT_MS));
  g_assert_true (counted_down (&transitions));
  g_assert_cmpuint (transitions.max_retry_in, >=, 2);
  g_assert_cmpuint (transitions.max_retry_in, <=, 30);
  g_assert_cmpstr (lab_client_get_last_error (client), ==,
                   "Connection refused: is the server running?");

  g_signal_handlers_disconnect_by_data (client, &transitions);
}

static void
test_not_websocket (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *page_url = lab_test_url (server, "/time.html");
  g_autofree char *missing_url = lab_test_url (server, "/missing");
  g_autoptr(LabClient) client = lab_client_new (page_url, NULL);

  lab_client_connect (client);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpstr (lab_client_get_last_error (client), ==, "Not a WebSocket server (HTTP 200)");
  g_assert_false (lab_client_get_has_value (client));

  lab_client_set_counter_url (client, missing_url);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpstr (lab_client_get_last_error (client), ==, "Not a WebSocket server (HTTP 404)");
}

static void
test_invalid_url (void)
{
  static const char * const urls[] = { "", "hello", "ws://", "ftp://127.0.0.1/", " ws://a/" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(LabClient) client = lab_client_new (urls[i], NULL);

      g_test_message ("url: “%s”", urls[i]);
      lab_client_connect (client);
      g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
      g_assert_nonnull (lab_client_get_last_error (client));
      g_assert_false (lab_client_plus (client));
    }
}

/* Trying again would not fix a bad address: no reconnect loop. */
static void
test_invalid_url_no_retry (void)
{
  g_autoptr(LabClient) client = lab_client_new ("not a url", NULL);
  Transitions transitions = { 0 };

  g_signal_connect (client, "notify::state", G_CALLBACK (record_state_cb), &transitions);
  lab_client_connect (client);
  lab_test_run_for (800);
  g_assert_cmpuint (transitions.n_waiting, ==, 0);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_signal_handlers_disconnect_by_data (client, &transitions);
}

/* A server that completes the handshake and then never answers: a laptop
 * closed, a phone gone from the Wi-Fi. It runs in a thread of its own. */
static gboolean
black_hole_cb (GThreadedSocketService *service,
               GSocketConnection      *connection,
               GObject                *source_object,
               gpointer                user_data)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autofree char *response = lab_test_read_upgrade (connection);
  char buffer[1024];

  if (response == NULL)
    return TRUE;
  g_output_stream_write_all (output, response, strlen (response), NULL, NULL, NULL);

  /* Reads the pings, answers nothing, until the client gives up. */
  while (g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL) > 0)
    ;

  return TRUE;
}

static gboolean
stopped_answering (gpointer data)
{
  return lab_client_get_state (data) == LAB_CLIENT_STATE_WAITING_TO_RECONNECT;
}

static gboolean
connected_or_waiting (gpointer data)
{
  return lab_client_get_state (data) != LAB_CLIENT_STATE_CONNECTING &&
         lab_client_get_state (data) != LAB_CLIENT_STATE_DISCONNECTED;
}

static void
test_silent_server (void)
{
  g_autofree char *url = NULL;
  GSocketService *service = lab_test_threaded_server_new (G_CALLBACK (black_hole_cb), &url);
  g_autoptr(LabClient) client = NULL;

  client = lab_client_new (url, NULL);
  lab_client_set_keepalive_interval (client, 1);
  lab_client_connect (client);

  g_assert_true (lab_test_wait_until (connected_or_waiting, client, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);

  /* An interval and a pong timeout (as long) later it says so and tries again. */
  g_assert_true (lab_test_wait_until (stopped_answering, client, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpstr (lab_client_get_last_error (client), ==, "No pong within 1 s");

  lab_client_disconnect (client);
  lab_test_client_free (g_steal_pointer (&client));
  lab_test_service_free (service);
}

/* A server that takes the connection and the request and never answers:
 * the handshake has a time limit, and stopping ends it at once. */
static gboolean
mute_server_cb (GThreadedSocketService *service,
                GSocketConnection      *connection,
                GObject                *source_object,
                gpointer                user_data)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  char buffer[1024];

  while (g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL) > 0)
    ;

  return TRUE;
}

static void
test_handshake_time_limit (void)
{
  g_autofree char *url = NULL;
  GSocketService *service = lab_test_threaded_server_new (G_CALLBACK (mute_server_cb), &url);
  LabClient *client = lab_client_new (url, NULL);
  gint64 start = g_get_monotonic_time ();
  gint64 stopped;

  lab_client_connect (client);
  /* The limit is 10 s: more than a test's usual wait */
  g_assert_true (lab_test_wait_until (stopped_answering, client, 15000));
  g_assert_cmpstr (lab_client_get_last_error (client), ==, "The server did not answer in time");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 9 * G_USEC_PER_SEC);

  /* Stopped in the middle of the next handshake: over at once. */
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_CONNECTING);
  lab_test_run_for (200);
  stopped = g_get_monotonic_time ();
  lab_client_disconnect (client);
  lab_test_client_free (client);
  g_assert_cmpint (g_get_monotonic_time () - stopped, <, 2 * G_USEC_PER_SEC);

  lab_test_service_free (service);
}

/* Trust */

static gboolean
has_untrusted (gpointer data)
{
  return lab_client_get_untrusted_certificate (data, NULL, NULL) != NULL;
}

static gboolean
is_connected (gpointer data)
{
  return lab_client_get_state (data) == LAB_CLIENT_STATE_CONNECTED &&
         lab_client_get_has_value (data);
}

static LabClient *
client_with_store (const char    *url,
                   LabTrustStore *trust_store)
{
  LabClient *client = lab_client_new (url, NULL);

  lab_client_set_trust_store (client, trust_store);
  lab_client_connect (client);

  return client;
}

/* "Ask me": the client stops on the certificate, with what a person needs to
 * decide; trusting it in the store goes on, in every client that shares it. */
static void
test_certificate_refused_then_trusted (void)
{
  g_autoptr(LabServer) server = lab_test_tls_server_new_started (NULL);
  g_autoptr(LabTrustStore) trust_store = lab_test_trust_store_new (LAB_TRUST_ASK, NULL);
  g_autoptr(LabTrustStore) other_store = lab_test_trust_store_new (LAB_TRUST_ASK, NULL);
  guint port = lab_server_get_bound_port (server);
  g_autofree char *url = g_strdup_printf ("wss://localhost:%u/", port);
  g_autofree char *expected_peer = g_strdup_printf ("localhost:%u", port);
  g_autofree char *fingerprint = NULL;
  g_autofree char *server_fingerprint = NULL;
  g_autoptr(GHashTable) remembered = NULL;
  LabClient *client;
  LabClient *later;
  LabClient *elsewhere;
  GTlsCertificate *untrusted;
  GTlsCertificateFlags errors = 0;
  const char *peer = NULL;

  client = client_with_store (url, trust_store);
  g_assert_true (lab_test_wait_until (has_untrusted, client, LAB_TEST_TIMEOUT_MS));

  /* What the window shows the person: who, which certificate, and why. */
  untrusted = lab_client_get_untrusted_certificate (client, &errors, &peer);
  g_assert_cmpstr (peer, ==, expected_peer);
  g_assert_true (errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  fingerprint = lab_tls_dup_fingerprint (untrusted);
  server_fingerprint = lab_tls_dup_fingerprint (lab_server_get_tls_certificate (server));
  g_assert_cmpstr (fingerprint, ==, server_fingerprint);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (lab_client_get_last_error (client), "not trusted"));
  g_assert_cmpuint (lab_client_get_retry_in (client), ==, 0);
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (server)), ==, 0);

  /* Trusted from the dialog: the client goes on by itself. */
  lab_trust_store_trust (trust_store, peer, fingerprint);
  g_assert_true (lab_test_wait_until (is_connected, client, LAB_TEST_TIMEOUT_MS));
  g_assert_null (lab_client_get_untrusted_certificate (client, NULL, NULL));

  /* Another client of the same store connects without asking. */
  later = client_with_store (url, trust_store);
  g_assert_true (lab_test_wait_until (is_connected, later, LAB_TEST_TIMEOUT_MS));

  /* Stopped on it, then the store learns it from the settings (another
   * instance trusted it): goes on. */
  elsewhere = client_with_store (url, other_store);
  g_assert_true (lab_test_wait_until (has_untrusted, elsewhere, LAB_TEST_TIMEOUT_MS));
  remembered = lab_trust_store_dup_trusted (trust_store);
  lab_trust_store_set_trusted (other_store, remembered);
  g_assert_true (lab_test_wait_until (is_connected, elsewhere, LAB_TEST_TIMEOUT_MS));

  lab_test_client_free (client);
  lab_test_client_free (later);
  lab_test_client_free (elsewhere);
  lab_test_wait_peers (server, 0);
}

/* The application's own server: trusted without asking, on the names it was
 * vouched for, and never remembered. */
static void
test_vouched_certificate (void)
{
  g_autoptr(LabServer) server = lab_test_tls_server_new_started (NULL);
  g_autoptr(LabTrustStore) trust_store = lab_test_trust_store_new (LAB_TRUST_SYSTEM, NULL);
  guint port = lab_server_get_bound_port (server);
  g_autofree char *fingerprint = lab_tls_dup_fingerprint (lab_server_get_tls_certificate (server));
  g_autofree char *vouched_peer = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *vouched_url = g_strdup_printf ("wss://127.0.0.1:%u/", port);
  g_autofree char *other_url = g_strdup_printf ("wss://localhost:%u/", port);
  g_autoptr(GHashTable) remembered = NULL;
  LabClient *vouched;
  LabClient *other;

  lab_trust_store_vouch (trust_store, vouched_peer, fingerprint);

  vouched = client_with_store (vouched_url, trust_store);
  g_assert_true (lab_test_wait_until (is_connected, vouched, LAB_TEST_TIMEOUT_MS));

  other = client_with_store (other_url, trust_store);
  g_assert_true (lab_test_wait_until (has_untrusted, other, LAB_TEST_TIMEOUT_MS));
  g_assert_nonnull (strstr (lab_client_get_last_error (other), "not signed by an authority"));

  remembered = lab_trust_store_dup_trusted (trust_store);
  g_assert_cmpuint (g_hash_table_size (remembered), ==, 0);

  lab_test_client_free (vouched);
  lab_test_client_free (other);
  lab_test_wait_peers (server, 0);
}

/* Another trust mode or CA file applies at once: a client stopped on a
 * certificate tries again by itself. */
static void
test_trust_mode_change_reconnects (void)
{
  g_autofree char *certificate_file = NULL;
  g_autoptr(LabServer) server = lab_test_tls_server_new_started (&certificate_file);
  g_autoptr(LabTrustStore) trust_store = lab_test_trust_store_new (LAB_TRUST_SYSTEM, NULL);
  guint port = lab_server_get_bound_port (server);
  g_autofree char *url = g_strdup_printf ("wss://localhost:%u/", port);
  LabClient *client = client_with_store (url, trust_store);

  g_assert_true (lab_test_wait_until (has_untrusted, client, LAB_TEST_TIMEOUT_MS));

  lab_trust_store_set_mode (trust_store, LAB_TRUST_CA_FILE);
  lab_trust_store_set_ca_file (trust_store, certificate_file);
  g_assert_true (lab_test_wait_until (is_connected, client, LAB_TEST_TIMEOUT_MS));
  g_assert_null (lab_client_get_untrusted_certificate (client, NULL, NULL));
  g_assert_null (lab_client_get_last_error (client));

  lab_test_client_free (client);
  lab_test_wait_peers (server, 0);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/client-failures/server-closes", test_server_closes);
  g_test_add_func ("/client-failures/refused", test_refused);
  g_test_add_func ("/client-failures/not-websocket", test_not_websocket);
  g_test_add_func ("/client-failures/invalid-url", test_invalid_url);
  g_test_add_func ("/client-failures/invalid-url-no-retry", test_invalid_url_no_retry);
  g_test_add_func ("/client-failures/silent-server", test_silent_server);
  g_test_add_func ("/client-failures/handshake-time-limit", test_handshake_time_limit);
  g_test_add_func ("/client-failures/certificate-refused-then-trusted",
                   test_certificate_refused_then_trusted);
  g_test_add_func ("/client-failures/vouched-certificate", test_vouched_certificate);
  g_test_add_func ("/client-failures/trust-mode-change-reconnects",
                   test_trust_mode_change_reconnects);

  return g_test_run ();
}
