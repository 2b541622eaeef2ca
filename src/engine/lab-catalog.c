/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-catalog"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "lab-catalog.h"

/* The GNU .mo format: a header of 32-bit words (magic, revision, count, offset of the
 * originals' table, offset of the translations' table), each table a list of (length, offset)
 * pairs. A plural message's original is "msgid\0msgid_plural" and its translation the forms
 * separated by NUL; the empty msgid's translation is the header with Plural-Forms. */

#define MO_MAGIC         0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U
#define ENGLISH_PLURAL   "n != 1"

struct _LabCatalog
{
  gatomicrefcount  ref_count;
  GBytes          *bytes;
  GHashTable      *messages;   /* msgid → translation (both inside bytes) */
  GHashTable      *lengths;    /* msgid → length of the translation, NULs inside */
  char            *plural_expression;
};

static guint32
read_word (const guint8 *data,
           gsize         offset,
           gboolean      swapped)
{
  guint32 word;

  memcpy (&word, data + offset, sizeof word);
  return swapped ? GUINT32_SWAP_LE_BE (word) : word;
}

static char *
parse_plural_expression (const char *header)
{
  const char *line = header ? strstr (header, "Plural-Forms:") : NULL;
  const char *plural;
  g_autofree char *expression = NULL;

  if (line == NULL || (plural = strstr (line, "plural=")) == NULL)
    return g_strdup (ENGLISH_PLURAL);

  plural += strlen ("plural=");
  expression = g_strndup (plural, strcspn (plural, ";\n"));
  g_strstrip (expression);
  if (!lab_catalog_plural_expression_is_safe (expression))
    return g_strdup (ENGLISH_PLURAL);
  return g_steal_pointer (&expression);
}

LabCatalog *
lab_catalog_new_from_bytes (GBytes  *bytes,
                            GError **error)
{
  g_autoptr(LabCatalog) self = NULL;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint32 magic, count, originals, translations;
  gboolean swapped;

  g_return_val_if_fail (bytes != NULL, NULL);

  if (size < 20)
    goto invalid;
  memcpy (&magic, data, sizeof magic);
  if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
    goto invalid;
  swapped = magic == MO_MAGIC_SWAPPED;
  count = read_word (data, 8, swapped);
  originals = read_word (data, 12, swapped);
  translations = read_word (data, 16, swapped);
  if ((guint64) originals + (guint64) count * 8 > size ||
      (guint64) translations + (guint64) count * 8 > size)
    goto invalid;

  self = g_new0 (LabCatalog, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->bytes = g_bytes_ref (bytes);
  self->messages = g_hash_table_new (g_str_hash, g_str_equal);
  self->lengths = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint32 i = 0; i < count; i++)
    {
      guint32 id_length = read_word (data, originals + i * 8, swapped);
      guint32 id_offset = read_word (data, originals + i * 8 + 4, swapped);
      guint32 str_length = read_word (data, translations + i * 8, swapped);
      guint32 str_offset = read_word (data, translations + i * 8 + 4, swapped);

      /* each string is followed by a NUL the length leaves out */
      if ((guint64) id_offset + id_length >= size || (guint64) str_offset + str_length >= size ||
          data[id_offset + id_length] != '\0' || data[str_offset + str_length] != '\0')
        goto invalid;

      g_hash_table_insert (self->messages, (char *) data + id_offset, (char *) data + str_offset);
      g_hash_table_insert (self->lengths, (char *) data + id_offset, GUINT_TO_POINTER (str_length));
    }

  self->plural_expression = parse_plural_expression (g_hash_table_lookup (self->messages, ""));
  return g_steal_pointer (&self);

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a valid gettext catalog");
  return NULL;
}

/**
 * lab_catalog_new_for_language:
 *
 * Reads @localedir/@language/LC_MESSAGES/@domain.mo.
 */
LabCatalog *
lab_catalog_new_for_language (const char  *localedir,
                              const char  *domain,
                              const char  *language,
                              GError     **error)
{
  g_autofree char *name = g_strconcat (domain, ".mo", NULL);
  g_autofree char *path = g_build_filename (localedir, language, "LC_MESSAGES", name, NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  g_autoptr(GBytes) bytes = NULL;

  if (file == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (file);
  return lab_catalog_new_from_bytes (bytes, error);
}

LabCatalog *
lab_catalog_ref (LabCatalog *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
lab_catalog_unref (LabCatalog *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_pointer (&self->messages, g_hash_table_unref);
  g_clear_pointer (&self->lengths, g_hash_table_unref);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->plural_expression);
  g_free (self);
}

/**
 * lab_catalog_gettext:
 * @self: (nullable): a catalog, or %NULL for English
 *
 * Returns: the translation of @msgid, or @msgid when there is none
 */
const char *
lab_catalog_gettext (LabCatalog *self,
                     const char *msgid)
{
  const char *translation;

  g_return_val_if_fail (msgid != NULL, NULL);

  if (self == NULL || msgid[0] == '\0')
    return msgid;
  translation = g_hash_table_lookup (self->messages, msgid);
  return translation != NULL && translation[0] != '\0' ? translation : msgid;
}

/**
 * lab_catalog_plural_forms:
 * @self: (nullable): a catalog, or %NULL for English
 *
 * Returns: (transfer full): every plural form of the message in the catalog's language, in
 *   the order lab_catalog_plural_expression() indexes; @msgid and @msgid_plural if none
 */
char **
lab_catalog_plural_forms (LabCatalog *self,
                          const char *msgid,
                          const char *msgid_plural)
{
  g_autoptr(GStrvBuilder) forms = g_strv_builder_new ();
  const char *translation = self ? g_hash_table_lookup (self->messages, msgid) : NULL;

  if (translation != NULL && translation[0] != '\0')
    {
      gsize length = GPOINTER_TO_UINT (g_hash_table_lookup (self->lengths, msgid));

      for (const char *form = translation; form <= translation + length; form += strlen (form) + 1)
        g_strv_builder_add (forms, form);
    }
  else
    {
      g_strv_builder_add (forms, msgid);
      g_strv_builder_add (forms, msgid_plural);
    }
  return g_strv_builder_end (forms);
}

/**
 * lab_catalog_plural_expression:
 * @self: (nullable): a catalog, or %NULL for English
 *
 * Returns: the catalog's plural= expression in n (C syntax, also valid JavaScript)
 */
const char *
lab_catalog_plural_expression (LabCatalog *self)
{
  return self != NULL ? self->plural_expression : ENGLISH_PLURAL;
}

/**
 * lab_catalog_plural_expression_is_safe:
 *
 * Returns: whether @expression holds only n, digits, spaces, parentheses and operators: what
 *   a gettext plural expression needs, and nothing a page could run beyond arithmetic
 */
gboolean
lab_catalog_plural_expression_is_safe (const char *expression)
{
  if (expression == NULL || expression[0] == '\0')
    return FALSE;
  for (const char *c = expression; *c != '\0'; c++)
    if (strchr ("n0123456789 ()?:|&=!<>%+-*/", *c) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * lab_locale_dir:
 *
 * Returns: where the catalogs are: $LAB_LOCALEDIR if set (tests point it into the build
 *   directory), else the installed locale directory
 */
const char *
lab_locale_dir (void)
{
  const char *dir = g_getenv ("LAB_LOCALEDIR");

  return dir != NULL && dir[0] != '\0' ? dir : LOCALEDIR;
}
