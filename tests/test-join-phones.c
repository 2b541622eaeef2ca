/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "lab-network.h"
#include "lab-qr-view.h"
#include "lab-server-pane.h"
#include "lab-ui-test-utils.h"

/* A class joins by the QR code: the code the server half draws is read back
 * with zbarimg, thirty phone-sized Chromium pages open that URL (its host
 * replaced by 127.0.0.1: tests talk to loopback only), one click reaches all
 * of them, and the window counts thirty more users. */

#define PHONES 30

typedef struct
{
  LabServerPane *pane;
  const char    *text;
} UsersShown;

static gboolean
users_shown (gpointer data)
{
  UsersShown *shown = data;

  return g_strcmp0 (lab_server_pane_get_users_text (shown->pane), shown->text) == 0;
}

typedef struct
{
  LabTestProcess *process;
  const char     *text;
} LineWanted;

static gboolean
has_line (gpointer data)
{
  LineWanted *wanted = data;

  return lab_test_process_has_line (wanted->process, wanted->text) ||
         lab_test_process_has_exited (wanted->process);
}

/* Thirty pages take a while to open on two shared cores: longer than the
 * tests' usual ten seconds, still bounded. */
static void
wait_for_phones (LabTestProcess *phones,
                 const char     *text)
{
  LineWanted wanted = { phones, text };
  g_autofree char *output = NULL;

  if (lab_test_wait_until (has_line, &wanted, 120000) && lab_test_process_has_line (phones, text))
    return;

  output = lab_test_process_dup_output (phones);
  g_error ("No line with “%s” from phones.mjs:\n%s", text, output);
}

static guint
users_now (LabApplication *app)
{
  return lab_counter_get_users (lab_server_get_counter (lab_ui_test_get_server (app)));
}

/* The URL a phone's camera reads off the server half. */
static char *
scan_qr_code (LabWindow *window)
{
  LabQrView *qr = LAB_QR_VIEW (find_widget_of_type (GTK_WIDGET (lab_window_get_server_pane (window)),
                                                    LAB_TYPE_QR_VIEW));
  g_autofree char *png = NULL;
  g_autoptr(GError) error = NULL;
  char *decoded;
  int fd;

  g_assert_nonnull (qr);
  lab_test_run_for (300);
  fd = g_file_open_tmp ("lab-phones-qr-XXXXXX.png", &png, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  save_widget_png (GTK_WIDGET (qr), png);
  decoded = lab_test_qr_decode_image (png);
  g_unlink (png);

  g_assert_cmpstr (decoded, ==, lab_qr_view_get_text (qr));
  return decoded;
}

static void
class_joins_by_qr_code (LabApplication *app)
{
  LabWindow *window = first_window (app);
  g_autofree char *scanned = NULL;
  g_autofree char *loopback_url = NULL;
  g_autofree char *expected_users = NULL;
  g_autofree char *all_show = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(LabTestProcess) phones = NULL;
  g_autofree char *count = g_strdup_printf ("%u", PHONES);
  UsersShown shown;
  guint before;
  g_autofree char *script = g_build_filename (g_getenv ("LAB_BROWSER_DIR"), "phones.mjs", NULL);
  g_autofree char *done_name = g_strdup_printf ("lab-phones-done-%d", (int) getpid ());
  g_autofree char *done = g_build_filename (g_get_tmp_dir (), done_name, NULL);
  const char *argv[] = { g_getenv ("LAB_NODE"), script, NULL, count, done, NULL };
  g_autoptr(GError) error = NULL;

  wait_ready (window);
  scanned = scan_qr_code (window);
  uri = g_uri_parse (scanned, G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "http");
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/");
  loopback_url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uri));

  before = users_now (app);
  argv[2] = loopback_url;
  g_unlink (done);
  phones = lab_test_process_spawn (argv, NULL);
  wait_for_phones (phones, "joined 30");

  /* The window counts them, as the teacher sees it. */
  expected_users = g_strdup_printf ("%u", before + PHONES);
  shown.pane = lab_window_get_server_pane (window);
  shown.text = expected_users;
  if (!lab_test_wait_until (users_shown, &shown, LAB_TEST_TIMEOUT_MS))
    g_assert_cmpstr (lab_server_pane_get_users_text (shown.pane), ==, expected_users);

  /* One click on one phone; every phone, and the window, shows it. */
  all_show = g_strdup_printf ("all %u show", PHONES);
  wait_for_phones (phones, all_show);
  assert_shows_value (window, "1");

  /* The class leaves. */
  g_file_set_contents (done, "", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_test_process_wait_exit (phones), ==, 0);
  g_unlink (done);
}

static void
test_class_joins_by_qr_code (void)
{
  g_auto(GStrv) addresses = lab_network_dup_lan_addresses ();

  if (!lab_test_require_zbarimg ())
    return;

  /* No network but loopback: no QR code to scan, and no class either. */
  if (addresses[0] == NULL)
    {
      g_test_skip ("this machine has no network address for phones to join at");
      return;
    }

  run_app (class_joins_by_qr_code, "--port", "0", "--lan", NULL);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/join/class-joins-by-qr-code", test_class_joins_by_qr_code);

  return g_test_run ();
}
