/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-tls"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "lab-network.h"
#include "lab-tls.h"

/* Certificates: loading them with every check a person would want to hear
 * about, generating a self-signed one (GLib only imports, GnuTLS generates),
 * and describing them in words. */

/* Long enough for a school year, short enough to be renewed. */
#define GENERATED_VALIDITY_DAYS 365
/* Clocks of students' devices run a little behind. */
#define GENERATED_BACKDATE_SECONDS (60 * 60)

G_DEFINE_ENUM_TYPE (LabTrustMode, lab_trust_mode,
  G_DEFINE_ENUM_VALUE (LAB_TRUST_SYSTEM, "system"),
  G_DEFINE_ENUM_VALUE (LAB_TRUST_CA_FILE, "ca-file"),
  G_DEFINE_ENUM_VALUE (LAB_TRUST_ASK, "ask"))

G_DEFINE_ENUM_TYPE (LabTlsKeyType, lab_tls_key_type,
  G_DEFINE_ENUM_VALUE (LAB_TLS_KEY_ECDSA_P256, "ecdsa-p256"),
  G_DEFINE_ENUM_VALUE (LAB_TLS_KEY_RSA_2048, "rsa-2048"))

static gboolean
set_gnutls_error (GError     **error,
                  int          code,
                  const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, gnutls_strerror (code));
  return FALSE;
}

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

/* Generating */

typedef struct
{
  char *certificate_file;
  char *key_file;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->certificate_file);
  g_free (data->key_file);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError *error = NULL;
  GTlsCertificate *certificate = lab_tls_load (data->certificate_file, data->key_file, &error);

  if (certificate != NULL)
    g_task_return_pointer (task, certificate, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * lab_tls_load_async:
 *
 * lab_tls_load() in a worker thread: files may sit on a slow disk, and the
 * parsing and the key check are no work for the main loop.
 */
void
lab_tls_load_async (const char          *certificate_file,
                    const char          *key_file,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (certificate_file != NULL);

  data = g_new0 (LoadData, 1);
  data->certificate_file = g_strdup (certificate_file);
  data->key_file = g_strdup (key_file);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_tls_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, load_thread);
}

/**
 * lab_tls_load_finish:
 *
 * Returns: (transfer full) (nullable): the certificate with its key
 */
GTlsCertificate *
lab_tls_load_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lab_tls_dup_default_hosts:
 *
 * Returns: (transfer full): what a generated certificate names: this computer
 * by name and loopback address, and its current LAN addresses
 */
char **
lab_tls_dup_default_hosts (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lan = lab_network_dup_lan_addresses ();

  g_strv_builder_add_many (builder, "localhost", "127.0.0.1", "::1", NULL);
  g_strv_builder_addv (builder, (const char **) lan);

  return g_strv_builder_end (builder);
}

static gboolean
add_subject_alt_name (gnutls_x509_crt_t   crt,
                      const char         *host,
                      GError            **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  int result;

  if (address != NULL)
    result = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS,
                                                   g_inet_address_to_bytes (address),
                                                   g_inet_address_get_native_size (address),
                                                   GNUTLS_FSAN_APPEND);
  else
    result = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, host, strlen (host),
                                                   GNUTLS_FSAN_APPEND);

  return result >= 0 || set_gnutls_error (error, result, host);
}

static gboolean
write_file (const char  *path,
            const void  *data,
            gsize        length,
            int          mode,
            GError     **error)
{
  return g_file_set_contents_full (path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   mode, error);
}

/**
 * lab_tls_generate:
 * @directory: where to write the certificate and its key
 * @hosts: (nullable): the names and addresses to certify; %NULL for
 *   lab_tls_dup_default_hosts()
 * @not_before: (nullable): start of validity; %NULL for an hour ago
 * @not_after: (nullable): end of validity; %NULL for a year from now
 * @certificate_file: (out): the certificate's path
 * @key_file: (out): the key's path, readable by its owner only
 *
 * Generates a self-signed server certificate, as the tutorial's
 * `localhost.pem` but without openssl and for this computer's addresses too.
 */
gboolean
lab_tls_generate (const char          *directory,
                  LabTlsKeyType        key_type,
                  const char * const  *hosts,
                  GDateTime           *not_before,
                  GDateTime           *not_after,
                  char               **certificate_file,
                  char               **key_file,
                  GError             **error)
{
  g_auto(GStrv) default_hosts = NULL;
  g_autofree char *certificate_path = NULL;
  g_autofree char *key_path = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t certificate_pem = { NULL, 0 };
  gnutls_datum_t key_pem = { NULL, 0 };
  guchar serial[16];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean ok = FALSE;
  int result;

  g_return_val_if_fail (directory != NULL, FALSE);

  if (hosts == NULL)
    hosts = (const char * const *) (default_hosts = lab_tls_dup_default_hosts ());

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the folder “%s”: %s"), directory, g_strerror (saved_errno));
      return FALSE;
    }

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = g_random_int_range (0, 256);
  serial[0] &= 0x7f;  /* a positive number, as RFC 5280 asks */

  if ((result = gnutls_x509_privkey_init (&key)) < 0 ||
      (result = gnutls_x509_privkey_generate (key,
                                              key_type == LAB_TLS_KEY_RSA_2048 ? GNUTLS_PK_RSA : GNUTLS_PK_ECDSA,
                                              key_type == LAB_TLS_KEY_RSA_2048 ? 2048
                                              : GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                              0)) < 0)
    {
      set_gnutls_error (error, result, _("Cannot generate a key"));
      goto out;
    }

  if ((result = gnutls_x509_crt_init (&crt)) < 0 ||
      (result = gnutls_x509_crt_set_version (crt, 3)) < 0 ||
      (result = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0 ||
      (result = gnutls_x509_crt_set_dn (crt, "CN=WebSocket Lab", NULL)) < 0 ||
      (result = gnutls_x509_crt_set_key (crt, key)) < 0 ||
      (result = gnutls_x509_crt_set_activation_time (crt, not_before ? g_date_time_to_unix (not_before)
                                                                     : now - GENERATED_BACKDATE_SECONDS)) < 0 ||
      (result = gnutls_x509_crt_set_expiration_time (crt, not_after ? g_date_time_to_unix (not_after)
                                                                    : now + GENERATED_VALIDITY_DAYS * 24 * 3600)) < 0 ||
      (result = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0 ||
      (result = gnutls_x509_crt_set_key_usage (crt, key_type == LAB_TLS_KEY_RSA_2048
                                                    ? GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT
                                                    : GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
      (result = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
    {
      set_gnutls_error (error, result, _("Cannot build the certificate"));
      goto out;
    }

  for (guint i = 0; hosts[i] != NULL; i++)
    if (!add_subject_alt_name (crt, hosts[i], error))
      goto out;

  if ((result = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
      (result = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &certificate_pem)) < 0 ||
      (result = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                   GNUTLS_PKCS_PLAIN, &key_pem)) < 0)
    {
      set_gnutls_error (error, result, _("Cannot sign the certificate"));
      goto out;
    }

  /* Names of their own: a pair half written (a full disk) never replaces a
   * working one, and settings that point at the new pair always change. */
  {
    g_autofree char *certificate_name = NULL;
    g_autofree char *key_name = NULL;
    guint32 tag = g_random_int ();

    certificate_name = g_strdup_printf ("certificate-%08x.pem", tag);
    key_name = g_strdup_printf ("key-%08x.pem", tag);
    certificate_path = g_build_filename (directory, certificate_name, NULL);
    key_path = g_build_filename (directory, key_name, NULL);
  }

  /* The key first, and private: a certificate without its key is of no use. */
  if (!write_file (key_path, key_pem.data, key_pem.size, 0600, error) ||
      !write_file (certificate_path, certificate_pem.data, certificate_pem.size, 0644, error))
    {
      g_unlink (key_path);
      g_unlink (certificate_path);
      goto out;
    }

  if (certificate_file != NULL)
    *certificate_file = g_steal_pointer (&certificate_path);
  if (key_file != NULL)
    *key_file = g_steal_pointer (&key_path);
  ok = TRUE;

out:
  gnutls_free (certificate_pem.data);
  if (key_pem.data != NULL)
    {
      memset (key_pem.data, 0, key_pem.size);
      gnutls_free (key_pem.data);
    }
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);

  return ok;
}

typedef struct
{
  char          *directory;
  LabTlsKeyType  key_type;
  char          *certificate_file;
  char          *key_file;
} GenerateData;

static void
generate_data_free (GenerateData *data)
{
  g_free (data->directory);
  g_free (data->certificate_file);
  g_free (data->key_file);
  g_free (data);
}

static void
generate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GenerateData *data = task_data;
  GError *error = NULL;

  if (lab_tls_generate (data->directory, data->key_type, NULL, NULL, NULL,
                        &data->certificate_file, &data->key_file, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * lab_tls_generate_async:
 *
 * lab_tls_generate() for this computer, in a worker thread: an RSA key takes
 * long enough to freeze a window.
 */
void
lab_tls_generate_async (const char          *directory,
                        LabTlsKeyType        key_type,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GenerateData *data;

  g_return_if_fail (directory != NULL);

  data = g_new0 (GenerateData, 1);
  data->directory = g_strdup (directory);
  data->key_type = key_type;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_tls_generate_async);
  g_task_set_task_data (task, data, (GDestroyNotify) generate_data_free);
  g_task_run_in_thread (task, generate_thread);
}

gboolean
lab_tls_generate_finish (GAsyncResult  *result,
                         char         **certificate_file,
                         char         **key_file,
                         GError       **error)
{
  GenerateData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (certificate_file != NULL)
    *certificate_file = g_steal_pointer (&data->certificate_file);
  if (key_file != NULL)
    *key_file = g_steal_pointer (&data->key_file);

  return TRUE;
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
