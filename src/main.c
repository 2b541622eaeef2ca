/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-headless.h"
#include "lab-options.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LabApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Headless must not touch GTK at all: it runs where no display exists. */
  if (lab_options_wants_headless (argc, argv))
    return lab_headless_main (argc, argv);

  app = lab_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
