/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "lab-test-utils.h"

/* QR codes read back the way a phone reads them: by a real decoder (zbar's
 * zbarimg), from an image of what the app drew. */

#define PIXELS_PER_MODULE 6

/* Fails the test, rather than skipping it, when the decoder is missing: a QR
 * code nobody checked is not tested. */
gboolean
lab_test_require_zbarimg (void)
{
  g_autofree char *path = g_find_program_in_path ("zbarimg");

  if (path != NULL)
    return TRUE;

  g_test_fail_printf ("zbarimg is missing: install zbar-tools (see .ci/run)");
  return FALSE;
}

/* What zbarimg reads in the image at @path, or NULL. */
char *
lab_test_qr_decode_image (const char *path)
{
  const char *argv[] = { "zbarimg", "--quiet", "--raw", "--nodbus", path, NULL };
  g_autoptr(LabTestProcess) decoder = lab_test_process_spawn (argv, NULL);
  g_autofree char *output = NULL;

  if (lab_test_process_wait_exit (decoder) != 0)
    return NULL;

  output = lab_test_process_dup_output (decoder);
  return g_strdup (g_strchomp (output));
}

/* A terminal's half blocks back into modules (light where the text colour
 * is drawn), as a greyscale image zbarimg reads. */
char *
lab_test_qr_decode_terminal (const char *drawing)
{
  g_auto(GStrv) lines = g_strsplit (drawing, "\n", -1);
  g_autoptr(GByteArray) light = g_byte_array_new ();
  g_autoptr(GString) image = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  guint width = 0;
  guint height = 0;
  int fd;

  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      guint n = (guint) g_utf8_strlen (lines[i], -1);
      g_autoptr(GByteArray) bottom = g_byte_array_new ();

      if (width == 0)
        width = n;
      g_assert_cmpuint (n, ==, width);

      for (const char *c = lines[i]; *c != '\0'; c = g_utf8_next_char (c))
        {
          gunichar ch = g_utf8_get_char (c);
          guint8 top_light = ch == 0x2588 || ch == 0x2580;
          guint8 bottom_light = ch == 0x2588 || ch == 0x2584;

          g_byte_array_append (light, &top_light, 1);
          g_byte_array_append (bottom, &bottom_light, 1);
        }
      g_byte_array_append (light, bottom->data, bottom->len);
      height += 2;
    }

  g_assert_cmpuint (width, >, 0);

  g_string_append_printf (image, "P5\n%u %u\n255\n",
                          width * PIXELS_PER_MODULE, height * PIXELS_PER_MODULE);
  for (guint y = 0; y < height * PIXELS_PER_MODULE; y++)
    for (guint x = 0; x < width * PIXELS_PER_MODULE; x++)
      g_string_append_c (image, light->data[(y / PIXELS_PER_MODULE) * width + x / PIXELS_PER_MODULE]
                                ? (char) 0xff : 0);

  fd = g_file_open_tmp ("lab-qr-XXXXXX.pgm", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_file_set_contents (path, image->str, (gssize) image->len, &error);
  g_assert_no_error (error);

  {
    char *decoded = lab_test_qr_decode_image (path);

    g_unlink (path);
    return decoded;
  }
}
