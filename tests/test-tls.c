/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "lab-client.h"
#include "lab-tls.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"

/* TLS end to end: certificates generated here verify as a browser or a client
 * would check them, and only the pairs replaced are deleted; a server with one
 * is trusted or refused for the reasons a person would expect. Trusting by
 * fingerprint is in test-client-failures.c. */

typedef struct
{
  char            *directory;
  char            *certificate_file;
  char            *key_file;
  GTlsCertificate *certificate;
  LabServer       *server;
} Fixture;

static void
generate (Fixture             *fixture,
          LabTlsKeyType        key_type,
          const char * const  *hosts)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&fixture->certificate_file, g_free);
  g_clear_pointer (&fixture->key_file, g_free);
  g_clear_object (&fixture->certificate);

  lab_tls_generate (fixture->directory, key_type, hosts, NULL, NULL,
                    &fixture->certificate_file, &fixture->key_file, &error);
  g_assert_no_error (error);

  fixture->certificate = lab_tls_load (fixture->certificate_file, fixture->key_file, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->directory = lab_tls_dup_generated_directory ();
}

static void
start_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->server = lab_server_new ();
  lab_server_set_port (fixture->server, 0);
  lab_server_set_tls_certificate (fixture->server, fixture->certificate);
  lab_server_start (fixture->server, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->server != NULL)
    lab_server_stop (fixture->server);

  g_clear_object (&fixture->server);
  g_clear_object (&fixture->certificate);
  g_clear_pointer (&fixture->certificate_file, g_free);
  g_clear_pointer (&fixture->key_file, g_free);
  g_clear_pointer (&fixture->directory, g_free);
}

static char *
server_url (Fixture    *fixture,
            const char *host)
{
  return g_strdup_printf ("wss://%s:%u/", host, lab_server_get_bound_port (fixture->server));
}

static void
assert_verifies_for_every_name (Fixture *fixture)
{
  g_auto(GStrv) hosts = lab_tls_dup_default_hosts ();
  g_autoptr(GTlsCertificate) anchor = NULL;
  g_autoptr(GError) error = NULL;
  struct stat key_stat;

  /* The certificate is its own anchor, as when a client trusts the file. */
  anchor = g_tls_certificate_new_from_file (fixture->certificate_file, &error);
  g_assert_no_error (error);

  for (guint i = 0; hosts[i] != NULL; i++)
    {
      g_autoptr(GSocketConnectable) identity = g_network_address_new (hosts[i], 443);

      g_test_message ("checking %s", hosts[i]);
      g_assert_cmpint (g_tls_certificate_verify (fixture->certificate, identity, anchor), ==, 0);
    }

  {
    g_autoptr(GSocketConnectable) other = g_network_address_new ("example.org", 443);

    g_assert_cmpint (g_tls_certificate_verify (fixture->certificate, other, anchor), ==,
                     G_TLS_CERTIFICATE_BAD_IDENTITY);
  }

  g_assert_cmpint (stat (fixture->key_file, &key_stat), ==, 0);
  g_assert_cmpint (key_stat.st_mode & 0777, ==, 0600);
}

static void
test_generate_ecdsa (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(LabTlsSummary) summary = NULL;

  generate (fixture, LAB_TLS_KEY_ECDSA_P256, NULL);
  assert_verifies_for_every_name (fixture);

  summary = lab_tls_summary_new (fixture->certificate);
  g_assert_nonnull (strstr (summary->subject, "WebSocket Lab"));
  g_assert_nonnull (strstr (summary->names, "localhost"));
  g_assert_nonnull (strstr (summary->names, "127.0.0.1"));
  g_assert_nonnull (strstr (summary->names, "::1"));
  g_assert_cmpuint (strlen (summary->fingerprint), ==, 32 * 3 - 1);
}

static void
test_generate_rsa (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(LabTlsSummary) summary = NULL;
  g_autoptr(GDateTime) in_a_year = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (in_a_year, 364);

  generate (fixture, LAB_TLS_KEY_RSA_2048, NULL);
  assert_verifies_for_every_name (fixture);

  /* Valid for a year. */
  summary = lab_tls_summary_new (fixture->certificate);
  g_assert_cmpint (g_date_time_compare (summary->not_after, later), >, 0);
}

static void
assert_load_fails (const char *certificate_file,
                   const char *key_file,
                   const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = lab_tls_load (certificate_file, key_file, &error);

  g_assert_null (certificate);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not say “%s”", error->message, expected);
}

static void
test_load_errors (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *other_directory = g_build_filename (fixture->directory, "other", NULL);
  g_autofree char *other_certificate = NULL;
  g_autofree char *other_key = NULL;
  g_autofree char *expired_certificate = NULL;
  g_autofree char *expired_key = NULL;
  g_autofree char *text_file = g_build_filename (fixture->directory, "notes.txt", NULL);
  g_autofree char *combined_file = g_build_filename (fixture->directory, "localhost.pem", NULL);
  g_autofree char *certificate_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *combined = NULL;
  g_autoptr(GTlsCertificate) from_combined = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) long_ago = g_date_time_add_days (now, -30);
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autoptr(GError) error = NULL;

  generate (fixture, LAB_TLS_KEY_ECDSA_P256, NULL);
  lab_tls_generate (other_directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &other_certificate, &other_key, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (text_file, "not a certificate\n", -1, NULL));

  assert_load_fails ("/nonexistent/certificate.pem", NULL, "no such file");
  assert_load_fails (fixture->certificate_file, "/nonexistent/key.pem", "no such file");
  assert_load_fails (text_file, fixture->key_file, "is not a PEM certificate");
  assert_load_fails (fixture->certificate_file, text_file, "is not a PEM private key");
  assert_load_fails (fixture->certificate_file, NULL, "holds no private key");
  assert_load_fails (fixture->certificate_file, other_key, "does not belong to this certificate");

  /* One file with both, like the tutorial's localhost.pem. */
  g_assert_true (g_file_get_contents (fixture->certificate_file, &certificate_pem, NULL, NULL));
  g_assert_true (g_file_get_contents (fixture->key_file, &key_pem, NULL, NULL));
  combined = g_strconcat (key_pem, certificate_pem, NULL);
  g_assert_true (g_file_set_contents (combined_file, combined, -1, NULL));
  from_combined = lab_tls_load (combined_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_tls_certificate_is_same (from_combined, fixture->certificate));

  /* Expired. */
  lab_tls_generate (other_directory, LAB_TLS_KEY_ECDSA_P256, NULL, long_ago, yesterday,
                    &expired_certificate, &expired_key, &error);
  g_assert_no_error (error);
  assert_load_fails (expired_certificate, expired_key, "expired");

  /* A new pair never overwrites an earlier one. */
  g_assert_cmpstr (expired_certificate, !=, other_certificate);
  g_assert_true (g_file_test (other_certificate, G_FILE_TEST_EXISTS));
}

static void
test_load_async (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) failed = NULL;
  g_autoptr(GError) error = NULL;

  generate (fixture, LAB_TLS_KEY_ECDSA_P256, NULL);

  lab_tls_load_async (fixture->certificate_file, fixture->key_file, NULL,
                      lab_test_keep_result_cb, &loaded);
  certificate = lab_tls_load_finish (lab_test_wait_result (&loaded), &error);
  g_assert_no_error (error);
  g_assert_true (g_tls_certificate_is_same (certificate, fixture->certificate));

  /* The same words as lab_tls_load(). */
  lab_tls_load_async (fixture->certificate_file, NULL, NULL, lab_test_keep_result_cb, &failed);
  g_assert_null (lab_tls_load_finish (lab_test_wait_result (&failed), &error));
  g_assert_nonnull (strstr (error->message, "holds no private key"));
}

static guint
count_files (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static void
assert_generation_cancelled (Fixture       *fixture,
                             LabTlsKeyType  key_type,
                             GCancellable  *cancellable)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *certificate_file = NULL;

  lab_tls_generate_async (fixture->directory, key_type, NULL, cancellable,
                          lab_test_keep_result_cb, &result);
  g_cancellable_cancel (cancellable);

  g_assert_false (lab_tls_generate_finish (lab_test_wait_result (&result), &certificate_file, NULL,
                                           &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (certificate_file);
  g_assert_cmpuint (count_files (fixture->directory), ==, 0);
}

/* A window closed while its key is made: nothing is left on disk. */
static void
test_generate_cancelled (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) before = g_cancellable_new ();
  g_autoptr(GCancellable) during = g_cancellable_new ();

  g_cancellable_cancel (before);
  assert_generation_cancelled (fixture, LAB_TLS_KEY_ECDSA_P256, before);

  /* An RSA key takes long enough to be cancelled while it is made. */
  assert_generation_cancelled (fixture, LAB_TLS_KEY_RSA_2048, during);
}

/* Generate replaces the pairs generated before: all of them go but the new
 * one and the one the server still uses; the user's own files stay. */
static void
test_generate_replaces (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *old_certificate = NULL;
  g_autofree char *old_key = NULL;
  g_autofree char *in_use_certificate = NULL;
  g_autofree char *in_use_key = NULL;
  g_autofree char *new_certificate = NULL;
  g_autofree char *new_key = NULL;
  g_autofree char *notes = g_build_filename (fixture->directory, "notes.pem", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lab_tls_generate (fixture->directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &old_certificate, &old_key, &error);
  g_assert_no_error (error);
  lab_tls_generate (fixture->directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &in_use_certificate, &in_use_key, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (notes, "the user's own file\n", -1, NULL));

  {
    const char * const in_use[] = { in_use_certificate, in_use_key, NULL };

    lab_tls_generate_async (fixture->directory, LAB_TLS_KEY_ECDSA_P256, in_use, NULL,
                            lab_test_keep_result_cb, &result);
    g_assert_true (lab_tls_generate_finish (lab_test_wait_result (&result),
                                            &new_certificate, &new_key, &error));
    g_assert_no_error (error);
  }

  g_assert_false (g_file_test (old_certificate, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (old_key, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (in_use_certificate, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (in_use_key, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (new_certificate, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (new_key, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (notes, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (fixture->directory), ==, 5);

  /* With nothing to keep but itself, the new pair is alone. */
  {
    const char * const only_new[] = { new_certificate, new_key, NULL };

    g_assert_true (lab_tls_delete_generated (fixture->directory, only_new, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count_files (fixture->directory), ==, 3);
  }

  /* Nothing generated yet: nothing to do, and no error. */
  g_assert_true (lab_tls_delete_generated ("/nonexistent/websocket-lab/tls", NULL, &error));
  g_assert_no_error (error);
}

static gboolean
client_settled (gpointer data)
{
  LabClient *client = data;

  return (lab_client_get_state (client) == LAB_CLIENT_STATE_CONNECTED && lab_client_get_has_value (client)) ||
         lab_client_get_state (client) == LAB_CLIENT_STATE_DISCONNECTED ||
         lab_client_get_state (client) == LAB_CLIENT_STATE_WAITING_TO_RECONNECT;
}

static LabClient *
connect_client (const char   *url,
                LabTrustMode  mode,
                const char   *ca_file)
{
  g_autoptr(LabTrustStore) trust_store = lab_test_trust_store_new (mode, ca_file);
  LabClient *client = lab_client_new (url, NULL);

  lab_client_set_trust_store (client, trust_store);
  lab_client_connect (client);
  g_assert_true (lab_test_wait_until (client_settled, client, LAB_TEST_TIMEOUT_MS));

  return client;
}

static gboolean
value_is_one (gpointer data)
{
  return lab_client_get_value (data) == 1;
}

static void
test_client_trusts_ca_file (Fixture       *fixture,
                            gconstpointer  data)
{
  LabClient *by_name = NULL;
  LabClient *by_address = NULL;
  g_autofree char *name_url = NULL;
  g_autofree char *address_url = NULL;

  generate (fixture, LAB_TLS_KEY_ECDSA_P256, NULL);
  start_server (fixture);

  name_url = server_url (fixture, "localhost");
  address_url = server_url (fixture, "127.0.0.1");
  by_name = connect_client (name_url, LAB_TRUST_CA_FILE, fixture->certificate_file);
  by_address = connect_client (address_url, LAB_TRUST_CA_FILE, fixture->certificate_file);

  g_assert_cmpint (lab_client_get_state (by_name), ==, LAB_CLIENT_STATE_CONNECTED);
  g_assert_cmpint (lab_client_get_state (by_address), ==, LAB_CLIENT_STATE_CONNECTED);
  g_assert_true (lab_client_plus (by_name));
  g_assert_true (lab_test_wait_until (value_is_one, by_address, LAB_TEST_TIMEOUT_MS));

  /* The one port serves wss:// and https:// alike. */
  {
    g_auto(GStrv) urls = lab_server_dup_urls (fixture->server);

    g_assert_true (g_str_has_prefix (urls[0], "wss://127.0.0.1:"));
  }

  lab_test_client_free (by_name);
  lab_test_client_free (by_address);
}

static void
test_client_system_trust_refuses (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(LabClient) client = NULL;
  g_autofree char *url = NULL;

  generate (fixture, LAB_TLS_KEY_ECDSA_P256, NULL);
  start_server (fixture);
  url = server_url (fixture, "localhost");

  client = connect_client (url, LAB_TRUST_SYSTEM, NULL);

  /* Stopped, not retrying: a refused certificate will be refused again. */
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (lab_client_get_last_error (client), "not trusted"));
  g_assert_nonnull (strstr (lab_client_get_last_error (client), "not signed by an authority"));
  /* The certificate is there to look at, should the user want to trust it. */
  g_assert_nonnull (lab_client_get_untrusted_certificate (client, NULL, NULL));
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (fixture->server)), ==, 0);

  lab_test_client_free (g_steal_pointer (&client));
}

static void
test_client_refuses_other_host (Fixture       *fixture,
                                gconstpointer  data)
{
  static const char * const other_host[] = { "example.invalid", NULL };
  g_autoptr(LabClient) client = NULL;
  g_autofree char *url = NULL;

  generate (fixture, LAB_TLS_KEY_ECDSA_P256, other_host);
  start_server (fixture);
  url = server_url (fixture, "localhost");

  client = connect_client (url, LAB_TRUST_CA_FILE, fixture->certificate_file);

  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (lab_client_get_last_error (client), "another host name"));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/tls/generate/ecdsa", test_generate_ecdsa);
  ADD ("/tls/generate/rsa", test_generate_rsa);
  ADD ("/tls/load/errors", test_load_errors);
  ADD ("/tls/load/async", test_load_async);
  ADD ("/tls/generate/cancelled", test_generate_cancelled);
  ADD ("/tls/generate/replaces", test_generate_replaces);
  ADD ("/tls/client/trusts-ca-file", test_client_trusts_ca_file);
  ADD ("/tls/client/system-trust-refuses", test_client_system_trust_refuses);
  ADD ("/tls/client/refuses-other-host", test_client_refuses_other_host);

#undef ADD

  return g_test_run ();
}
