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

/* Self-signed server certificates: GLib only imports them, GnuTLS makes them.
 * Each pair gets names of its own in one folder; those no longer in use are
 * deleted when a new one replaces them. */

/* Long enough for a school year, short enough to be renewed. */
#define GENERATED_VALIDITY_DAYS 365
/* Clocks of students' devices run a little behind. */
#define GENERATED_BACKDATE_SECONDS (60 * 60)
/* A generated pair's names end in a random 32-bit tag, in hexadecimal. */
#define GENERATED_TAG_DIGITS 8

static gboolean
set_gnutls_error (GError     **error,
                  int          code,
                  const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, gnutls_strerror (code));
  return FALSE;
}

/* Generating */

/**
 * lab_tls_dup_generated_directory:
 *
 * Returns: (transfer full): where generated pairs go: the user's data folder
 */
char *
lab_tls_dup_generated_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "websocket-lab", "tls", NULL);
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

static gboolean
generate_pair (const char          *directory,
               LabTlsKeyType        key_type,
               const char * const  *hosts,
               GDateTime           *not_before,
               GDateTime           *not_after,
               GCancellable        *cancellable,
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

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (hosts == NULL)
    hosts = (const char * const *) (default_hosts = lab_tls_dup_default_hosts ());

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

  /* The key took long to make: whoever asked for it may have gone meanwhile.
   * From here on the pair is written whole or not at all. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the folder “%s”: %s"), directory, g_strerror (saved_errno));
      goto out;
    }

  /* Names of their own: a pair half written (a full disk) never replaces a
   * working one, and settings that point at the new pair always change. */
  {
    g_autofree char *certificate_name = NULL;
    g_autofree char *key_name = NULL;
    guint32 tag = g_random_int ();

    certificate_name = g_strdup_printf ("certificate-%0*x.pem", GENERATED_TAG_DIGITS, tag);
    key_name = g_strdup_printf ("key-%0*x.pem", GENERATED_TAG_DIGITS, tag);
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
  return generate_pair (directory, key_type, hosts, not_before, not_after, NULL,
                        certificate_file, key_file, error);
}

/* Deleting */

/* "certificate-1a2b3c4d.pem" or "key-1a2b3c4d.pem": what lab_tls_generate() names. */
static gboolean
is_generated_name (const char *name)
{
  const char *tag;

  if (g_str_has_prefix (name, "certificate-"))
    tag = name + strlen ("certificate-");
  else if (g_str_has_prefix (name, "key-"))
    tag = name + strlen ("key-");
  else
    return FALSE;

  if (strlen (tag) != GENERATED_TAG_DIGITS + strlen (".pem") || !g_str_has_suffix (tag, ".pem"))
    return FALSE;

  for (guint i = 0; i < GENERATED_TAG_DIGITS; i++)
    if (!g_ascii_isxdigit (tag[i]))
      return FALSE;

  return TRUE;
}

static gboolean
is_kept (const char         *path,
         const char * const *keep)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  for (guint i = 0; keep != NULL && keep[i] != NULL; i++)
    {
      g_autoptr(GFile) kept = g_file_new_for_path (keep[i]);

      if (g_file_equal (file, kept))
        return TRUE;
    }

  return FALSE;
}

/**
 * lab_tls_delete_generated:
 * @directory: where lab_tls_generate() wrote its pairs
 * @keep: (nullable) (array zero-terminated=1): paths not to delete: the pair
 *   in use and the newest
 *
 * Deletes the certificates and keys lab_tls_generate() wrote in @directory,
 * but those in @keep. Other files are left alone.
 *
 * Returns: %FALSE if one could not be deleted; the others are gone all the same
 */
gboolean
lab_tls_delete_generated (const char          *directory,
                          const char * const  *keep,
                          GError             **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok = TRUE;
  const char *name;

  g_return_val_if_fail (directory != NULL, FALSE);

  if (!(dir = g_dir_open (directory, 0, &local_error)))
    {
      /* Nothing generated yet: nothing to delete. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;

      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      if (!is_generated_name (name) || is_kept (path, keep))
        continue;

      if (g_unlink (path) != 0 && ok)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot delete “%s”: %s"), path, g_strerror (saved_errno));
          ok = FALSE;
        }
    }

  return ok;
}

/* Generating in a thread */

typedef struct
{
  char          *directory;
  LabTlsKeyType  key_type;
  char         **keep;       /* NULL: delete nothing */
  char          *certificate_file;
  char          *key_file;
} GenerateData;

static void
generate_data_free (GenerateData *data)
{
  g_free (data->directory);
  g_strfreev (data->keep);
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

  if (!generate_pair (data->directory, data->key_type, NULL, NULL, NULL, cancellable,
                      &data->certificate_file, &data->key_file, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (data->keep != NULL)
    {
      g_autoptr(GStrvBuilder) keep = g_strv_builder_new ();
      g_auto(GStrv) kept = NULL;

      g_strv_builder_addv (keep, (const char **) data->keep);
      g_strv_builder_add_many (keep, data->certificate_file, data->key_file, NULL);
      kept = g_strv_builder_end (keep);

      /* A pair left over is harmless: the next one tries again. */
      if (!lab_tls_delete_generated (data->directory, (const char * const *) kept, &error))
        {
          g_message ("Could not delete the pairs replaced: %s", error->message);
          g_clear_error (&error);
        }
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * lab_tls_generate_async:
 * @keep: (nullable) (array zero-terminated=1): when not %NULL, the new pair
 *   replaces those generated before in @directory: once it is written, they
 *   are deleted, but these (the pair in use)
 *
 * lab_tls_generate() for this computer, in a worker thread: an RSA key takes
 * long enough to freeze a window. Cancelled before the pair is written, it
 * writes and deletes nothing and fails with %G_IO_ERROR_CANCELLED; once
 * written, the pair is returned even if cancelled meanwhile, so that no file
 * is left unknown.
 */
void
lab_tls_generate_async (const char          *directory,
                        LabTlsKeyType        key_type,
                        const char * const  *keep,
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
  data->keep = g_strdupv ((char **) keep);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_tls_generate_async);
  g_task_set_check_cancellable (task, FALSE);
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
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_tls_generate_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (certificate_file != NULL)
    *certificate_file = g_steal_pointer (&data->certificate_file);
  if (key_file != NULL)
    *key_file = g_steal_pointer (&data->key_file);

  return TRUE;
}
