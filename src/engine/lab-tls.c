/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-tls"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "lab-tls.h"

/* Certificates: loading them with every check a person would want to hear
 * about, and describing them in words. Generating is in lab-tls-generate.c. */

G_DEFINE_ENUM_TYPE (LabTrustMode, lab_trust_mode,
  G_DEFINE_ENUM_VALUE (LAB_TRUST_SYSTEM, "system"),
  G_DEFINE_ENUM_VALUE (LAB_TRUST_CA_FILE, "ca-file"),
  G_DEFINE_ENUM_VALUE (LAB_TRUST_ASK, "ask"))

G_DEFINE_ENUM_TYPE (LabTlsKeyType, lab_tls_key_type,
  G_DEFINE_ENUM_VALUE (LAB_TLS_KEY_ECDSA_P256, "ecdsa-p256"),
  G_DEFINE_ENUM_VALUE (LAB_TLS_KEY_RSA_2048, "rsa-2048"))

/* Loading */

static char *
read_text_file (const char  *path,
                gsize       *length,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, length, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Cannot read “%s”: %s"), path,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? _("there is no such file") : local_error->message);
      return NULL;
    }

  return contents;
}

static gboolean
has_private_key (const char *pem)
{
  return strstr (pem, "PRIVATE KEY-----") != NULL;
}

/* The key belongs to the certificate when their public keys are the same. */
static gboolean
key_matches_certificate (const char  *certificate_pem,
                         gsize        certificate_length,
                         const char  *key_pem,
                         gsize        key_length,
                         GError     **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t crt_data = { (unsigned char *) certificate_pem, certificate_length };
  gnutls_datum_t key_data = { (unsigned char *) key_pem, key_length };
  guchar crt_id[64], key_id[64];
  size_t crt_id_size = sizeof crt_id, key_id_size = sizeof key_id;
  gboolean matches = FALSE;

  if (gnutls_x509_crt_init (&crt) < 0 || gnutls_x509_privkey_init (&key) < 0 ||
      gnutls_x509_crt_import (crt, &crt_data, GNUTLS_X509_FMT_PEM) < 0 ||
      gnutls_x509_privkey_import2 (key, &key_data, GNUTLS_X509_FMT_PEM, NULL, 0) < 0 ||
      gnutls_x509_crt_get_key_id (crt, 0, crt_id, &crt_id_size) < 0 ||
      gnutls_x509_privkey_get_key_id (key, 0, key_id, &key_id_size) < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The certificate or its key cannot be read"));
      goto out;
    }

  matches = crt_id_size == key_id_size && memcmp (crt_id, key_id, crt_id_size) == 0;
  if (!matches)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("The private key does not belong to this certificate"));

out:
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  return matches;
}

/**
 * lab_tls_load:
 * @certificate_file: a PEM certificate, which may hold its key too
 * @key_file: (nullable): the PEM private key, if not in @certificate_file
 *
 * Loads a server certificate and checks what would otherwise fail later and
 * obscurely: that both files exist and are PEM, that the key belongs to the
 * certificate, and that today is within its validity.
 */
GTlsCertificate *
lab_tls_load (const char  *certificate_file,
              const char  *key_file,
              GError     **error)
{
  g_autofree char *certificate_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *combined = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) local_error = NULL;
  gsize certificate_length = 0;
  gsize key_length = 0;

  g_return_val_if_fail (certificate_file != NULL, NULL);

  if (!(certificate_pem = read_text_file (certificate_file, &certificate_length, error)))
    return NULL;

  if (strstr (certificate_pem, "-----BEGIN CERTIFICATE-----") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a PEM certificate"), certificate_file);
      return NULL;
    }

  if (key_file != NULL && *key_file != '\0')
    {
      if (!(key_pem = read_text_file (key_file, &key_length, error)))
        return NULL;

      if (!has_private_key (key_pem))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” is not a PEM private key"), key_file);
          return NULL;
        }
    }
  else if (has_private_key (certificate_pem))
    {
      key_pem = g_strdup (certificate_pem);
      key_length = certificate_length;
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” holds no private key: choose the key file too"), certificate_file);
      return NULL;
    }

  if (!key_matches_certificate (certificate_pem, certificate_length, key_pem, key_length, error))
    return NULL;

  combined = g_strconcat (certificate_pem, "\n", key_pem, NULL);
  certificate = g_tls_certificate_new_from_pem (combined, -1, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Cannot use “%s”: %s"), certificate_file, local_error->message);
      return NULL;
    }

  g_object_get (certificate, "not-valid-before", &not_before, "not-valid-after", &not_after, NULL);

  if (not_after != NULL && g_date_time_compare (not_after, now) < 0)
    {
      g_autofree char *date = g_date_time_format (not_after, "%x");

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The certificate expired on %s"), date);
      return NULL;
    }

  if (not_before != NULL && g_date_time_compare (not_before, now) > 0)
    {
      g_autofree char *date = g_date_time_format (not_before, "%x");

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The certificate is not valid before %s"), date);
      return NULL;
    }

  return g_steal_pointer (&certificate);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  char **files = task_data;  /* the certificate's, then the key's or none */
  GError *error = NULL;
  GTlsCertificate *certificate = lab_tls_load (files[0], files[1], &error);

  if (certificate != NULL)
    g_task_return_pointer (task, certificate, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * lab_tls_load_async:
 *
 * lab_tls_load() in a worker thread: files and parsing stay off the main loop.
 */
void
lab_tls_load_async (const char          *certificate_file,
                    const char          *key_file,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char **files;

  g_return_if_fail (certificate_file != NULL);

  files = g_new0 (char *, 3);
  files[0] = g_strdup (certificate_file);
  files[1] = g_strdup (key_file);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_tls_load_async);
  g_task_set_task_data (task, files, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, load_thread);
}

/* Returns: (transfer full) (nullable): the certificate with its key */
GTlsCertificate *
lab_tls_load_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_tls_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Trusting */

typedef struct
{
  GTlsDatabase *database;
  char         *ca_file_problem;
} LoadedDatabase;

static void
loaded_database_free (LoadedDatabase *loaded)
{
  g_clear_object (&loaded->database);
  g_free (loaded->ca_file_problem);
  g_free (loaded);
}

static void
load_database_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  const char *ca_file = task_data;
  LoadedDatabase *loaded = g_new0 (LoadedDatabase, 1);

  if (ca_file != NULL)
    {
      /* A relative path would load, then fail every verification. */
      g_autofree char *path = g_canonicalize_filename (ca_file, NULL);
      g_autoptr(GError) error = NULL;

      loaded->database = g_tls_file_database_new (path, &error);
      if (loaded->database == NULL)
        loaded->ca_file_problem = g_strdup_printf (_("Cannot trust “%s”: %s"), ca_file,
                                                   error->message);
    }

  /* Without a file of its own, a client trusts the system's authorities. The
   * first lookup reads and parses a few hundred of them. */
  if (loaded->database == NULL)
    loaded->database = g_tls_backend_get_default_database (g_tls_backend_get_default ());

  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_database_free);
}

/**
 * lab_tls_load_database_async:
 * @ca_file: (nullable): a PEM file of the authorities to trust; %NULL for
 *   the system's
 *
 * Loads the database a client verifies servers with, in a worker thread.
 */
void
lab_tls_load_database_async (const char          *ca_file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, lab_tls_load_database_async);
  g_task_set_task_data (task, g_strdup (ca_file), g_free);
  g_task_run_in_thread (task, load_database_thread);
}

/**
 * lab_tls_load_database_finish:
 * @ca_file_problem: (out) (optional) (transfer full) (nullable): why the CA
 *   file could not be used, in words; the system's database comes instead
 * @error: set only when cancelled
 *
 * Returns: (transfer full) (nullable): the database; %NULL without an error
 * where TLS is not available at all
 */
GTlsDatabase *
lab_tls_load_database_finish (GAsyncResult  *result,
                              char         **ca_file_problem,
                              GError       **error)
{
  LoadedDatabase *loaded;
  GTlsDatabase *database;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_tls_load_database_async,
                        NULL);

  if (!(loaded = g_task_propagate_pointer (G_TASK (result), error)))
    return NULL;

  database = g_steal_pointer (&loaded->database);
  if (ca_file_problem != NULL)
    *ca_file_problem = g_steal_pointer (&loaded->ca_file_problem);
  loaded_database_free (loaded);

  return database;
}

/* Describing */

char *
lab_tls_dup_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &digest_length);

  for (gsize i = 0; i < digest_length; i++)
    g_string_append_printf (text, i == 0 ? "%02X" : ":%02X", digest[i]);

  return g_string_free (text, FALSE);
}

/**
 * lab_tls_describe_errors:
 *
 * Returns: (transfer full): why a certificate is not trusted, in words
 */
char *
lab_tls_describe_errors (GTlsCertificateFlags errors)
{
  static const struct {
    GTlsCertificateFlags  flag;
    const char           *words;
  } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, N_("it is not signed by an authority this computer trusts (self-signed?)") },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, N_("it is for another host name") },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, N_("it is not valid yet") },
    { G_TLS_CERTIFICATE_EXPIRED, N_("it has expired") },
    { G_TLS_CERTIFICATE_REVOKED, N_("it has been revoked") },
    { G_TLS_CERTIFICATE_INSECURE, N_("it uses insecure cryptography") },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, N_("it could not be checked") },
  };
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (errors & reasons[i].flag)
      g_ptr_array_add (parts, (gpointer) _(reasons[i].words));

  if (parts->len == 0)
    return g_strdup (_("no reason given"));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (char **) parts->pdata);
}

LabTlsSummary *
lab_tls_summary_new (GTlsCertificate *certificate)
{
  g_autoptr(GPtrArray) dns_names = NULL;
  g_autoptr(GPtrArray) ip_addresses = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  LabTlsSummary *summary;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  summary = g_new0 (LabTlsSummary, 1);
  g_object_get (certificate,
                "subject-name", &summary->subject,
                "not-valid-after", &summary->not_after,
                "dns-names", &dns_names,
                "ip-addresses", &ip_addresses,
                NULL);

  for (guint i = 0; dns_names != NULL && i < dns_names->len; i++)
    {
      GBytes *name = g_ptr_array_index (dns_names, i);

      g_ptr_array_add (names, g_strndup (g_bytes_get_data (name, NULL), g_bytes_get_size (name)));
    }
  for (guint i = 0; ip_addresses != NULL && i < ip_addresses->len; i++)
    g_ptr_array_add (names, g_inet_address_to_string (g_ptr_array_index (ip_addresses, i)));
  g_ptr_array_add (names, NULL);

  summary->names = g_strjoinv (", ", (char **) names->pdata);
  summary->fingerprint = lab_tls_dup_fingerprint (certificate);

  return summary;
}

void
lab_tls_summary_free (LabTlsSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->subject);
  g_free (summary->names);
  g_clear_pointer (&summary->not_after, g_date_time_unref);
  g_free (summary->fingerprint);
  g_free (summary);
}
