/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-bounded-list.h"
#include "lab-event.h"
#include "lab-timestamp.h"
#include "lab-test-utils.h"

/* The one bounded list model behind the server's event log (oldest first) and
 * the client's timestamps (newest first). */

typedef struct
{
  guint n_items;
  guint max_items;
  guint changes;
} Watch;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  /* A view applies each change to what it had: the count must agree. */
  watch->n_items = watch->n_items - removed + added;
  g_assert_cmpuint (watch->n_items, ==, g_list_model_get_n_items (model));
  watch->max_items = MAX (watch->max_items, watch->n_items);
  watch->changes++;
}

static guint
peer_id_at (GListModel *model,
            guint       position)
{
  g_autoptr(LabEvent) event = g_list_model_get_item (model, position);

  return lab_event_get_peer_id (event);
}

static void
test_oldest_first (void)
{
  g_autoptr(LabBoundedList) log = lab_bounded_list_new (LAB_TYPE_EVENT, 3,
                                                        LAB_BOUNDED_LIST_OLDEST_FIRST);
  GListModel *model = G_LIST_MODEL (log);
  Watch watch = { 0 };

  g_signal_connect (log, "items-changed", G_CALLBACK (items_changed_cb), &watch);

  for (guint i = 1; i <= 5; i++)
    {
      g_autoptr(LabEvent) event = lab_event_new (LAB_EVENT_JOIN, i, "127.0.0.1:1", "/", NULL);

      lab_bounded_list_add (log, event);
    }

  g_assert_true (g_list_model_get_item_type (model) == LAB_TYPE_EVENT);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpuint (watch.max_items, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (peer_id_at (model, i), ==, i + 3);
  g_assert_null (g_list_model_get_item (model, 3));
  /* Five adds and two drops, each announced. */
  g_assert_cmpuint (watch.changes, ==, 7);
}

static void
test_newest_first (void)
{
  g_autoptr(LabBoundedList) list = lab_bounded_list_new (LAB_TYPE_TIMESTAMP, 100,
                                                         LAB_BOUNDED_LIST_NEWEST_FIRST);
  GListModel *model = G_LIST_MODEL (list);
  g_autoptr(LabTimestamp) newest = NULL;
  g_autoptr(LabTimestamp) oldest = NULL;
  Watch watch = { 0 };
  guint grew = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &watch);

  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %u", i);
      g_autoptr(LabTimestamp) timestamp = lab_timestamp_new (text);
      guint before = g_list_model_get_n_items (model);

      lab_bounded_list_add (list, timestamp);
      if (g_list_model_get_n_items (model) != before)
        grew++;
    }

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 100);
  g_assert_cmpuint (watch.max_items, ==, 100);
  g_assert_cmpuint (grew, ==, 100);

  newest = g_list_model_get_item (model, 0);
  oldest = g_list_model_get_item (model, 99);
  g_assert_cmpstr (lab_timestamp_get_text (newest), ==, "line 149");
  g_assert_cmpstr (lab_timestamp_get_text (oldest), ==, "line 50");
  g_assert_null (g_list_model_get_item (model, 100));

  lab_bounded_list_clear (list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpuint (watch.n_items, ==, 0);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* :n-items changes only while the list grows, and when it is cleared. */
static void
test_n_items_notify (void)
{
  g_autoptr(LabBoundedList) list = lab_bounded_list_new (LAB_TYPE_TIMESTAMP, 2,
                                                         LAB_BOUNDED_LIST_NEWEST_FIRST);
  guint notified = 0;
  guint n_items = 0;

  g_signal_connect (list, "notify::n-items", G_CALLBACK (count_notify_cb), &notified);

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(LabTimestamp) timestamp = lab_timestamp_new ("t");

      lab_bounded_list_add (list, timestamp);
    }

  g_object_get (list, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 2);
  g_assert_cmpuint (notified, ==, 2);

  lab_bounded_list_clear (list);
  lab_bounded_list_clear (list);
  g_assert_cmpuint (notified, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/bounded-list/oldest-first", test_oldest_first);
  g_test_add_func ("/bounded-list/newest-first", test_newest_first);
  g_test_add_func ("/bounded-list/n-items-notify", test_n_items_notify);

  return g_test_run ();
}
