/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-throttled-list.h"

/* What the server pane's lists show of the engine's: a view keeps the rows of
 * the items that stayed, so a busy log costs the window the new rows only. */

typedef struct
{
  /* What a view has made of the announcements so far */
  GPtrArray *mirror;
  /* Items it was told about as new: each one is a row it builds */
  guint      added;
  guint      removed;
} View;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  View       *view)
{
  /* Each announcement matches the model as it is when it comes. */
  g_assert_cmpuint (position + removed, <=, view->mirror->len);
  if (removed > 0)
    g_ptr_array_remove_range (view->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (view->mirror, position + i, g_list_model_get_item (model, position + i));
  g_assert_cmpuint (view->mirror->len, ==, g_list_model_get_n_items (model));

  view->added += added;
  view->removed += removed;
}

static void
view_init (View       *view,
           GListModel *model)
{
  view->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (view->mirror, g_list_model_get_item (model, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), view);
}

static void
view_clear (View *view)
{
  g_clear_pointer (&view->mirror, g_ptr_array_unref);
}

/* The view holds exactly the model's items, and they are @source's (newest
 * first when @reversed), at most @limit of them. */
static void
assert_shows (View       *view,
              GListModel *model,
              GListModel *source,
              gboolean    reversed,
              guint       limit)
{
  guint n = g_list_model_get_n_items (source);
  guint shown = limit > 0 ? MIN (n, limit) : n;

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, shown);
  g_assert_cmpuint (view->mirror->len, ==, shown);
  for (guint i = 0; i < shown; i++)
    {
      g_autoptr(GObject) expected = g_list_model_get_item (source, reversed ? n - 1 - i : i);
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == expected);
      g_assert_true (g_ptr_array_index (view->mirror, i) == expected);
    }
}

static void
append_new (GListStore *store,
            guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);

      g_list_store_append (store, item);
    }
}

/* A log shown newest first, a screenful of it: new events come at the top,
 * the oldest shown ones go at the end, and the rows in between stay. */
static void
test_newest_first_keeps_rows (void)
{
  g_autoptr(GListStore) log = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(LabThrottledList) list = NULL;
  View view = { 0 };

  append_new (log, 8);
  list = lab_throttled_list_new (G_LIST_MODEL (log), TRUE, 5);
  view_init (&view, G_LIST_MODEL (list));
  assert_shows (&view, G_LIST_MODEL (list), G_LIST_MODEL (log), TRUE, 5);

  append_new (log, 2);
  lab_throttled_list_flush (LAB_THROTTLED_LIST (list));
  assert_shows (&view, G_LIST_MODEL (list), G_LIST_MODEL (log), TRUE, 5);
  g_assert_cmpuint (view.added, ==, 2);
  g_assert_cmpuint (view.removed, ==, 2);

  /* More new events than the list shows: every row is new. */
  append_new (log, 7);
  lab_throttled_list_flush (LAB_THROTTLED_LIST (list));
  assert_shows (&view, G_LIST_MODEL (list), G_LIST_MODEL (log), TRUE, 5);
  g_assert_cmpuint (view.added, ==, 2 + 5);

  view_clear (&view);
}

/* Clients in the order they came: some leave, others come, the rest stay. */
static void
test_in_order_keeps_rows (void)
{
  g_autoptr(GListStore) peers = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(LabThrottledList) list = NULL;
  View view = { 0 };

  append_new (peers, 10);
  list = lab_throttled_list_new (G_LIST_MODEL (peers), FALSE, 0);
  view_init (&view, G_LIST_MODEL (list));

  g_list_store_remove (peers, 0);
  g_list_store_remove (peers, 3);
  append_new (peers, 3);
  lab_throttled_list_flush (LAB_THROTTLED_LIST (list));
  assert_shows (&view, G_LIST_MODEL (list), G_LIST_MODEL (peers), FALSE, 0);
  g_assert_cmpuint (view.added, ==, 3);
  g_assert_cmpuint (view.removed, ==, 2);

  /* A class joining at once, more than one step takes: all shown after a flush. */
  append_new (peers, 500);
  lab_throttled_list_flush (LAB_THROTTLED_LIST (list));
  assert_shows (&view, G_LIST_MODEL (list), G_LIST_MODEL (peers), FALSE, 0);
  g_assert_cmpuint (view.added, ==, 3 + 500);

  g_list_store_remove_all (peers);
  lab_throttled_list_flush (LAB_THROTTLED_LIST (list));
  assert_shows (&view, G_LIST_MODEL (list), G_LIST_MODEL (peers), FALSE, 0);

  view_clear (&view);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/throttled-list/newest-first-keeps-rows", test_newest_first_keeps_rows);
  g_test_add_func ("/throttled-list/in-order-keeps-rows", test_in_order_keeps_rows);

  return g_test_run ();
}
