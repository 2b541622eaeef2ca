/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-web-i18n"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lab-web-i18n.h"

/* The served pages in the browser's language. Their templates hold {{key}} placeholders; each
 * request fills them from the catalog of the language its Accept-Language picks, read once
 * from the app's own .mo files (gettext itself follows the process's locale and LANGUAGE,
 * which one server answering many browsers cannot switch per request). */

typedef struct
{
  const char *key;
  const char *msgid;
  const char *msgid_plural;   /* plural texts go to the page's script as their forms */
} PageText;

static const PageText page_texts[] = {
  { "app_name", N_("WebSocket Lab"), NULL },
  { "counter", N_("Counter"), NULL },
  { "time", N_("Time"), NULL },
  /* Translators: the label of the served pages' navigation bar, read by screen readers */
  { "pages", N_("Pages"), NULL },
  /* Translators: the heading of the counter page the server serves to browsers */
  { "shared_counter", N_("Shared counter"), NULL },
  { "counter_lead", N_("Everyone connected to this server sees the same number."), NULL },
  { "decrease", N_("Decrease counter"), NULL },
  { "increase", N_("Increase counter"), NULL },
  /* Translators: %s is the number of users (“3 users”), shown in its own element */
  { "users_online", N_("%s online"), NULL },
  { "connecting", N_("Connecting…"), NULL },
  /* Translators: the web page's status; %s is the server's host and port */
  { "connected", N_("Connected to %s"), NULL },
  { "disconnected", N_("Disconnected"), NULL },
  /* Translators: the heading of the time page the server serves to browsers */
  { "server_time", N_("Server time"), NULL },
  { "time_lead", N_("The server pushes the current UTC time at random intervals. Newest first."), NULL },
  { "timestamps", N_("Timestamps from the server"), NULL },
  { "nothing_yet", N_("Nothing received yet."), NULL },
};

/* Marks a plural message for xgettext (po/meson.build adds the keyword NP_:1,2) */
#define NP_(singular, plural) { singular, plural }

/* Translators: the number of users on the served counter page, next to “online” */
static const char *users_plural[] = NP_("%u user", "%u users");
static const char *reconnecting_plural[] = NP_("Reconnecting in %u second", "Reconnecting in %u seconds");

/* The languages WebSocket Lab ships catalogs for, as po/LINGUAS lists them (meson.build) */
#define SHIPPED_LANGUAGES LAB_LINGUAS

static gboolean
tag_is_any (const char *tag,
            const char * const *prefixes)
{
  for (guint i = 0; prefixes[i] != NULL; i++)
    if (g_str_equal (tag, prefixes[i]) ||
        (g_str_has_prefix (tag, prefixes[i]) && tag[strlen (prefixes[i])] == '-'))
      return TRUE;
  return FALSE;
}

/* A browser's language tag ("zh-Hant-TW", "de-AT") → the catalogs that could serve it, best
 * first; Chinese goes by script or region, since zh_TW and zh_CN are different writing. */
static void
candidates_for (const char *tag,
                GPtrArray  *out)
{
  static const char * const traditional[] = { "zh-hant", "zh-tw", "zh-hk", "zh-mo", NULL };
  static const char * const simplified[] = { "zh-hans", "zh-cn", "zh-sg", "zh", NULL };
  g_auto(GStrv) parts = g_strsplit (tag, "-", 3);

  if (tag_is_any (tag, traditional))
    g_ptr_array_add (out, g_strdup ("zh_TW"));
  else if (tag_is_any (tag, simplified))
    g_ptr_array_add (out, g_strdup ("zh_CN"));
  else
    {
      if (parts[0] != NULL && parts[1] != NULL && strlen (parts[1]) == 2)
        {
          g_autofree char *region = g_ascii_strup (parts[1], -1);

          g_ptr_array_add (out, g_strdup_printf ("%s_%s", parts[0], region));
        }
      if (parts[0] != NULL)
        g_ptr_array_add (out, g_strdup (parts[0]));
    }
}

typedef struct
{
  char   *tag;
  double  q;
  guint   position;
} Range;

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const Range *x = a, *y = b;

  if (x->q != y->q)
    return x->q > y->q ? -1 : 1;
  return (int) x->position - (int) y->position;
}

static void
range_clear (gpointer data)
{
  g_free (((Range *) data)->tag);
}

/**
 * lab_web_pick_language:
 * @accept_language: (nullable): the request's Accept-Language
 * @available: the catalogs there are ("zh_TW", "de", …)
 *
 * Returns: (transfer full) (nullable): the catalog to answer in, %NULL for English: the
 *   browser's languages by q-value (then by order), English or "*" stopping the search
 */
char *
lab_web_pick_language (const char         *accept_language,
                       const char * const *available)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, TRUE, sizeof (Range));
  g_auto(GStrv) items = NULL;

  if (accept_language == NULL)
    return NULL;

  g_array_set_clear_func (ranges, range_clear);
  items = g_strsplit (accept_language, ",", 32);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) params = g_strsplit (items[i], ";", 8);
      Range range = { NULL, 1.0, i };

      g_strstrip (params[0]);
      if (params[0][0] == '\0' || strlen (params[0]) > 35)
        continue;
      for (guint j = 1; params[j] != NULL; j++)
        {
          g_strstrip (params[j]);
          if (g_str_has_prefix (params[j], "q="))
            range.q = g_ascii_strtod (params[j] + 2, NULL);
        }
      if (!(range.q > 0.0))
        continue;
      range.tag = g_ascii_strdown (params[0], -1);
      g_array_append_val (ranges, range);
    }
  g_array_sort (ranges, compare_ranges);

  for (guint i = 0; i < ranges->len; i++)
    {
      const char *tag = g_array_index (ranges, Range, i).tag;
      g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

      if (g_str_equal (tag, "*") || g_str_equal (tag, "en") || g_str_has_prefix (tag, "en-"))
        return NULL;
      candidates_for (tag, candidates);
      for (guint j = 0; j < candidates->len; j++)
        if (g_strv_contains (available, candidates->pdata[j]))
          return g_strdup (candidates->pdata[j]);
    }
  return NULL;
}

/**
 * lab_web_language_tag:
 * @language: (nullable): a catalog's language, %NULL for English
 *
 * Returns: (transfer full): the language as HTML's lang attribute names it ("zh-TW")
 */
char *
lab_web_language_tag (const char *language)
{
  char *tag = g_strdup (language != NULL ? language : "en");

  g_strdelimit (tag, "_", '-');
  return tag;
}

G_LOCK_DEFINE_STATIC (catalogs);

/**
 * lab_web_catalog_for:
 * @tag: (out) (transfer full): the page's lang attribute
 *
 * Returns: (transfer full) (nullable): the catalog for a request with @accept_language, %NULL
 *   for English. The shipped catalogs are read once, by whichever thread comes first.
 */
LabCatalog *
lab_web_catalog_for (const char  *accept_language,
                     char       **tag)
{
  static GHashTable *catalogs;   /* language → LabCatalog, for those that could be read */
  static GStrv languages;
  g_autofree char *language = NULL;
  LabCatalog *catalog = NULL;

  G_LOCK (catalogs);
  if (catalogs == NULL)
    {
      g_auto(GStrv) shipped = g_strsplit (SHIPPED_LANGUAGES, " ", -1);
      g_autoptr(GStrvBuilder) found = g_strv_builder_new ();

      catalogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) lab_catalog_unref);
      for (guint i = 0; shipped[i] != NULL; i++)
        {
          g_autoptr(GError) error = NULL;
          LabCatalog *loaded;

          if (shipped[i][0] == '\0')
            continue;
          loaded = lab_catalog_new_for_language (lab_locale_dir (), GETTEXT_PACKAGE, shipped[i], &error);
          if (loaded == NULL)
            {
              g_debug ("No %s catalog for the web pages: %s", shipped[i], error->message);
              continue;
            }
          g_hash_table_insert (catalogs, g_strdup (shipped[i]), loaded);
          g_strv_builder_add (found, shipped[i]);
        }
      languages = g_strv_builder_end (found);
    }
  language = lab_web_pick_language (accept_language, (const char * const *) languages);
  if (language != NULL)
    catalog = lab_catalog_ref (g_hash_table_lookup (catalogs, language));
  G_UNLOCK (catalogs);

  if (tag != NULL)
    *tag = lab_web_language_tag (language);
  return catalog;
}

static void
add_plural (JsonBuilder *builder,
            LabCatalog  *catalog,
            const char  *key,
            const char **plural)
{
  g_auto(GStrv) forms = lab_catalog_plural_forms (catalog, plural[0], plural[1]);

  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; forms[i] != NULL; i++)
    json_builder_add_string_value (builder, forms[i]);
  json_builder_end_array (builder);
}

/* The texts the pages' scripts show, as JSON that is safe inside <script> */
static char *
script_text (LabCatalog *catalog)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GString) safe = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "plural");
  json_builder_add_string_value (builder, lab_catalog_plural_expression (catalog));
  for (guint i = 0; i < G_N_ELEMENTS (page_texts); i++)
    {
      json_builder_set_member_name (builder, page_texts[i].key);
      json_builder_add_string_value (builder, lab_catalog_gettext (catalog, page_texts[i].msgid));
    }
  add_plural (builder, catalog, "users", users_plural);
  add_plural (builder, catalog, "reconnecting", reconnecting_plural);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  safe = g_string_new (json);
  g_string_replace (safe, "<", "\\u003c", 0);
  return g_string_free (g_steal_pointer (&safe), FALSE);
}

static char *
html_text (LabCatalog *catalog,
           const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_texts); i++)
    if (g_str_equal (page_texts[i].key, key))
      {
        const char *text = lab_catalog_gettext (catalog, page_texts[i].msgid);
        g_autofree char *escaped = g_markup_escape_text (text, -1);
        g_autoptr(GString) html = NULL;

        if (!g_str_equal (key, "users_online"))
          return g_steal_pointer (&escaped);
        /* the users count gets an element of its own, which the script fills */
        html = g_string_new (escaped);
        g_string_replace (html, "%s", "<span class=\"users\"></span>", 1);
        return g_string_free (g_steal_pointer (&html), FALSE);
      }
  return NULL;
}

/**
 * lab_web_localize_page:
 * @catalog: (nullable): the language's catalog, %NULL for English
 * @tag: the page's lang attribute
 *
 * Returns: (transfer full): @page with each {{key}} replaced by its text in @catalog's language
 */
char *
lab_web_localize_page (const char *page,
                       gsize       length,
                       LabCatalog *catalog,
                       const char *tag)
{
  g_autoptr(GString) out = g_string_sized_new (length + 1024);
  const char *end = page + length;
  const char *p = page;

  while (p < end)
    {
      const char *open = g_strstr_len (p, end - p, "{{");
      const char *close = open ? g_strstr_len (open, end - open, "}}") : NULL;
      g_autofree char *key = NULL;
      g_autofree char *text = NULL;

      if (open == NULL || close == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, open - p);
      key = g_strndup (open + 2, close - open - 2);
      if (g_str_equal (key, "lang"))
        text = g_markup_escape_text (tag, -1);
      else if (g_str_equal (key, "script_text"))
        text = script_text (catalog);
      else
        text = html_text (catalog, key);
      if (text == NULL)
        g_warning ("The page has a placeholder with no text: {{%s}}", key);
      else
        g_string_append (out, text);
      p = close + 2;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
