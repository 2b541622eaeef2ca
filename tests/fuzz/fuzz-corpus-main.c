/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "lab-fuzz.h"

/* The normal build's stand-in for libFuzzer: feeds every file of a target's
 * corpus folder to its entry point once, so each seed and each crash input
 * kept there is a test. A crash or a failed assertion aborts, and fails it. */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s CORPUS-FOLDER\n", argv[0]);
      return EXIT_FAILURE;
    }

  if (!(dir = g_dir_open (argv[1], 0, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return EXIT_FAILURE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  /* An empty folder is a mistake, not a pass. */
  if (names->len == 0)
    {
      fprintf (stderr, "%s holds no inputs\n", argv[1]);
      return EXIT_FAILURE;
    }

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (argv[1], names->pdata[i], NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return EXIT_FAILURE;
        }

      /* Said before it runs: the last line of a crash's log names its input. */
      printf ("%s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
      fflush (stdout);
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
    }

  printf ("%u inputs, all passed\n", names->len);
  return EXIT_SUCCESS;
}
