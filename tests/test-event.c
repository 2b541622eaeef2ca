/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-event.h"
#include "lab-test-utils.h"

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
  g_assert_nonnull (strstr (leave_text, "close code 1001: going away"));
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

  g_test_add_func ("/event/describe", test_describe);

  return g_test_run ();
}
