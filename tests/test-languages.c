/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-catalog.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* The project's own catalogs at work (LAB_LOCALEDIR points at the build's po/): the served
 * pages in the language a browser asks for, and the headless server's log under LANGUAGE.
 * What each should say is read from the catalog now, so the test follows the translators'
 * wording; a language po/LINGUAS does not list yet is skipped, saying so. */

typedef struct
{
  const char *accept_language;
  const char *language;          /* the catalog, NULL for English */
  const char *tags;              /* the lang attributes that fit, separated by | */
} PageCase;

static const PageCase page_cases[] = {
  { "zh-TW", "zh_TW", "zh-TW|zh-Hant" },
  { "zh-CN", "zh_CN", "zh-CN|zh-Hans" },
  { "de", "de", "de" },
  { "fr", NULL, "en" },
};

static gboolean
linguas_lists (const char *language)
{
  g_auto(GStrv) languages = g_strsplit (LAB_LINGUAS, " ", -1);

  return g_strv_contains ((const char * const *) languages, language);
}

/* Returns: the language's catalog from the build, or NULL when the test is to be skipped */
static LabCatalog *
catalog_or_skip (const char *language)
{
  g_autoptr(GError) error = NULL;
  LabCatalog *catalog;

  if (!linguas_lists (language))
    {
      g_test_skip_printf ("po/LINGUAS does not list %s yet: no %s catalog to check", language,
                          language);
      return NULL;
    }
  catalog = lab_catalog_new_for_language (lab_locale_dir (), GETTEXT_PACKAGE, language, &error);
  if (catalog == NULL)
    g_error ("po/LINGUAS lists %s, but the build has no catalog for it in %s: %s",
             language, lab_locale_dir (), error->message);
  return catalog;
}

/* The translation of @msgid, which must differ from the English */
static const char *
translated (LabCatalog *catalog,
            const char *language,
            const char *msgid)
{
  const char *text = lab_catalog_gettext (catalog, msgid);

  if (g_str_equal (text, msgid))
    g_error ("po/%s.po does not translate “%s”", language, msgid);
  return text;
}

static void
test_page (gconstpointer data)
{
  const PageCase *page = data;
  g_autoptr(LabCatalog) catalog = NULL;
  g_autoptr(LabServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) tags = g_strsplit (page->tags, "|", -1);
  g_autofree char *heading = NULL;
  g_autofree char *lang = NULL;
  gboolean lang_fits = FALSE;

  if (page->language != NULL && (catalog = catalog_or_skip (page->language)) == NULL)
    return;

  server = lab_test_server_new_started ();
  session = soup_session_new_with_options ("accept-language", page->accept_language, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/", lab_server_get_bound_port (server));
  g_assert_cmpuint (lab_test_fetch (session, "GET", url, &body), ==, SOUP_STATUS_OK);

  for (guint i = 0; tags[i] != NULL; i++)
    {
      g_autofree char *attribute = g_strdup_printf ("<html lang=\"%s\">", tags[i]);

      lang_fits |= strstr (body, attribute) != NULL;
    }
  lang = g_strndup (strstr (body, "<html"), 24);
  if (!lang_fits)
    g_error ("Accept-Language: %s got %s…, not lang=\"%s\"", page->accept_language, lang, page->tags);

  heading = g_strdup_printf ("<h1>%s</h1>", catalog ? translated (catalog, page->language,
                                                                  "Shared counter")
                                                     : "Shared counter");
  g_assert_nonnull (strstr (body, heading));
  if (catalog != NULL)
    {
      /* the script's texts too: the status the page shows while it connects */
      g_autofree char *connecting = g_strdup_printf ("\"connecting\":\"%s\"",
                                                     translated (catalog, page->language,
                                                                 "Connecting…"));
      g_assert_nonnull (strstr (body, connecting));
      g_assert_null (strstr (body, "<h1>Shared counter</h1>"));
    }
  lab_test_server_shutdown (server);
}

static void
test_headless_log (gconstpointer data)
{
  const char *language = data;
  g_autoptr(LabCatalog) catalog = catalog_or_skip (language);
  g_autoptr(LabTestProcess) process = NULL;
  g_auto(GStrv) environment = NULL;
  g_auto(GStrv) listening = NULL;
  g_auto(GStrv) stopped = NULL;
  const char *argv[] = { g_getenv ("LAB_WEBSOCKET_LAB"), "--headless", "--port", "0", NULL };

  if (catalog == NULL)
    return;

  environment = g_get_environ ();
  environment = g_environ_setenv (environment, "LANGUAGE", language, TRUE);
  environment = g_environ_setenv (environment, "LANG", "C.UTF-8", TRUE);
  environment = g_environ_unsetenv (environment, "LC_ALL");
  environment = g_environ_unsetenv (environment, "LC_MESSAGES");
  environment = g_environ_unsetenv (environment, "DISPLAY");
  process = lab_test_process_spawn_in (argv, (const char * const *) environment);

  /* "Listening on %s": the translated words around the address */
  listening = g_strsplit (translated (catalog, language, "Listening on %s"), "%s", 2);
  lab_test_process_wait_line (process, *listening[0] ? listening[0] : listening[1]);
  lab_test_process_signal (process, SIGTERM);
  g_assert_cmpint (lab_test_process_wait_exit (process), ==, 0);
  stopped = g_strsplit (translated (catalog, language, "Server stopped"), "%s", 2);
  g_assert_true (lab_test_process_has_line (process, stopped[0]));
  /* a log line is "TIME TEXT": none in English */
  g_assert_false (lab_test_process_has_line (process, "Z Listening on "));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (page_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/languages/page/%s", page_cases[i].accept_language);

      g_test_add_data_func (path, &page_cases[i], test_page);
    }
  g_test_add_data_func ("/languages/headless-log/zh_TW", "zh_TW", test_headless_log);
  g_test_add_data_func ("/languages/headless-log/zh_CN", "zh_CN", test_headless_log);
  g_test_add_data_func ("/languages/headless-log/de", "de", test_headless_log);

  return g_test_run ();
}
