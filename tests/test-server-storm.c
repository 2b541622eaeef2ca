/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-protocol.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* A class joining at once: hundreds of connections started together, as a
 * room of phones does after the teacher shows the QR code. */

/* Enough to show O(N²) (which sent 125,250 users messages for 500 joins). */
#define STORM_SIZE 500
/* A handful per connection, however large the class. */
#define USERS_MESSAGES_PER_CLIENT_MAX 5
/* Clicks sent back to back once everyone is in. */
#define CLICKS 20

static void
test_join_storm (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *url = lab_test_url (server, "/");
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  LabTestCrowd *crowd = lab_test_crowd_join (url, STORM_SIZE);
  guint users_messages;

  /* Everyone ends with the whole class counted and the value. */
  lab_test_crowd_wait_all_see (crowd, STORM_SIZE, 0);
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (server)), ==, STORM_SIZE);

  users_messages = lab_test_crowd_count_users_messages (crowd);
  g_test_message ("%u users messages for %u joins", users_messages, STORM_SIZE);
  g_assert_cmpuint (users_messages, <, USERS_MESSAGES_PER_CLIENT_MAX * STORM_SIZE);

  /* Clicks sent back to back reach all of them. */
  for (guint i = 0; i < CLICKS; i++)
    lab_test_crowd_send (crowd, 0, plus);
  lab_test_crowd_wait_all_see (crowd, STORM_SIZE, CLICKS);

  lab_test_crowd_free (crowd);
  lab_test_server_shutdown (server);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/server/join-storm", test_join_storm);

  return g_test_run ();
}
