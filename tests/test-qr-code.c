/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "lab-qr-code.h"
#include "lab-test-utils.h"

/* What a student's phone reads off a projector or a terminal is the URL, read
 * back by a real decoder. */

static char *
decode_modules (LabQrCode *code)
{
  guint side = lab_qr_code_get_size (code) + 2 * LAB_QR_CODE_QUIET_ZONE;
  g_autoptr(GString) image = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *decoded;
  int fd;

  /* Four pixels a module, dark on light, as the window draws it. */
  g_string_append_printf (image, "P5\n%u %u\n255\n", side * 4, side * 4);
  for (guint y = 0; y < side * 4; y++)
    for (guint x = 0; x < side * 4; x++)
      {
        int mx = (int) (x / 4) - LAB_QR_CODE_QUIET_ZONE;
        int my = (int) (y / 4) - LAB_QR_CODE_QUIET_ZONE;
        gboolean dark = mx >= 0 && my >= 0 && lab_qr_code_is_dark (code, (guint) mx, (guint) my);

        g_string_append_c (image, dark ? 0 : (char) 0xff);
      }

  fd = g_file_open_tmp ("lab-qr-XXXXXX.pgm", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_file_set_contents (path, image->str, (gssize) image->len, &error);
  g_assert_no_error (error);
  decoded = lab_test_qr_decode_image (path);
  g_unlink (path);

  return decoded;
}

static void
test_modules_read_back (void)
{
  const char *urls[] = {
    "http://192.168.1.23:8000/",
    "https://[fd00::2]:8443/",
    "http://teacher-laptop.local:8000/time.html",
  };

  if (!lab_test_require_zbarimg ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabQrCode) code = lab_qr_code_new (urls[i], &error);
      g_autofree char *decoded = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (lab_qr_code_get_text (code), ==, urls[i]);
      /* Version 1 is 21 modules; each version adds 4. */
      g_assert_cmpuint (lab_qr_code_get_size (code) % 4, ==, 1);
      g_assert_cmpuint (lab_qr_code_get_size (code), >=, 21);
      g_assert_false (lab_qr_code_is_dark (code, lab_qr_code_get_size (code), 0));

      decoded = decode_modules (code);
      g_assert_cmpstr (decoded, ==, urls[i]);
    }
}

static void
test_terminal_reads_back (void)
{
  g_autoptr(LabQrCode) code = NULL;
  g_autofree char *drawing = NULL;
  g_autofree char *decoded = NULL;
  g_auto(GStrv) lines = NULL;
  guint side;

  if (!lab_test_require_zbarimg ())
    return;

  code = lab_qr_code_new ("http://10.0.0.7:8000/", NULL);
  drawing = lab_qr_code_format_terminal (code);
  side = lab_qr_code_get_size (code) + 2 * LAB_QR_CODE_QUIET_ZONE;

  /* Two rows of modules a line, the quiet zone included. */
  lines = g_strsplit (drawing, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, (side + 1) / 2 + 1);
  g_assert_cmpuint (g_utf8_strlen (lines[0], -1), ==, side);
  g_assert_true (g_utf8_validate (drawing, -1, NULL));

  decoded = lab_test_qr_decode_terminal (drawing);
  g_assert_cmpstr (decoded, ==, "http://10.0.0.7:8000/");
}

static void
test_too_long (void)
{
  g_autofree char *text = g_strnfill (8000, 'a');
  g_autoptr(GError) error = NULL;
  g_autoptr(LabQrCode) code = lab_qr_code_new (text, &error);

  g_assert_null (code);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "QR code"));
}

int
main (int    argc,
      char **argv)
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/qr-code/modules-read-back", test_modules_read_back);
  g_test_add_func ("/qr-code/terminal-reads-back", test_terminal_reads_back);
  g_test_add_func ("/qr-code/too-long", test_too_long);

  return g_test_run ();
}
