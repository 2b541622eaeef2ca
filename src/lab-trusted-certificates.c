/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-trusted-certificates"

#include "config.h"

#include "lab-trusted-certificates.h"

/* The certificates the user accepted, as the "trusted-certificates" setting
 * keeps them: "host:port" → SHA-256 fingerprint. */

/* Returns: (transfer full): a table of strings, "host:port" → fingerprint */
GHashTable *
lab_trusted_certificates_load (GSettings *settings)
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

void
lab_trusted_certificates_store (GSettings  *settings,
                                GHashTable *trusted)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  GHashTableIter iter;
  gpointer peer, fingerprint;

  g_hash_table_iter_init (&iter, trusted);
  while (g_hash_table_iter_next (&iter, &peer, &fingerprint))
    g_variant_builder_add (&builder, "{ss}", peer, fingerprint);

  g_settings_set_value (settings, "trusted-certificates", g_variant_builder_end (&builder));
}
