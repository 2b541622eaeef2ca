/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-tls.h"

/* For the browser tests: `lab-make-certificate DIR` makes a self-signed
 * certificate and its key in DIR with the app's own generator (the one behind
 * Preferences' "Generate self-signed") and prints the two files' paths, one
 * a line. */

int
main (int   argc,
      char *argv[])
{
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s DIRECTORY\n", argv[0]);
      return 2;
    }

  if (!lab_tls_generate (argv[1], LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                         &certificate_file, &key_file, &error))
    {
      g_printerr ("%s: %s\n", argv[0], error->message);
      return 1;
    }

  g_print ("%s\n%s\n", certificate_file, key_file);
  return 0;
}
