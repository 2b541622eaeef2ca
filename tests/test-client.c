/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-client.h"
#include "lab-client-private.h"
#include "lab-timestamp.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"

/* LabClient against a real LabServer on an ephemeral loopback port, in this
 * process and on this main loop: what a person using the client pane sees
 * while things work. What it says when they do not is in
 * test-client-failures.c. */

/* Counter */

static void
test_connect (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *url = lab_test_url (server, "/");
  g_autoptr(LabClient) client = lab_client_new (url, NULL);

  /* A value that is not the default, so a client that made it up would fail. */
  lab_test_server_apply (server, LAB_ACTION_PLUS);
  lab_test_server_apply (server, LAB_ACTION_PLUS);
  lab_test_server_apply (server, LAB_ACTION_PLUS);

  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_false (lab_client_get_has_value (client));

  lab_client_connect (client);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTING);

  lab_test_wait_client_value (client, 3);
  lab_test_wait_client_users (client, 1);
  g_assert_null (lab_client_get_last_error (client));
  g_assert_cmpuint (lab_client_get_retry_in (client), ==, 0);
  g_assert_cmpstr (lab_client_get_counter_url (client), ==, url);

  lab_test_client_free (g_steal_pointer (&client));
  lab_test_wait_peers (server, 0);
}

static void
test_plus_minus (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabClient) a = lab_test_client_new_connected (server, FALSE);
  g_autoptr(LabClient) b = lab_test_client_new_connected (server, FALSE);

  lab_test_wait_client_value (b, 0);

  g_assert_true (lab_client_plus (a));
  g_assert_true (lab_client_plus (a));
  lab_test_wait_client_value (b, 2);
  lab_test_wait_client_value (a, 2);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (server)), ==, 2);

  g_assert_true (lab_client_minus (b));
  lab_test_wait_client_value (a, 1);
  lab_test_wait_client_value (b, 1);

  g_assert_true (lab_client_minus (a));
  g_assert_true (lab_client_minus (a));
  lab_test_wait_client_value (b, -1);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (server)), ==, -1);

  lab_test_client_free (g_steal_pointer (&a));
  lab_test_client_free (g_steal_pointer (&b));
  lab_test_wait_peers (server, 0);
}

static void
test_users (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabClient) a = lab_test_client_new_connected (server, FALSE);
  g_autoptr(LabClient) b = lab_test_client_new_connected (server, FALSE);

  lab_test_wait_client_users (a, 2);
  lab_test_wait_client_users (b, 2);

  lab_client_disconnect (b);
  g_assert_cmpint (lab_client_get_state (b), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_cmpuint (lab_client_get_users (b), ==, 0);
  g_assert_false (lab_client_get_has_value (b));
  lab_test_wait_client_users (a, 1);

  /* And it stays away: no reconnect after a disconnect that was asked for. */
  lab_test_run_for (800);
  g_assert_cmpint (lab_client_get_state (b), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_cmpuint (lab_client_get_users (a), ==, 1);

  /* Connecting again joins again. */
  lab_client_connect (b);
  lab_test_wait_client_users (a, 2);
  lab_test_wait_client_users (b, 2);

  lab_test_client_free (g_steal_pointer (&a));
  lab_test_client_free (g_steal_pointer (&b));
  lab_test_wait_peers (server, 0);
}

static void
test_plus_while_disconnected (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *url = lab_test_url (server, "/");
  g_autoptr(LabClient) client = lab_client_new (url, NULL);

  g_assert_false (lab_client_plus (client));
  g_assert_false (lab_client_minus (client));

  /* Still connecting: nothing to send on yet. */
  lab_client_connect (client);
  g_assert_false (lab_client_plus (client));

  lab_test_wait_client_value (client, 0);
  lab_client_disconnect (client);
  g_assert_false (lab_client_plus (client));
  g_assert_false (lab_client_minus (client));

  lab_test_run_for (200);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (server)), ==, 0);

  lab_test_client_free (g_steal_pointer (&client));
  lab_test_wait_peers (server, 0);
}

static void
test_reconnect (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabClient) client = lab_test_client_new_connected (server, FALSE);
  g_autoptr(GError) error = NULL;
  guint port = lab_server_get_bound_port (server);
  const char *last_error;

  g_assert_true (lab_client_plus (client));
  lab_test_wait_client_value (client, 1);

  lab_server_stop (server);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);

  last_error = lab_client_get_last_error (client);
  g_test_message ("last-error: %s", last_error);
  g_assert_cmpstr (last_error, ==, "The server closed the connection (1001: going away)");
  g_assert_cmpuint (lab_client_get_retry_in (client), >, 0);
  g_assert_cmpuint (lab_client_get_retry_in (client), <=, 30);
  g_assert_false (lab_client_get_has_value (client));
  g_assert_cmpuint (lab_client_get_users (client), ==, 0);
  g_assert_false (lab_client_plus (client));

  /* The counter moves on while this client is away; it must not keep 1. */
  lab_test_server_apply (server, LAB_ACTION_PLUS);
  lab_test_server_apply (server, LAB_ACTION_PLUS);

  lab_server_set_port (server, port);
  lab_server_start (server, &error);
  g_assert_no_error (error);

  lab_test_wait_client_value (client, 3);
  lab_test_wait_client_users (client, 1);
  g_assert_null (lab_client_get_last_error (client));
  g_assert_cmpuint (lab_client_get_retry_in (client), ==, 0);

  g_assert_true (lab_client_plus (client));
  lab_test_wait_client_value (client, 4);

  lab_test_client_free (g_steal_pointer (&client));
  lab_test_wait_peers (server, 0);
}

static void
server_error_cb (LabClient  *client,
                 const char *message,
                 GPtrArray  *errors)
{
  g_ptr_array_add (errors, g_strdup (message));
}

static void
test_server_error_and_unknown_events (void)
{
  static const char * const script[] = {
    "{\"type\":\"chat\",\"text\":\"hi\"}",
    "this is not JSON",
    "{\"type\":\"error\",\"message\":\"nope\"}",
    "{\"type\":\"value\",\"value\":7}",
    NULL
  };
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LabTestTinyServer) tiny = lab_test_tiny_server_new (script, 0);
  LabClient *client = lab_client_new (lab_test_tiny_server_get_url (tiny), NULL);

  g_signal_connect (client, "server-error", G_CALLBACK (server_error_cb), errors);

  /* Said, but nothing more: an unparsable message is no reason to drop the server. */
  g_test_expect_message ("lab-client", G_LOG_LEVEL_MESSAGE, "*not valid JSON*");

  lab_client_connect (client);
  lab_test_wait_client_value (client, 7);
  g_test_assert_expected_messages ();

  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);
  g_assert_null (lab_client_get_last_error (client));
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (errors, 0), ==, "nope");

  /* The tiny server never counts users: that stays unknown. */
  g_assert_cmpuint (lab_client_get_users (client), ==, 0);

  g_signal_handlers_disconnect_by_data (client, errors);
  lab_test_client_free (client);
}

static void
test_url_change (void)
{
  g_autoptr(LabServer) first = lab_test_server_new_started ();
  g_autoptr(LabServer) second = lab_test_server_new_started ();
  g_autoptr(LabClient) client = lab_test_client_new_connected (first, FALSE);
  g_autofree char *second_url = lab_test_url (second, "/");

  lab_test_server_apply (second, LAB_ACTION_MINUS);
  lab_test_wait_client_value (client, 0);

  lab_client_set_counter_url (client, second_url);
  lab_test_wait_client_value (client, -1);
  lab_test_wait_peers (first, 0);
  lab_test_wait_peers (second, 1);

  lab_test_client_free (g_steal_pointer (&client));
  lab_test_wait_peers (second, 0);
}

/* Time stream */

static gboolean
has_items (gpointer data)
{
  return g_list_model_get_n_items (data) >= 5;
}

typedef struct
{
  guint added;
  guint max_items;
} ListWatch;

static void
watch_list_cb (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               ListWatch  *watch)
{
  watch->added += added;
  watch->max_items = MAX (watch->max_items, g_list_model_get_n_items (model));
}

static gboolean
added_some (gpointer data)
{
  return ((ListWatch *) data)->added >= 5;
}

static gboolean
added_120 (gpointer data)
{
  return ((ListWatch *) data)->added >= 120;
}

static void
test_time (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabClient) client = NULL;
  GListModel *timestamps;
  ListWatch watch = { 0 };
  guint n;

  /* Fast pushes, so a hundred and more arrive in a few seconds. */
  lab_server_set_time_interval_max (server, 0.05);
  client = lab_test_client_new_connected (server, TRUE);
  timestamps = lab_client_get_timestamps (client);
  g_signal_connect (timestamps, "items-changed", G_CALLBACK (watch_list_cb), &watch);

  g_assert_true (lab_test_wait_until (has_items, timestamps, LAB_TEST_TIMEOUT_MS));

  /* Newest first: ISO 8601 texts of one format sort by time. */
  n = g_list_model_get_n_items (timestamps);
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autoptr(LabTimestamp) newer = g_list_model_get_item (timestamps, i);
      g_autoptr(LabTimestamp) older = g_list_model_get_item (timestamps, i + 1);

      g_assert_true (g_str_has_suffix (lab_timestamp_get_text (newer), "Z"));
      g_assert_cmpstr (lab_timestamp_get_text (newer), >=, lab_timestamp_get_text (older));
    }

  g_assert_true (lab_test_wait_until (added_120, &watch, 2 * LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (timestamps), ==, 100);
  g_assert_cmpuint (watch.max_items, ==, 100);

  /* The time stream never touches the counter's state. */
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);
  lab_test_wait_peers (server, 2);

  g_signal_handlers_disconnect_by_data (timestamps, &watch);
  lab_test_client_free (g_steal_pointer (&client));
  lab_test_wait_peers (server, 0);
}

static void
test_no_time_url (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabClient) client = lab_test_client_new_connected (server, FALSE);

  lab_test_run_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_peers (server)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (lab_client_get_timestamps (client)), ==, 0);

  /* Set later while connected: the stream starts; cleared: it stops. */
  {
    g_autofree char *time_url = lab_test_url (server, "/time");

    lab_client_set_time_url (client, time_url);
    lab_test_wait_peers (server, 2);
    lab_client_set_time_url (client, "");
    lab_test_wait_peers (server, 1);
  }

  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);

  lab_test_client_free (g_steal_pointer (&client));
  lab_test_wait_peers (server, 0);
}

static void
test_time_reconnects (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabServer) counter_only = lab_test_server_new_started ();
  g_autoptr(GError) error = NULL;
  g_autofree char *counter_url = lab_test_url (counter_only, "/");
  g_autofree char *time_url = lab_test_url (server, "/time");
  g_autoptr(LabClient) client = lab_client_new (counter_url, time_url);
  GListModel *timestamps = lab_client_get_timestamps (client);
  guint port = lab_server_get_bound_port (server);
  ListWatch watch = { 0 };

  lab_server_set_time_interval_max (server, 0.05);
  g_signal_connect (timestamps, "items-changed", G_CALLBACK (watch_list_cb), &watch);

  lab_client_connect (client);
  lab_test_wait_client_value (client, 0);
  g_assert_true (lab_test_wait_until (has_items, timestamps, LAB_TEST_TIMEOUT_MS));

  lab_server_stop (server);
  lab_test_run_for (700);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);
  g_assert_null (lab_client_get_last_error (client));

  watch.added = 0;
  lab_server_set_port (server, port);
  lab_server_start (server, &error);
  g_assert_no_error (error);
  g_assert_true (lab_test_wait_until (added_some, &watch, LAB_TEST_TIMEOUT_MS));

  g_signal_handlers_disconnect_by_data (timestamps, &watch);
  lab_test_client_free (g_steal_pointer (&client));
  lab_test_wait_peers (server, 0);
  lab_test_wait_peers (counter_only, 0);
}

/* Another server: the timestamps shown came from the one before, and go. */
static void
test_timestamps_cleared_on_move (void)
{
  g_autoptr(LabServer) first = lab_test_server_new_started ();
  g_autoptr(LabServer) second = lab_test_server_new_started ();
  g_autofree char *second_counter = lab_test_url (second, "/");
  g_autofree char *second_time = lab_test_url (second, "/time");
  LabClient *client;
  GListModel *timestamps;
  ListWatch watch = { 0 };

  lab_server_set_time_interval_max (first, 0.05);
  client = lab_test_client_new_connected (first, TRUE);
  timestamps = lab_client_get_timestamps (client);
  g_assert_true (lab_test_wait_until (has_items, timestamps, LAB_TEST_TIMEOUT_MS));

  /* What the window does when the user picks another server. */
  lab_client_set_counter_url (client, second_counter);
  lab_client_set_time_url (client, second_time);
  g_assert_cmpuint (g_list_model_get_n_items (timestamps), ==, 0);
  lab_test_wait_peers (first, 0);

  /* The new server's stream fills it again. */
  lab_server_set_time_interval_max (second, 0.05);
  g_signal_connect (timestamps, "items-changed", G_CALLBACK (watch_list_cb), &watch);
  g_assert_true (lab_test_wait_until (added_some, &watch, LAB_TEST_TIMEOUT_MS));
  lab_test_wait_peers (second, 2);

  /* No time stream at all: nothing left over either. */
  lab_client_set_time_url (client, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (timestamps), ==, 0);

  g_signal_handlers_disconnect_by_data (timestamps, &watch);
  lab_test_client_free (client);
  lab_test_wait_peers (second, 0);
}

/* Teardown */

/* What a person could see of a client: none of it may move once disposed. */
typedef struct
{
  LabClientState  state;
  guint           retry_in;
  gboolean        has_value;
  char           *last_error;
  guint           timestamps_changes;
} Seen;

static void
timestamps_changed_cb (GListModel *model,
                       guint       position,
                       guint       removed,
                       guint       added,
                       Seen       *seen)
{
  seen->timestamps_changes++;
}

/* Disposes @client as its last unref would, then waits until all of its
 * network work is over (attempts returned, closing handshakes done) and the
 * time a retry was due: no callback of it may have reached the client. */
static void
dispose_and_watch (LabClient *client)
{
  g_autoptr(GPtrArray) network = _lab_client_dup_network_objects (client);
  g_autoptr(GListModel) timestamps = g_object_ref (lab_client_get_timestamps (client));
  guint retry_due_ms = lab_client_get_retry_in (client) * 1000;
  Seen seen = {
    .state = lab_client_get_state (client),
    .retry_in = lab_client_get_retry_in (client),
    .has_value = lab_client_get_has_value (client),
    .last_error = g_strdup (lab_client_get_last_error (client)),
  };

  g_signal_connect (timestamps, "items-changed", G_CALLBACK (timestamps_changed_cb), &seen);

  g_object_run_dispose (G_OBJECT (client));
  lab_test_wait_finalized (g_steal_pointer (&network));
  if (retry_due_ms > 0)
    lab_test_run_for (retry_due_ms + 500);

  g_assert_cmpint (lab_client_get_state (client), ==, seen.state);
  g_assert_cmpuint (lab_client_get_retry_in (client), ==, seen.retry_in);
  g_assert_true (lab_client_get_has_value (client) == seen.has_value);
  g_assert_cmpstr (lab_client_get_last_error (client), ==, seen.last_error);
  g_assert_cmpuint (seen.timestamps_changes, ==, 0);

  g_signal_handlers_disconnect_by_data (timestamps, &seen);
  g_free (seen.last_error);
  g_object_unref (client);
}

static void
test_dispose_while_busy (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *url = lab_test_url (server, "/");
  g_autofree char *time_url = lab_test_url (server, "/time");
  g_autofree char *refused_url = g_strdup_printf ("ws://127.0.0.1:%u/", lab_test_unused_port ());
  GPtrArray *network;
  LabClient *client;

  lab_server_set_time_interval_max (server, 0.05);

  /* Connecting: the handshakes, if they finish, must not open anything. */
  client = lab_client_new (url, time_url);
  lab_client_connect (client);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTING);
  dispose_and_watch (client);
  lab_test_wait_peers (server, 0);

  /* Connected, the time stream flowing: both leave cleanly, and no late
   * message reaches the client. */
  client = lab_test_client_new_connected (server, TRUE);
  lab_test_wait_peers (server, 2);
  dispose_and_watch (client);
  lab_test_wait_peers (server, 0);

  /* Waiting to reconnect: the retry and the countdown must not fire. */
  client = lab_client_new (refused_url, NULL);
  lab_client_connect (client);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  dispose_and_watch (client);

  /* Disconnected after connecting: the connections close in the background,
   * and end their closing handshakes. */
  client = lab_test_client_new_connected (server, TRUE);
  network = _lab_client_dup_network_objects (client);
  lab_client_disconnect (client);
  lab_test_wait_peers (server, 0);
  g_object_unref (client);
  lab_test_wait_finalized (g_steal_pointer (&network));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/client/connect", test_connect);
  g_test_add_func ("/client/plus-minus", test_plus_minus);
  g_test_add_func ("/client/users", test_users);
  g_test_add_func ("/client/plus-while-disconnected", test_plus_while_disconnected);
  g_test_add_func ("/client/reconnect", test_reconnect);
  g_test_add_func ("/client/server-error-and-unknown-events", test_server_error_and_unknown_events);
  g_test_add_func ("/client/url-change", test_url_change);
  g_test_add_func ("/client/time", test_time);
  g_test_add_func ("/client/no-time-url", test_no_time_url);
  g_test_add_func ("/client/time-reconnects", test_time_reconnects);
  g_test_add_func ("/client/timestamps-cleared-on-move", test_timestamps_cleared_on_move);
  g_test_add_func ("/client/dispose-while-busy", test_dispose_while_busy);

  return g_test_run ();
}
