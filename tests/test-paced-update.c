/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-paced-update.h"

/* What the window's counter numbers do in a storm: a click shows at once, a
 * storm of changes shows a few times a second, and the last value always
 * shows. */

#define INTERVAL_MS 20
/* Every wait is bounded: a broken update fails the test instead of hanging it. */
#define WAIT_MS 5000

typedef struct
{
  int    value;
  int    shown;
  guint  runs;
} Counter;

static void
show_value (gpointer data)
{
  Counter *counter = data;

  counter->shown = counter->value;
  counter->runs++;
}

static gboolean
timed_out_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @counter has run @runs times, or for @ms if @runs is 0. */
static void
run_until_runs (Counter *counter,
                guint    runs,
                guint    ms)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add (ms, timed_out_cb, &timed_out);

  while (!timed_out && (runs == 0 || counter->runs < runs))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
}

static void
test_first_change_shows_at_once (void)
{
  Counter counter = { 0 };
  LabPacedUpdate update;

  lab_paced_update_init (&update, INTERVAL_MS, show_value, &counter);
  counter.value = 1;
  lab_paced_update_request (&update);
  g_assert_cmpint (counter.shown, ==, 1);
  g_assert_cmpuint (counter.runs, ==, 1);

  lab_paced_update_clear (&update);
}

static void
test_storm_shows_its_last_value (void)
{
  Counter counter = { 0 };
  LabPacedUpdate update;

  lab_paced_update_init (&update, INTERVAL_MS, show_value, &counter);
  for (int i = 1; i <= 500; i++)
    {
      counter.value = i;
      lab_paced_update_request (&update);
    }
  /* The first at once; the other 499 wait for the interval's end. */
  g_assert_cmpint (counter.shown, ==, 1);
  g_assert_cmpuint (counter.runs, ==, 1);

  run_until_runs (&counter, 2, WAIT_MS);
  g_assert_cmpint (counter.shown, ==, 500);
  g_assert_cmpuint (counter.runs, ==, 2);

  /* Nothing changed since: no more updates, and the next change shows at once. */
  run_until_runs (&counter, 0, 5 * INTERVAL_MS);
  g_assert_cmpuint (counter.runs, ==, 2);
  counter.value = 501;
  lab_paced_update_request (&update);
  g_assert_cmpint (counter.shown, ==, 501);

  lab_paced_update_clear (&update);
}

static void
test_cleared_update_never_runs (void)
{
  Counter counter = { 0 };
  LabPacedUpdate update;

  lab_paced_update_init (&update, INTERVAL_MS, show_value, &counter);
  counter.value = 1;
  lab_paced_update_request (&update);
  counter.value = 2;
  lab_paced_update_request (&update);
  lab_paced_update_clear (&update);

  run_until_runs (&counter, 0, 5 * INTERVAL_MS);
  g_assert_cmpint (counter.shown, ==, 1);
  g_assert_cmpuint (counter.runs, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/paced-update/first-change-shows-at-once", test_first_change_shows_at_once);
  g_test_add_func ("/paced-update/storm-shows-its-last-value", test_storm_shows_its_last_value);
  g_test_add_func ("/paced-update/cleared-update-never-runs", test_cleared_update_never_runs);

  return g_test_run ();
}
