/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-client.h"
#include "lab-client-attempt.h"
#include "lab-peer.h"
#include "lab-reconnect-attempt.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"

/* The client's reconnect attempts as a class watches them: a real LabServer
 * on an ephemeral loopback port stopped and started again on the same port,
 * and a connection dropped with no close frame. */

static LabReconnectAttempt *
nth_oldest (GListModel *attempts,
            guint       nth)
{
  guint n = g_list_model_get_n_items (attempts);

  g_assert_cmpuint (nth, <, n);
  /* Newest first: the oldest is last. */
  return g_list_model_get_item (attempts, n - 1 - nth);
}

/* Waits for @n items of any list model, frames or not. */
#define wait_attempts(client, n) lab_test_wait_frames (lab_client_get_attempts (client), (n))

static gboolean
newest_connected (gpointer data)
{
  GListModel *attempts = lab_client_get_attempts (data);
  g_autoptr(LabReconnectAttempt) newest = NULL;

  if (g_list_model_get_n_items (attempts) == 0)
    return FALSE;

  newest = g_list_model_get_item (attempts, 0);
  return lab_reconnect_attempt_get_connected (newest);
}

/* 0.5 s doubled n times, ± 20 % */
static void
assert_backoff (LabReconnectAttempt *attempt,
                guint                failures)
{
  guint base = 500u << failures;
  guint delay = lab_reconnect_attempt_get_delay_ms (attempt);

  g_test_message ("attempt after %u failures: waited %u ms, took %u ms: %s", failures, delay,
                  lab_reconnect_attempt_get_duration_ms (attempt),
                  lab_reconnect_attempt_get_result (attempt));
  g_assert_cmpuint (delay, >=, base * 8 / 10);
  g_assert_cmpuint (delay, <=, base * 12 / 10);
  g_assert_cmpuint (lab_reconnect_attempt_get_duration_ms (attempt), <,
                    LAB_CLIENT_ATTEMPT_TIMEOUT_S * 1000);
}

static void
test_server_away_and_back (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  guint port = lab_server_get_bound_port (server);
  LabClient *client = lab_test_client_new_connected (server, FALSE);
  GListModel *attempts = lab_client_get_attempts (client);
  g_autoptr(GError) error = NULL;
  guint n_failed;

  /* The first connection was no reconnect. */
  g_assert_cmpuint (g_list_model_get_n_items (attempts), ==, 0);

  lab_server_stop (server);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpuint (lab_client_get_retry_in (client), >, 0);

  /* 0.5 s, 1 s and 2 s, at most 4.2 s with jitter */
  wait_attempts (client, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(LabReconnectAttempt) attempt = nth_oldest (attempts, i);

      assert_backoff (attempt, i);
      g_assert_false (lab_reconnect_attempt_get_connected (attempt));
      g_assert_cmpstr (lab_reconnect_attempt_get_result (attempt), ==,
                       "Connection refused: is the server running?");

      if (i > 0)
        {
          g_autoptr(LabReconnectAttempt) before = nth_oldest (attempts, i - 1);
          GTimeSpan apart = g_date_time_difference (lab_reconnect_attempt_get_started (attempt),
                                                    lab_reconnect_attempt_get_started (before));

          /* Each wait is longer than the one before, and really waited. */
          g_assert_cmpuint (lab_reconnect_attempt_get_delay_ms (attempt), >,
                            lab_reconnect_attempt_get_delay_ms (before));
          g_assert_cmpint (apart / G_TIME_SPAN_MILLISECOND, >=,
                           lab_reconnect_attempt_get_delay_ms (attempt));
        }
    }

  /* Waiting for the next: the countdown runs. */
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpuint (lab_client_get_retry_in (client), >, 0);
  n_failed = g_list_model_get_n_items (attempts);

  /* Back on the same port: the next attempt works, and says so. */
  lab_server_set_port (server, port);
  g_assert_true (lab_server_start (server, &error));
  g_assert_no_error (error);
  g_assert_true (lab_test_wait_until (newest_connected, client, 20000));
  g_assert_cmpuint (g_list_model_get_n_items (attempts), ==, n_failed + 1);
  {
    g_autoptr(LabReconnectAttempt) newest = g_list_model_get_item (attempts, 0);

    assert_backoff (newest, n_failed);
    g_assert_cmpstr (lab_reconnect_attempt_get_result (newest), ==, "Connected");
  }
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_CONNECTED);

  /* The story stays on show after the reconnect. */
  lab_test_run_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (attempts), ==, n_failed + 1);

  lab_test_client_free (client);
  lab_test_server_shutdown (server);
}

static gboolean
client_heard_end (gpointer data)
{
  return lab_client_get_close_code_received (data) != 0;
}

static gboolean
peer_ended (gpointer data)
{
  return lab_peer_get_close_code_received (data) != 0;
}

static LabEvent *
find_leave (LabServer *server,
            gushort    code)
{
  GListModel *log = G_LIST_MODEL (lab_server_get_event_log (server));

  for (guint i = g_list_model_get_n_items (log); i > 0; i--)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (log, i - 1);

      if (lab_event_get_kind (event) == LAB_EVENT_LEAVE && lab_event_get_code (event) == code)
        return g_steal_pointer (&event);
    }

  return NULL;
}

static void
test_drop_connection (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  LabClient *client = lab_test_client_new_connected (server, FALSE);
  GListModel *attempts = lab_client_get_attempts (client);
  g_autoptr(LabPeer) peer = g_list_model_get_item (lab_server_get_peers (server), 0);
  g_autoptr(LabReconnectAttempt) first = NULL;
  g_autoptr(LabReconnectAttempt) second = NULL;
  g_autoptr(LabEvent) leave = NULL;
  g_autofree char *server_says = NULL;
  g_autofree char *client_says = NULL;
  g_autofree char *line = NULL;

  g_assert_nonnull (peer);
  g_assert_null (find_leave (server, 1006));
  g_assert_true (lab_client_drop_connection (client));

  /* The client: no close frame came, so 1006, and what it did. */
  g_assert_true (lab_test_wait_until (client_heard_end, client, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (lab_client_get_close_code_received (client), ==, 1006);
  client_says = lab_client_describe_close (client);
  g_test_message ("client: %s", client_says);
  g_assert_true (g_str_has_prefix (client_says, "1006: closed without a closing handshake"));
  g_assert_nonnull (strstr (client_says, "this client shut its socket down"));
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);

  /* The server: no close frame received either. */
  g_assert_true (lab_test_wait_until (peer_ended, peer, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (lab_peer_get_close_code_received (peer), ==, 1006);
  server_says = lab_peer_describe_close (peer);
  g_test_message ("server: %s", server_says);
  g_assert_true (g_str_has_prefix (server_says,
                                   "1006: closed without a closing handshake, no close frame ("));
  leave = find_leave (server, 1006);
  g_assert_nonnull (leave);
  line = lab_event_describe (leave);
  g_assert_nonnull (strstr (line, "close code 1006: closed without a closing handshake, "));

  /* Then the client's first reconnect, after the shortest wait. */
  g_assert_true (lab_test_wait_until (newest_connected, client, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (attempts), ==, 1);
  first = g_list_model_get_item (attempts, 0);
  assert_backoff (first, 0);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_CONNECTED);
  lab_test_wait_peers (server, 1);
  /* Once the server has spoken, the backoff starts again from its shortest wait. */
  lab_test_wait_client_value (client, 0);

  /* A new outage after a connection that worked: a new story. */
  g_assert_true (lab_client_drop_connection (client));
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpuint (g_list_model_get_n_items (attempts), ==, 0);
  wait_attempts (client, 1);
  second = g_list_model_get_item (attempts, 0);
  g_assert_true (second != first);
  g_assert_true (lab_reconnect_attempt_get_connected (second));
  assert_backoff (second, 0);

  /* Nothing open: nothing to drop. */
  lab_client_disconnect (client);
  g_assert_false (lab_client_drop_connection (client));

  lab_test_client_free (client);
  lab_test_server_shutdown (server);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/client-reconnects/server-away-and-back", test_server_away_and_back);
  g_test_add_func ("/client-reconnects/drop-connection", test_drop_connection);

  return g_test_run ();
}
