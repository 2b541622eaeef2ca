/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-catalog.h"
#include "lab-ui-test-utils.h"

/* The window under LANGUAGE=zh_TW (LANG=C.UTF-8), with the build's catalogs: every label whose
 * English text the catalog translates shows the translation instead, and many of the texts
 * the .ui files mark as translatable are on screen in Traditional Chinese. The expected words
 * are read from the catalog now, so the test follows the translators' wording. */

#define LANGUAGE "zh_TW"

static LabCatalog *catalog;

static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (text != NULL && text[0] != '\0')
        g_ptr_array_add (texts, g_strdup (text));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

/* The translations of what the .ui files mark translatable="yes" */
static GHashTable *
ui_translations (void)
{
  g_autofree char *ui_dir = g_test_build_filename (G_TEST_DIST, "..", "data", "ui", NULL);
  g_autoptr(GRegex) marked = g_regex_new ("translatable=\"yes\"[^>]*>([^<&]+)<", 0, 0, NULL);
  g_autoptr(GDir) dir = g_dir_open (ui_dir, 0, NULL);
  GHashTable *translations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (ui_dir, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GMatchInfo) match = NULL;

      if (!g_str_has_suffix (name, ".ui") || !g_file_get_contents (path, &contents, NULL, NULL))
        continue;
      for (g_regex_match (marked, contents, 0, &match); g_match_info_matches (match);
           g_match_info_next (match, NULL))
        {
          g_autofree char *msgid = g_match_info_fetch (match, 1);
          const char *text = lab_catalog_gettext (catalog, msgid);

          if (!g_str_equal (text, msgid))
            g_hash_table_add (translations, g_strdup (text));
        }
    }
  return translations;
}

static void
window_speaks_language (LabApplication *app)
{
  LabWindow *window = first_window (app);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) translations = ui_translations ();
  g_autoptr(GString) english = g_string_new (NULL);
  guint shown = 0;

  wait_ready (window);
  collect_labels (GTK_WIDGET (window), texts);
  g_assert_cmpuint (texts->len, >, 0);

  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = texts->pdata[i];

      g_test_message ("label: %s", text);
      if (!g_str_equal (lab_catalog_gettext (catalog, text), text))
        g_string_append_printf (english, " “%s”", text);
      if (g_hash_table_contains (translations, text))
        shown++;
    }
  if (english->len > 0)
    g_error ("The window shows English its %s catalog translates:%s", LANGUAGE, english->str);
  g_test_message ("%u of %u labels show a translation from the .ui files", shown, texts->len);
  g_assert_cmpuint (shown, >=, 5);
  save_screenshot (GTK_WIDGET (window), "window-" LANGUAGE ".png");
}

static void
test_window_language (void)
{
  g_auto(GStrv) languages = g_strsplit (LAB_LINGUAS, " ", -1);
  g_autoptr(GError) error = NULL;

  if (!g_strv_contains ((const char * const *) languages, LANGUAGE))
    {
      g_test_skip ("po/LINGUAS does not list " LANGUAGE " yet: no " LANGUAGE " catalog to check");
      return;
    }
  catalog = lab_catalog_new_for_language (lab_locale_dir (), GETTEXT_PACKAGE, LANGUAGE, &error);
  if (catalog == NULL)
    g_error ("po/LINGUAS lists " LANGUAGE ", but the build has no catalog for it in %s: %s",
             lab_locale_dir (), error->message);

  run_app (window_speaks_language, "--port", "0", NULL);
  g_clear_pointer (&catalog, lab_catalog_unref);
}

int
main (int   argc,
      char *argv[])
{
  /* As main.c does, in the language under test: set before GTK calls setlocale () */
  g_setenv ("LANGUAGE", LANGUAGE, TRUE);
  g_setenv ("LANG", "C.UTF-8", TRUE);
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, lab_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/window-language/" LANGUAGE, test_window_language);

  return g_test_run ();
}
