/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-trusted-certificates"

#include "config.h"

#include "lab-trusted-certificates.h"

/* The trust store and the settings, kept in step both ways: the trust mode,
 * the CA file, and the certificates the user accepted, which the
 * "trusted-certificates" setting keeps as "host:port" → SHA-256 fingerprint.
 * Another instance changing the settings changes this one's store too. */

/* Returns: (transfer full): a table of strings, "host:port" → fingerprint */
static GHashTable *
table_from_settings (GSettings *settings)
{
  g_autoptr(GVariant) saved = g_settings_get_value (settings, "trusted-certificates");
  GHashTable *trusted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GVariantIter iter;
  char *peer;
  char *fingerprint;

  g_variant_iter_init (&iter, saved);
  while (g_variant_iter_next (&iter, "{ss}", &peer, &fingerprint))
    g_hash_table_insert (trusted, peer, fingerprint);

  return trusted;
}

static int
compare_peers (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted, so that the same certificates always make the same value. */
static GVariant *
variant_from_table (GHashTable *trusted)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  g_autofree const char **peers = (const char **) g_hash_table_get_keys_as_array (trusted, NULL);
  guint n_peers = g_hash_table_size (trusted);

  g_qsort_with_data (peers, n_peers, sizeof (char *), compare_peers, NULL);
  for (guint i = 0; i < n_peers; i++)
    g_variant_builder_add (&builder, "{ss}", peers[i], g_hash_table_lookup (trusted, peers[i]));

  return g_variant_builder_end (&builder);
}

static void
settings_changed_cb (LabTrustStore *trust_store,
                     const char    *key,
                     GSettings     *settings)
{
  g_autoptr(GHashTable) trusted = table_from_settings (settings);

  lab_trust_store_set_trusted (trust_store, trusted);
}

/* Written only when different: vouching for the app's own server changes
 * the store, and must not write the settings each time the server starts. */
static void
trust_store_changed_cb (GSettings     *settings,
                        LabTrustStore *trust_store)
{
  g_autoptr(GHashTable) stored = lab_trust_store_dup_trusted (trust_store);
  g_autoptr(GHashTable) saved = table_from_settings (settings);
  g_autoptr(GVariant) stored_value = g_variant_ref_sink (variant_from_table (stored));
  g_autoptr(GVariant) saved_value = g_variant_ref_sink (variant_from_table (saved));

  if (!g_variant_equal (stored_value, saved_value))
    g_settings_set_value (settings, "trusted-certificates", stored_value);
}

/**
 * lab_trusted_certificates_bind:
 *
 * Loads @trust_store from @settings and keeps both in step for as long as
 * both live.
 */
void
lab_trusted_certificates_bind (GSettings     *settings,
                               LabTrustStore *trust_store)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (LAB_IS_TRUST_STORE (trust_store));

  /* The enum key's nicks are LabTrustMode's. */
  g_settings_bind (settings, "client-trust-mode", trust_store, "mode", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "client-ca-file", trust_store, "ca-file", G_SETTINGS_BIND_DEFAULT);

  settings_changed_cb (trust_store, "trusted-certificates", settings);
  g_signal_connect_object (settings, "changed::trusted-certificates",
                           G_CALLBACK (settings_changed_cb), trust_store, G_CONNECT_SWAPPED);
  g_signal_connect_object (trust_store, "changed",
                           G_CALLBACK (trust_store_changed_cb), settings, G_CONNECT_SWAPPED);
}
