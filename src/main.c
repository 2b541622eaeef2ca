/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <sys/resource.h>
#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-catalog.h"
#include "lab-headless.h"
#include "lab-options.h"

/* Each connection is a file descriptor, and desktops start programs with a
 * soft limit of 1024: a class of a thousand would be refused at the door. */
static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LabApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, lab_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  raise_file_limit ();

  /* Headless must not touch GTK at all: it runs where no display exists. */
  if (lab_options_wants_headless (argc, argv))
    return lab_headless_main (argc, argv);

  app = lab_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
