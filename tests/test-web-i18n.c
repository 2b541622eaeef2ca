/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "lab-catalog.h"
#include "lab-web-i18n.h"

/* The served pages' languages with no catalog of the project's: the choice by Accept-Language,
 * a .mo made here by msgfmt from a small catalog, and a page filled from it. */

/* made by glib-compile-resources into the engine library, which registers it when linked */
GResource *lab_web_get_resource (void);

static const char * const available[] = { "de", "zh_CN", "zh_TW", NULL };

static void
test_pick_language (void)
{
  static const struct { const char *header; const char *language; } cases[] = {
    { "zh-TW", "zh_TW" },
    { "zh-Hant", "zh_TW" },
    { "zh-Hant-TW,zh;q=0.8", "zh_TW" },
    { "ZH-hk", "zh_TW" },
    { "zh-CN", "zh_CN" },
    { "zh-Hans", "zh_CN" },
    { "zh", "zh_CN" },
    { "de", "de" },
    { "de-AT", "de" },
    { "de-CH;q=0.9, en;q=0.8", "de" },
    { "fr", NULL },
    { "fr-FR, de;q=0.5", "de" },
    { "de;q=0.5, zh-TW;q=0.8", "zh_TW" },
    { "de;q=0.5, zh-TW;q=0.5", "de" },
    { "en-US, de", NULL },
    { "en;q=0.1, de;q=0.2", "de" },
    { "de;q=0, fr", NULL },
    { "*", NULL },
    { "", NULL },
    { " , ;q=1, de", "de" },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *language = lab_web_pick_language (cases[i].header, available);

      g_test_message ("Accept-Language: %s", cases[i].header ? cases[i].header : "(none)");
      g_assert_cmpstr (language, ==, cases[i].language);
    }

  {
    const char * const none[] = { NULL };
    g_autofree char *language = lab_web_pick_language ("de, zh-TW", none);
    g_autofree char *tag = lab_web_language_tag ("zh_TW");
    g_autofree char *english = lab_web_language_tag (NULL);

    g_assert_null (language);
    g_assert_cmpstr (tag, ==, "zh-TW");
    g_assert_cmpstr (english, ==, "en");
  }
}

static const char test_po[] =
  "msgid \"\"\n"
  "msgstr \"\"\n"
  "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
  "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n"
  "\n"
  "msgid \"Shared counter\"\nmsgstr \"Gemeinsamer Zähler\"\n\n"
  "msgid \"Counter\"\nmsgstr \"Zähler & <Wert>\"\n\n"
  "#, c-format\nmsgid \"%s online\"\nmsgstr \"%s sind da\"\n\n"
  "#, c-format\nmsgid \"%u user\"\nmsgid_plural \"%u users\"\n"
  "msgstr[0] \"%u Person\"\nmsgstr[1] \"%u Personen </script>\"\n";

/* A catalog made as the build makes one: msgfmt into <dir>/xx/LC_MESSAGES/test.mo */
static char *
make_catalog (const char *po_text,
              const char *language)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lab-catalog-XXXXXX", &error);
  g_autofree char *messages = NULL;
  g_autofree char *po = NULL;
  g_autofree char *mo = NULL;
  int status = 0;

  g_assert_no_error (error);
  messages = g_build_filename (dir, language, "LC_MESSAGES", NULL);
  g_assert_cmpint (g_mkdir_with_parents (messages, 0700), ==, 0);
  po = g_build_filename (dir, "test.po", NULL);
  mo = g_build_filename (messages, "test.mo", NULL);
  g_file_set_contents (po, po_text, -1, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { "msgfmt", "-o", mo, po, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                  &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&dir);
}

static void
remove_tree (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
test_catalog (void)
{
  g_autofree char *dir = make_catalog (test_po, "de");
  g_autoptr(GError) error = NULL;
  g_autoptr(LabCatalog) catalog = lab_catalog_new_for_language (dir, "test", "de", &error);
  g_autoptr(LabCatalog) missing = NULL;
  g_autoptr(LabCatalog) bad = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("not a catalog at all, really", 28);
  g_auto(GStrv) forms = NULL;
  g_auto(GStrv) english = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (catalog);
  g_assert_cmpstr (lab_catalog_gettext (catalog, "Shared counter"), ==, "Gemeinsamer Zähler");
  g_assert_cmpstr (lab_catalog_gettext (catalog, "Not in it"), ==, "Not in it");
  g_assert_cmpstr (lab_catalog_gettext (NULL, "Shared counter"), ==, "Shared counter");
  g_assert_cmpstr (lab_catalog_plural_expression (catalog), ==, "(n != 1)");
  g_assert_cmpstr (lab_catalog_plural_expression (NULL), ==, "n != 1");

  forms = lab_catalog_plural_forms (catalog, "%u user", "%u users");
  g_assert_cmpuint (g_strv_length (forms), ==, 2);
  g_assert_cmpstr (forms[0], ==, "%u Person");
  g_assert_cmpstr (forms[1], ==, "%u Personen </script>");
  english = lab_catalog_plural_forms (catalog, "%u day", "%u days");
  g_assert_cmpstr (english[0], ==, "%u day");
  g_assert_cmpstr (english[1], ==, "%u days");

  missing = lab_catalog_new_for_language (dir, "test", "fr", &error);
  g_assert_null (missing);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  bad = lab_catalog_new_from_bytes (junk, &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  g_assert_true (lab_catalog_plural_expression_is_safe ("(n%10==1 && n%100!=11 ? 0 : 1)"));
  g_assert_false (lab_catalog_plural_expression_is_safe ("alert(1)"));
  g_assert_false (lab_catalog_plural_expression_is_safe (""));
  remove_tree (dir);
}

static void
test_localize_page (void)
{
  g_autofree char *dir = make_catalog (test_po, "de");
  g_autoptr(LabCatalog) catalog = lab_catalog_new_for_language (dir, "test", "de", NULL);
  g_autoptr(GBytes) page = g_resources_lookup_data ("/io/github/wslab/WebSocketLab/web/index.html",
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *german = lab_web_localize_page (g_bytes_get_data (page, NULL),
                                                   g_bytes_get_size (page), catalog, "de");
  g_autofree char *english = lab_web_localize_page (g_bytes_get_data (page, NULL),
                                                    g_bytes_get_size (page), NULL, "en");
  const char *script = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *text;

  g_assert_nonnull (page);
  g_assert_null (strstr (german, "{{"));
  g_assert_nonnull (strstr (german, "<html lang=\"de\">"));
  g_assert_nonnull (strstr (german, "<h1>Gemeinsamer Zähler</h1>"));
  /* escaped as HTML in the page */
  g_assert_nonnull (strstr (german, "Zähler &amp; &lt;Wert&gt;</a>"));
  g_assert_nonnull (strstr (german, "<span class=\"users\"></span> sind da"));
  /* nothing in the page's texts closes the script block early */
  script = strstr (german, "id=\"lab-text\">");
  g_assert_nonnull (script);
  script += strlen ("id=\"lab-text\">");
  json = g_strndup (script, strstr (script, "</script>") - script);
  json_parser_load_from_data (parser, json, -1, NULL);
  text = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (text, "plural"), ==, "(n != 1)");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (text, "users"), 1),
                   ==, "%u Personen </script>");
  g_assert_cmpstr (json_object_get_string_member (text, "connecting"), ==, "Connecting…");

  g_assert_nonnull (strstr (english, "<html lang=\"en\">"));
  g_assert_nonnull (strstr (english, "<h1>Shared counter</h1>"));
  g_assert_nonnull (strstr (english, "<span class=\"users\"></span> online"));
  g_assert_null (strstr (english, "{{"));
  remove_tree (dir);
}

/* No visible word is baked into the templates: with the tags, the placeholders and the
 * script blocks taken away, only symbols are left (−, +, ?, ·). */
static void
test_templates_hold_no_words (void)
{
  static const char * const pages[] = { "index.html", "time.html" };
  g_autoptr(GRegex) hidden = g_regex_new ("<script[^>]*>.*?</script>|<!--.*?-->|<[^>]*>|\\{\\{[a-z_]+\\}\\}",
                                          G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GRegex) word = g_regex_new ("\\p{L}", 0, 0, NULL);
  g_autoptr(GRegex) attribute = g_regex_new ("(aria-label|title|alt|placeholder)=\"[^{\"]", 0, 0, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *path = g_strconcat ("/io/github/wslab/WebSocketLab/web/", pages[i], NULL);
      g_autoptr(GBytes) page = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_autofree char *text = g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page));
      g_autofree char *visible = g_regex_replace_literal (hidden, text, -1, 0, "", 0, NULL);
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (word, visible, 0, &match))
        g_error ("%s shows words no catalog translates: %s", pages[i], g_strstrip (visible));
      /* and every attribute a person sees or hears comes from a placeholder too */
      g_assert_false (g_regex_match (attribute, text, 0, NULL));
      g_assert_nonnull (strstr (text, "<html lang=\"{{lang}}\">"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* the pages' resources live in the static engine library: reference them to link them */
  g_assert_nonnull (lab_web_get_resource ());

  g_test_add_func ("/web-i18n/pick-language", test_pick_language);
  g_test_add_func ("/web-i18n/catalog", test_catalog);
  g_test_add_func ("/web-i18n/localize-page", test_localize_page);
  g_test_add_func ("/web-i18n/templates-hold-no-words", test_templates_hold_no_words);

  return g_test_run ();
}
