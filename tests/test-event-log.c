/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-event-log.h"
#include "lab-test-utils.h"

typedef struct
{
  guint n_items;
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
  watch->changes++;
}

static void
test_bounded_oldest_first (void)
{
  g_autoptr(LabEventLog) log = lab_event_log_new (3);
  Watch watch = { 0 };

  g_signal_connect (log, "items-changed", G_CALLBACK (items_changed_cb), &watch);

  for (guint i = 1; i <= 5; i++)
    {
      g_autoptr(LabEvent) event = lab_event_new (LAB_EVENT_JOIN, i, "127.0.0.1:1", "/", NULL);

      lab_event_log_append (log, event);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (log), i);

      g_assert_cmpuint (lab_event_get_peer_id (event), ==, i + 3);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (log), 3));
  g_assert_cmpuint (watch.changes, >=, 5);
}

static void
test_describe (void)
{
  g_autoptr(LabEvent) join = lab_event_new (LAB_EVENT_JOIN, 4, "[::1]:5000", "/counter", "null");
  g_autoptr(LabEvent) leave = lab_event_new (LAB_EVENT_LEAVE, 4, "[::1]:5000", "/counter", "Going away");
  g_autoptr(LabEvent) broadcast = lab_event_new (LAB_EVENT_MESSAGE_OUT, 0, NULL, NULL, "{\"type\":\"users\",\"count\":2}");
  g_autofree char *long_text = g_strnfill (1000, 'x');
  g_autoptr(LabEvent) message = lab_event_new (LAB_EVENT_MESSAGE_IN, 1, "127.0.0.1:9", "/", long_text);
  g_autofree char *join_text = NULL;
  g_autofree char *leave_text = NULL;
  g_autofree char *broadcast_text = NULL;

  lab_event_set_code (leave, 1001);
  lab_event_set_count (broadcast, 2);
  lab_event_set_size (message, 1000);

  join_text = lab_event_describe (join);
  leave_text = lab_event_describe (leave);
  broadcast_text = lab_event_describe (broadcast);

  g_assert_nonnull (strstr (join_text, "#4"));
  g_assert_nonnull (strstr (join_text, "/counter"));
  g_assert_nonnull (strstr (join_text, "[::1]:5000"));
  g_assert_nonnull (strstr (leave_text, "1001"));
  g_assert_nonnull (strstr (leave_text, "Going away"));
  g_assert_nonnull (strstr (broadcast_text, "2 clients"));

  /* A huge message is shortened in the log, its size kept. */
  g_assert_cmpuint (g_utf8_strlen (lab_event_get_detail (message), -1), <=, 201);
  g_assert_cmpuint (lab_event_get_size (message), ==, 1000);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/event-log/bounded-oldest-first", test_bounded_oldest_first);
  g_test_add_func ("/event-log/describe", test_describe);

  return g_test_run ();
}
