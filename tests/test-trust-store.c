/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-tls.h"
#include "lab-trust-store.h"
#include "lab-test-utils.h"

/* LabTrustStore in memory, as the tests' clients use it: what it trusts, what
 * it remembers, and the database it loads for each trust mode. */

typedef struct
{
  LabTrustStore   *trust_store;
  GTlsCertificate *certificate;
  char            *certificate_file;
  char            *fingerprint;
  guint            changes;
} Fixture;

static void
changed_cb (LabTrustStore *trust_store,
            Fixture       *fixture)
{
  fixture->changes++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *directory = lab_tls_dup_generated_directory ();
  g_autofree char *key_file = NULL;
  g_autoptr(GError) error = NULL;

  lab_tls_generate (directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &fixture->certificate_file, &key_file, &error);
  g_assert_no_error (error);
  fixture->certificate = lab_tls_load (fixture->certificate_file, key_file, &error);
  g_assert_no_error (error);
  fixture->fingerprint = lab_tls_dup_fingerprint (fixture->certificate);

  fixture->trust_store = lab_trust_store_new ();
  g_signal_connect (fixture->trust_store, "changed", G_CALLBACK (changed_cb), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (fixture->trust_store, fixture);
  g_clear_object (&fixture->trust_store);
  g_clear_object (&fixture->certificate);
  g_clear_pointer (&fixture->certificate_file, g_free);
  g_clear_pointer (&fixture->fingerprint, g_free);
}

static void
test_trust_and_forget (Fixture       *fixture,
                       gconstpointer  data)
{
  LabTrustStore *store = fixture->trust_store;
  g_autoptr(GHashTable) trusted = NULL;

  g_assert_false (lab_trust_store_is_trusted (store, "localhost:6789", fixture->certificate));

  lab_trust_store_trust (store, "localhost:6789", fixture->fingerprint);
  g_assert_cmpuint (fixture->changes, ==, 1);
  g_assert_true (lab_trust_store_is_trusted (store, "localhost:6789", fixture->certificate));

  /* For that server only: the same certificate elsewhere is another question. */
  g_assert_false (lab_trust_store_is_trusted (store, "localhost:6790", fixture->certificate));
  g_assert_false (lab_trust_store_is_trusted (store, "127.0.0.1:6789", fixture->certificate));

  /* Trusting it again changes nothing. */
  lab_trust_store_trust (store, "localhost:6789", fixture->fingerprint);
  g_assert_cmpuint (fixture->changes, ==, 1);

  /* Another certificate for the same server is not trusted. */
  lab_trust_store_trust (store, "localhost:6789", "AA:BB");
  g_assert_cmpuint (fixture->changes, ==, 2);
  g_assert_false (lab_trust_store_is_trusted (store, "localhost:6789", fixture->certificate));

  lab_trust_store_trust (store, "localhost:6789", fixture->fingerprint);
  trusted = lab_trust_store_dup_trusted (store);
  g_assert_cmpuint (g_hash_table_size (trusted), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (trusted, "localhost:6789"), ==, fixture->fingerprint);

  lab_trust_store_forget (store, "localhost:6789");
  g_assert_cmpuint (fixture->changes, ==, 4);
  g_assert_false (lab_trust_store_is_trusted (store, "localhost:6789", fixture->certificate));

  lab_trust_store_forget (store, "localhost:6789");
  g_assert_cmpuint (fixture->changes, ==, 4);
}

static void
test_set_trusted (Fixture       *fixture,
                  gconstpointer  data)
{
  LabTrustStore *store = fixture->trust_store;
  g_autoptr(GHashTable) trusted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (trusted, g_strdup ("[::1]:6789"), g_strdup (fixture->fingerprint));
  g_hash_table_insert (trusted, g_strdup ("192.0.2.9:6789"), g_strdup ("CC:DD"));

  lab_trust_store_set_trusted (store, trusted);
  g_assert_cmpuint (fixture->changes, ==, 1);
  g_assert_true (lab_trust_store_is_trusted (store, "[::1]:6789", fixture->certificate));

  /* What the settings said again (another window wrote them): no change. */
  lab_trust_store_set_trusted (store, trusted);
  g_assert_cmpuint (fixture->changes, ==, 1);

  g_hash_table_remove (trusted, "[::1]:6789");
  lab_trust_store_set_trusted (store, trusted);
  g_assert_cmpuint (fixture->changes, ==, 2);
  g_assert_false (lab_trust_store_is_trusted (store, "[::1]:6789", fixture->certificate));
}

static void
test_vouched (Fixture       *fixture,
              gconstpointer  data)
{
  LabTrustStore *store = fixture->trust_store;
  g_autoptr(GHashTable) remembered = NULL;
  g_autoptr(GHashTable) empty = g_hash_table_new (g_str_hash, g_str_equal);

  lab_trust_store_vouch (store, "127.0.0.1:6789", fixture->fingerprint);
  g_assert_cmpuint (fixture->changes, ==, 1);
  g_assert_true (lab_trust_store_is_trusted (store, "127.0.0.1:6789", fixture->certificate));

  /* Trusted, but not among what the user accepted and the settings remember. */
  remembered = lab_trust_store_dup_trusted (store);
  g_assert_cmpuint (g_hash_table_size (remembered), ==, 0);

  /* The settings replacing the accepted ones leave the vouched alone. */
  lab_trust_store_trust (store, "localhost:1", "AA:BB");
  lab_trust_store_set_trusted (store, empty);
  g_assert_true (lab_trust_store_is_trusted (store, "127.0.0.1:6789", fixture->certificate));

  lab_trust_store_clear_vouched (store);
  g_assert_false (lab_trust_store_is_trusted (store, "127.0.0.1:6789", fixture->certificate));
  g_assert_cmpuint (fixture->changes, ==, 4);

  lab_trust_store_clear_vouched (store);
  g_assert_cmpuint (fixture->changes, ==, 4);
}

static GTlsDatabase *
load_database (LabTrustStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GTlsDatabase *database;

  lab_trust_store_load_database_async (store, NULL, lab_test_keep_result_cb, &result);
  g_assert_null (result);
  database = lab_trust_store_load_database_finish (store, lab_test_wait_result (&result), &error);
  g_assert_no_error (error);

  return database;
}

static gboolean
has_problem (gpointer data)
{
  return lab_trust_store_get_ca_file_problem (data) != NULL;
}

static void
test_ca_file (Fixture       *fixture,
              gconstpointer  data)
{
  LabTrustStore *store = fixture->trust_store;
  GTlsBackend *backend = g_tls_backend_get_default ();
  g_autoptr(GTlsDatabase) system = g_tls_backend_get_default_database (backend);
  g_autoptr(GTlsDatabase) first = NULL;
  g_autoptr(GTlsDatabase) from_file = NULL;
  g_autoptr(GTlsDatabase) fallback = NULL;
  g_autoptr(GTlsDatabase) again = NULL;
  g_autofree char *missing = g_build_filename (g_get_user_data_dir (), "missing.pem", NULL);
  const char *problem;

  /* The system's authorities first. */
  g_assert_cmpint (lab_trust_store_get_mode (store), ==, LAB_TRUST_SYSTEM);
  g_assert_null (lab_trust_store_get_ca_file_problem (store));
  first = load_database (store);
  g_assert_true (first == system);

  /* No file chosen: said at once. */
  lab_trust_store_set_mode (store, LAB_TRUST_CA_FILE);
  g_assert_cmpstr (lab_trust_store_get_ca_file_problem (store), ==,
                   "Choose the certificate file to trust in Preferences");

  /* A file that cannot be read: said once tried, and the system's trusted meanwhile. */
  lab_trust_store_set_ca_file (store, missing);
  g_assert_true (lab_test_wait_until (has_problem, store, LAB_TEST_TIMEOUT_MS));
  problem = lab_trust_store_get_ca_file_problem (store);
  g_test_message ("%s", problem);
  g_assert_true (g_str_has_prefix (problem, "Cannot trust “"));
  g_assert_nonnull (strstr (problem, "missing.pem"));
  fallback = load_database (store);
  g_assert_true (fallback == system);

  /* A good file: its own database, no problem. */
  lab_trust_store_set_ca_file (store, fixture->certificate_file);
  g_assert_null (lab_trust_store_get_ca_file_problem (store));
  from_file = load_database (store);
  g_assert_true (G_IS_TLS_FILE_DATABASE (from_file));
  g_assert_null (lab_trust_store_get_ca_file_problem (store));

  /* Asked again: the same one, not loaded again. */
  again = load_database (store);
  g_assert_true (again == from_file);

  lab_trust_store_set_mode (store, LAB_TRUST_ASK);
  g_assert_null (lab_trust_store_get_ca_file_problem (store));
}

static void
test_load_cancelled (Fixture       *fixture,
                     gconstpointer  data)
{
  LabTrustStore *store = fixture->trust_store;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  lab_trust_store_set_mode (store, LAB_TRUST_CA_FILE);
  lab_trust_store_set_ca_file (store, fixture->certificate_file);
  lab_trust_store_load_database_async (store, cancellable, lab_test_keep_result_cb, &result);
  g_cancellable_cancel (cancellable);

  database = lab_trust_store_load_database_finish (store, lab_test_wait_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (database);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add ("/trust-store/trust-and-forget", Fixture, NULL,
              fixture_setup, test_trust_and_forget, fixture_teardown);
  g_test_add ("/trust-store/set-trusted", Fixture, NULL,
              fixture_setup, test_set_trusted, fixture_teardown);
  g_test_add ("/trust-store/vouched", Fixture, NULL,
              fixture_setup, test_vouched, fixture_teardown);
  g_test_add ("/trust-store/ca-file", Fixture, NULL,
              fixture_setup, test_ca_file, fixture_teardown);
  g_test_add ("/trust-store/load-cancelled", Fixture, NULL,
              fixture_setup, test_load_cancelled, fixture_teardown);

  return g_test_run ();
}
