/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-client.h"
#include "lab-client-private.h"
#include "lab-test-utils.h"
#include "lab-timestamp-list.h"

/* LabClient against a real LabServer on an ephemeral loopback port, in this
 * process and on this main loop: what a person using the client pane sees. */

/* Conditions */

typedef struct
{
  LabClient      *client;
  LabClientState  state;
  gint64          value;
  guint           users;
} Expect;

static gboolean
client_in_state (gpointer data)
{
  Expect *expect = data;

  return lab_client_get_state (expect->client) == expect->state;
}

static gboolean
client_shows_value (gpointer data)
{
  Expect *expect = data;

  return lab_client_get_state (expect->client) == LAB_CLIENT_STATE_CONNECTED &&
         lab_client_get_has_value (expect->client) &&
         lab_client_get_value (expect->client) == expect->value;
}

static gboolean
client_shows_users (gpointer data)
{
  Expect *expect = data;

  return lab_client_get_state (expect->client) == LAB_CLIENT_STATE_CONNECTED &&
         lab_client_get_users (expect->client) == expect->users;
}

static gboolean
client_has_value (gpointer data)
{
  return lab_client_get_has_value (data);
}

static void
wait_for_state (LabClient      *client,
                LabClientState  state)
{
  Expect expect = { .client = client, .state = state };

  g_assert_true (lab_test_wait_until (client_in_state, &expect, LAB_TEST_TIMEOUT_MS));
}

static void
wait_for_value (LabClient *client,
                gint64     value)
{
  Expect expect = { .client = client, .value = value };

  g_assert_true (lab_test_wait_until (client_shows_value, &expect, LAB_TEST_TIMEOUT_MS));
}

static void
wait_for_users (LabClient *client,
                guint      users)
{
  Expect expect = { .client = client, .users = users };

  g_assert_true (lab_test_wait_until (client_shows_users, &expect, LAB_TEST_TIMEOUT_MS));
}

typedef struct
{
  LabServer *server;
  guint      n_peers;
} PeersExpect;

static gboolean
server_has_peers (gpointer data)
{
  PeersExpect *expect = data;

  return g_list_model_get_n_items (lab_server_get_peers (expect->server)) == expect->n_peers;
}

/* Every client closes cleanly, and the server sees it leave. */
static void
wait_for_peers (LabServer *server,
                guint      n_peers)
{
  PeersExpect expect = { server, n_peers };

  g_assert_true (lab_test_wait_until (server_has_peers, &expect, LAB_TEST_TIMEOUT_MS));
}

static LabClient *
client_new_connected (LabServer *server,
                      gboolean   with_time)
{
  g_autofree char *counter_url = lab_test_url (server, "/");
  g_autofree char *time_url = with_time ? lab_test_url (server, "/time") : NULL;
  LabClient *client = lab_client_new (counter_url, time_url);

  lab_client_connect (client);
  wait_for_state (client, LAB_CLIENT_STATE_CONNECTED);
  g_assert_true (lab_test_wait_until (client_has_value, client, LAB_TEST_TIMEOUT_MS));

  return client;
}

static void
server_apply (LabServer *server,
              LabAction  action)
{
  g_autoptr(GError) error = NULL;

  lab_counter_apply (lab_server_get_counter (server), action, &error);
  g_assert_no_error (error);
}

/* A port where nothing listens: one the system just gave out and took back. */
static guint
unused_port (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  guint port = lab_server_get_bound_port (server);

  lab_server_stop (server);
  return port;
}

/* Units */

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  guint *max_items = user_data;

  *max_items = MAX (*max_items, g_list_model_get_n_items (model));
}

static void
test_timestamp_list (void)
{
  g_autoptr(LabTimestampList) list = lab_timestamp_list_new (100);
  g_autoptr(LabTimestamp) newest = NULL;
  g_autoptr(LabTimestamp) oldest = NULL;
  guint max_items = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (count_changes_cb), &max_items);

  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %u", i);

      lab_timestamp_list_prepend (list, text);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 100);
  g_assert_cmpuint (max_items, ==, 100);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == LAB_TYPE_TIMESTAMP);

  newest = g_list_model_get_item (G_LIST_MODEL (list), 0);
  oldest = g_list_model_get_item (G_LIST_MODEL (list), 99);
  g_assert_cmpstr (lab_timestamp_get_text (newest), ==, "line 149");
  g_assert_cmpstr (lab_timestamp_get_text (oldest), ==, "line 50");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 100));

  lab_timestamp_list_clear (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

static void
test_backoff (void)
{
  guint previous_longest = 0;

  /* About half a second first, ±20 %. */
  g_assert_cmpuint (_lab_client_backoff_ms (0, 0.0), ==, 400);
  g_assert_cmpuint (_lab_client_backoff_ms (0, 0.5), ==, 500);
  g_assert_cmpuint (_lab_client_backoff_ms (0, 0.999999), <=, 600);
  g_assert_cmpuint (_lab_client_backoff_ms (0, 0.999999), >=, 599);

  /* Doubling: even the luckiest draw waits longer than the unluckiest one before. */
  for (guint failures = 1; failures < 6; failures++)
    {
      g_assert_cmpuint (_lab_client_backoff_ms (failures, 0.0), >,
                        _lab_client_backoff_ms (failures - 1, 0.999999));
    }

  /* Never more than 30 s, however long the server stays away. */
  for (guint failures = 0; failures < 100; failures++)
    {
      guint longest = _lab_client_backoff_ms (failures, 0.999999);

      g_assert_cmpuint (longest, <=, 30000);
      g_assert_cmpuint (longest, >=, previous_longest);
      previous_longest = longest;
    }
  g_assert_cmpuint (_lab_client_backoff_ms (G_MAXUINT, 0.0), >=, 24000);
  g_assert_cmpuint (_lab_client_backoff_ms (G_MAXUINT, 1.0), ==, 30000);
}

/* Counter */

static void
test_connect (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *url = lab_test_url (server, "/");
  g_autoptr(LabClient) client = lab_client_new (url, NULL);

  /* A value that is not the default, so a client that made it up would fail. */
  server_apply (server, LAB_ACTION_PLUS);
  server_apply (server, LAB_ACTION_PLUS);
  server_apply (server, LAB_ACTION_PLUS);

  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_false (lab_client_get_has_value (client));

  lab_client_connect (client);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTING);

  wait_for_value (client, 3);
  wait_for_users (client, 1);
  g_assert_null (lab_client_get_last_error (client));
  g_assert_cmpuint (lab_client_get_retry_in (client), ==, 0);
  g_assert_cmpstr (lab_client_get_counter_url (client), ==, url);

  g_clear_object (&client);
  wait_for_peers (server, 0);
}

static void
test_plus_minus (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabClient) a = client_new_connected (server, FALSE);
  g_autoptr(LabClient) b = client_new_connected (server, FALSE);

  wait_for_value (b, 0);

  g_assert_true (lab_client_plus (a));
  g_assert_true (lab_client_plus (a));
  wait_for_value (b, 2);
  wait_for_value (a, 2);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (server)), ==, 2);

  g_assert_true (lab_client_minus (b));
  wait_for_value (a, 1);
  wait_for_value (b, 1);

  g_assert_true (lab_client_minus (a));
  g_assert_true (lab_client_minus (a));
  wait_for_value (b, -1);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (server)), ==, -1);

  g_clear_object (&a);
  g_clear_object (&b);
  wait_for_peers (server, 0);
}

static void
test_users (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabClient) a = client_new_connected (server, FALSE);
  g_autoptr(LabClient) b = client_new_connected (server, FALSE);

  wait_for_users (a, 2);
  wait_for_users (b, 2);

  lab_client_disconnect (b);
  g_assert_cmpint (lab_client_get_state (b), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_cmpuint (lab_client_get_users (b), ==, 0);
  g_assert_false (lab_client_get_has_value (b));
  wait_for_users (a, 1);

  /* And it stays away: no reconnect after a disconnect that was asked for. */
  lab_test_run_for (800);
  g_assert_cmpint (lab_client_get_state (b), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_assert_cmpuint (lab_client_get_users (a), ==, 1);

  /* Connecting again joins again. */
  lab_client_connect (b);
  wait_for_users (a, 2);
  wait_for_users (b, 2);

  g_clear_object (&a);
  g_clear_object (&b);
  wait_for_peers (server, 0);
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

  wait_for_value (client, 0);
  lab_client_disconnect (client);
  g_assert_false (lab_client_plus (client));
  g_assert_false (lab_client_minus (client));

  lab_test_run_for (200);
  g_assert_cmpint (lab_counter_get_value (lab_server_get_counter (server)), ==, 0);

  g_clear_object (&client);
  wait_for_peers (server, 0);
}

static void
test_reconnect (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabClient) client = client_new_connected (server, FALSE);
  g_autoptr(GError) error = NULL;
  guint port = lab_server_get_bound_port (server);
  const char *last_error;

  g_assert_true (lab_client_plus (client));
  wait_for_value (client, 1);

  lab_server_stop (server);
  wait_for_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);

  last_error = lab_client_get_last_error (client);
  g_test_message ("last-error: %s", last_error);
  g_assert_cmpstr (last_error, ==, "The server closed the connection (1001: going away)");
  g_assert_cmpuint (lab_client_get_retry_in (client), >, 0);
  g_assert_cmpuint (lab_client_get_retry_in (client), <=, 30);
  g_assert_false (lab_client_get_has_value (client));
  g_assert_cmpuint (lab_client_get_users (client), ==, 0);
  g_assert_false (lab_client_plus (client));

  /* The counter moves on while this client is away; it must not keep 1. */
  server_apply (server, LAB_ACTION_PLUS);
  server_apply (server, LAB_ACTION_PLUS);

  lab_server_set_port (server, port);
  lab_server_start (server, &error);
  g_assert_no_error (error);

  wait_for_value (client, 3);
  wait_for_users (client, 1);
  g_assert_null (lab_client_get_last_error (client));
  g_assert_cmpuint (lab_client_get_retry_in (client), ==, 0);

  g_assert_true (lab_client_plus (client));
  wait_for_value (client, 4);

  g_clear_object (&client);
  wait_for_peers (server, 0);
}

/* A tiny server that says what a test wants: what LabServer never would. */

typedef struct
{
  SoupServer         *server;
  GPtrArray          *connections;
  const char * const *script;      /* texts sent to each client as it joins */
  gushort             close_code;  /* then closes with this, if not 0 */
} TinyServer;

static void
tiny_websocket_cb (SoupServer              *server,
                   SoupServerMessage       *message,
                   const char              *path,
                   SoupWebsocketConnection *connection,
                   gpointer                 user_data)
{
  TinyServer *tiny = user_data;

  g_ptr_array_add (tiny->connections, g_object_ref (connection));

  for (guint i = 0; tiny->script[i] != NULL; i++)
    soup_websocket_connection_send_text (connection, tiny->script[i]);

  if (tiny->close_code != 0)
    soup_websocket_connection_close (connection, tiny->close_code, NULL);
}

/* Returns: the URL to connect to */
static char *
tiny_server_start (TinyServer         *tiny,
                   const char * const *script,
                   gushort             close_code)
{
  guint port;

  tiny->server = soup_server_new (NULL, NULL);
  tiny->connections = g_ptr_array_new_with_free_func (g_object_unref);
  tiny->script = script;
  tiny->close_code = close_code;

  soup_server_add_websocket_handler (tiny->server, "/", NULL, NULL, tiny_websocket_cb, tiny, NULL);
  port = lab_test_soup_server_listen (tiny->server);

  return g_strdup_printf ("ws://127.0.0.1:%u/", port);
}

static gboolean
tiny_all_closed (gpointer data)
{
  TinyServer *tiny = data;

  for (guint i = 0; i < tiny->connections->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (tiny->connections, i);

      if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_CLOSED)
        return FALSE;
    }

  return TRUE;
}

/* Call once the clients are gone: their closing handshakes end here. */
static void
tiny_server_stop (TinyServer *tiny)
{
  g_assert_true (lab_test_wait_until (tiny_all_closed, tiny, LAB_TEST_TIMEOUT_MS));

  soup_server_disconnect (tiny->server);
  g_clear_object (&tiny->server);
  g_clear_pointer (&tiny->connections, g_ptr_array_unref);
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
  TinyServer tiny = { 0 };
  g_autofree char *url = tiny_server_start (&tiny, script, 0);
  g_autoptr(LabClient) client = lab_client_new (url, NULL);

  g_signal_connect (client, "server-error", G_CALLBACK (server_error_cb), errors);

  /* Said, but nothing more: an unparsable message is no reason to drop the server. */
  g_test_expect_message ("lab-client", G_LOG_LEVEL_MESSAGE, "*not valid JSON*");

  lab_client_connect (client);
  wait_for_value (client, 7);
  g_test_assert_expected_messages ();

  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);
  g_assert_null (lab_client_get_last_error (client));
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (errors, 0), ==, "nope");

  /* The tiny server never counts users: that stays unknown. */
  g_assert_cmpuint (lab_client_get_users (client), ==, 0);

  g_signal_handlers_disconnect_by_data (client, errors);
  g_clear_object (&client);
  tiny_server_stop (&tiny);
}

static void
test_server_closes (void)
{
  static const char * const script[] = { NULL };
  TinyServer tiny = { 0 };
  g_autofree char *url = tiny_server_start (&tiny, script, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  g_autoptr(LabClient) client = lab_client_new (url, NULL);

  lab_client_connect (client);
  wait_for_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpstr (lab_client_get_last_error (client), ==,
                   "The server closed the connection (1008: policy violation)");

  g_clear_object (&client);
  tiny_server_stop (&tiny);
}

/* Failures */

typedef struct
{
  gint64         entered[8];
  LabClientState states[8];
  guint          n;
  guint          n_waiting;
  guint          max_retry_in;
  guint          retry_in[32];
  guint          n_retry_in;
} Transitions;

static void
record_state_cb (LabClient   *client,
                 GParamSpec  *pspec,
                 Transitions *transitions)
{
  LabClientState state = lab_client_get_state (client);

  if (transitions->n < G_N_ELEMENTS (transitions->states))
    {
      transitions->entered[transitions->n] = g_get_monotonic_time ();
      transitions->states[transitions->n] = state;
      transitions->n++;
    }

  if (state == LAB_CLIENT_STATE_WAITING_TO_RECONNECT)
    transitions->n_waiting++;
}

static void
record_retry_in_cb (LabClient   *client,
                    GParamSpec  *pspec,
                    Transitions *transitions)
{
  guint retry_in = lab_client_get_retry_in (client);

  transitions->max_retry_in = MAX (transitions->max_retry_in, retry_in);
  if (transitions->n_retry_in < G_N_ELEMENTS (transitions->retry_in))
    transitions->retry_in[transitions->n_retry_in++] = retry_in;
}

/* A wait of about 2 s shows 2 (or 3), then one less each second, then 0. */
static gboolean
counted_down (Transitions *transitions)
{
  for (guint i = 0; i + 2 < transitions->n_retry_in; i++)
    {
      guint *r = &transitions->retry_in[i];

      if (r[0] >= 2 && r[1] == r[0] - 1 && (r[0] > 2 || r[2] == 0))
        return TRUE;
    }

  return FALSE;
}

static gboolean
waited_three_times (gpointer data)
{
  return ((Transitions *) data)->n_waiting >= 3;
}

static gboolean
tried_four_times (gpointer data)
{
  return ((Transitions *) data)->n_waiting >= 4;
}

/* How long the client waited after its n-th failure (from 1). */
static gint64
wait_after_failure (Transitions *transitions,
                    guint        n)
{
  guint seen = 0;

  for (guint i = 0; i + 1 < transitions->n; i++)
    {
      if (transitions->states[i] != LAB_CLIENT_STATE_WAITING_TO_RECONNECT || ++seen != n)
        continue;

      g_assert_cmpint (transitions->states[i + 1], ==, LAB_CLIENT_STATE_CONNECTING);
      return transitions->entered[i + 1] - transitions->entered[i];
    }

  g_assert_not_reached ();
}

static void
test_refused (void)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/", unused_port ());
  g_autoptr(LabClient) client = lab_client_new (url, NULL);
  Transitions transitions = { 0 };
  gint64 first;
  gint64 second;

  g_signal_connect (client, "notify::state", G_CALLBACK (record_state_cb), &transitions);
  g_signal_connect (client, "notify::retry-in", G_CALLBACK (record_retry_in_cb), &transitions);

  lab_client_connect (client);
  wait_for_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpstr (lab_client_get_last_error (client), ==,
                   "Connection refused: is the server running?");
  g_assert_cmpuint (lab_client_get_retry_in (client), ==, 1);
  g_assert_false (lab_client_plus (client));

  g_assert_true (lab_test_wait_until (waited_three_times, &transitions, LAB_TEST_TIMEOUT_MS));

  first = wait_after_failure (&transitions, 1);
  second = wait_after_failure (&transitions, 2);
  g_test_message ("waited %" G_GINT64_FORMAT " ms, then %" G_GINT64_FORMAT " ms",
                  first / G_TIME_SPAN_MILLISECOND, second / G_TIME_SPAN_MILLISECOND);

  /* 0.5 s ± 20 %, then 1 s ± 20 %: the second is always the longer. */
  g_assert_cmpint (first, >=, 390 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (second, >=, 790 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (second, >, first);
  g_assert_cmpint (second, <=, 30 * G_TIME_SPAN_SECOND);

  /* The third wait is long enough to watch :retry-in count down by the second. */
  g_assert_true (lab_test_wait_until (tried_four_times, &transitions, LAB_TEST_TIMEOUT_MS));
  g_assert_true (counted_down (&transitions));
  g_assert_cmpuint (transitions.max_retry_in, >=, 2);
  g_assert_cmpuint (transitions.max_retry_in, <=, 30);
  g_assert_cmpstr (lab_client_get_last_error (client), ==,
                   "Connection refused: is the server running?");

  g_signal_handlers_disconnect_by_data (client, &transitions);
}

static void
test_not_websocket (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *page_url = lab_test_url (server, "/time.html");
  g_autofree char *missing_url = lab_test_url (server, "/missing");
  g_autoptr(LabClient) client = lab_client_new (page_url, NULL);

  lab_client_connect (client);
  wait_for_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpstr (lab_client_get_last_error (client), ==, "Not a WebSocket server (HTTP 200)");
  g_assert_false (lab_client_get_has_value (client));

  lab_client_set_counter_url (client, missing_url);
  wait_for_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_assert_cmpstr (lab_client_get_last_error (client), ==, "Not a WebSocket server (HTTP 404)");
}

static void
test_invalid_url (void)
{
  static const char * const urls[] = { "", "hello", "ws://", "ftp://127.0.0.1/", " ws://a/" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(LabClient) client = lab_client_new (urls[i], NULL);

      g_test_message ("url: “%s”", urls[i]);
      lab_client_connect (client);
      g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
      g_assert_nonnull (lab_client_get_last_error (client));
      g_assert_false (lab_client_plus (client));
    }
}

/* Trying again would not fix a bad address: no reconnect loop. */
static void
test_invalid_url_no_retry (void)
{
  g_autoptr(LabClient) client = lab_client_new ("not a url", NULL);
  Transitions transitions = { 0 };

  g_signal_connect (client, "notify::state", G_CALLBACK (record_state_cb), &transitions);
  lab_client_connect (client);
  lab_test_run_for (800);
  g_assert_cmpuint (transitions.n_waiting, ==, 0);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);
  g_signal_handlers_disconnect_by_data (client, &transitions);
}

static void
test_url_change (void)
{
  g_autoptr(LabServer) first = lab_test_server_new_started ();
  g_autoptr(LabServer) second = lab_test_server_new_started ();
  g_autoptr(LabClient) client = client_new_connected (first, FALSE);
  g_autofree char *second_url = lab_test_url (second, "/");

  server_apply (second, LAB_ACTION_MINUS);
  wait_for_value (client, 0);

  lab_client_set_counter_url (client, second_url);
  wait_for_value (client, -1);
  wait_for_peers (first, 0);
  wait_for_peers (second, 1);

  g_clear_object (&client);
  wait_for_peers (second, 0);
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
  client = client_new_connected (server, TRUE);
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
  wait_for_peers (server, 2);

  g_signal_handlers_disconnect_by_data (timestamps, &watch);
  g_clear_object (&client);
  wait_for_peers (server, 0);
}

static void
test_no_time_url (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(LabClient) client = client_new_connected (server, FALSE);

  lab_test_run_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_peers (server)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (lab_client_get_timestamps (client)), ==, 0);

  /* Set later while connected: the stream starts; cleared: it stops. */
  {
    g_autofree char *time_url = lab_test_url (server, "/time");

    lab_client_set_time_url (client, time_url);
    wait_for_peers (server, 2);
    lab_client_set_time_url (client, "");
    wait_for_peers (server, 1);
  }

  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);

  g_clear_object (&client);
  wait_for_peers (server, 0);
}

/* The time stream reconnects on its own, and its failures leave :state alone. */
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
  wait_for_value (client, 0);
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
  g_clear_object (&client);
  wait_for_peers (server, 0);
  wait_for_peers (counter_only, 0);
}

/* Teardown */

static void
test_dispose_while_busy (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autofree char *url = lab_test_url (server, "/");
  g_autofree char *time_url = lab_test_url (server, "/time");
  g_autofree char *refused_url = g_strdup_printf ("ws://127.0.0.1:%u/", unused_port ());
  LabClient *client;

  /* Connecting */
  client = lab_client_new (url, time_url);
  lab_client_connect (client);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTING);
  g_object_unref (client);
  lab_test_run_for (200);
  wait_for_peers (server, 0);

  /* Connected */
  client = client_new_connected (server, TRUE);
  wait_for_peers (server, 2);
  g_object_unref (client);
  wait_for_peers (server, 0);

  /* Waiting to reconnect: the retry and the countdown must not fire. */
  client = lab_client_new (refused_url, NULL);
  lab_client_connect (client);
  wait_for_state (client, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
  g_object_unref (client);
  lab_test_run_for (1000);

  /* Disconnected after connecting: same, by the explicit way. */
  client = client_new_connected (server, TRUE);
  lab_client_disconnect (client);
  wait_for_peers (server, 0);
  g_object_unref (client);

  /* Lets the client side of those closing handshakes finish too. */
  lab_test_run_for (200);
}

/* A server that completes the handshake and then never answers: a laptop
 * closed, a phone gone from the Wi-Fi. It runs in a thread of its own. */
static gboolean
black_hole_cb (GThreadedSocketService *service,
               GSocketConnection      *connection,
               GObject                *source_object,
               gpointer                user_data)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *key = NULL;
  g_autofree char *accept = NULL;
  g_autofree char *response = NULL;
  guint8 digest[20];
  gsize digest_length = sizeof digest;
  char buffer[1024];
  const char *line;

  while (strstr (request->str, "\r\n\r\n") == NULL)
    {
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL);

      if (n <= 0)
        return TRUE;
      g_string_append_len (request, buffer, n);
    }

  line = strstr (request->str, "Sec-WebSocket-Key: ");
  g_assert_nonnull (line);
  key = g_strndup (line + strlen ("Sec-WebSocket-Key: "), strcspn (line + strlen ("Sec-WebSocket-Key: "), "\r"));
  g_checksum_update (checksum, (const guchar *) key, -1);
  g_checksum_update (checksum, (const guchar *) "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", -1);
  g_checksum_get_digest (checksum, digest, &digest_length);
  accept = g_base64_encode (digest, digest_length);
  response = g_strdup_printf ("HTTP/1.1 101 Switching Protocols\r\n"
                              "Upgrade: websocket\r\n"
                              "Connection: Upgrade\r\n"
                              "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
  g_output_stream_write_all (output, response, strlen (response), NULL, NULL, NULL);

  /* Reads the pings, answers nothing, until the client gives up. */
  while (g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL) > 0)
    ;

  return TRUE;
}

static gboolean
stopped_answering (gpointer data)
{
  return lab_client_get_state (data) == LAB_CLIENT_STATE_WAITING_TO_RECONNECT;
}

static gboolean
connected_or_waiting (gpointer data)
{
  return lab_client_get_state (data) != LAB_CLIENT_STATE_CONNECTING &&
         lab_client_get_state (data) != LAB_CLIENT_STATE_DISCONNECTED;
}

static void
test_silent_server (void)
{
  g_autoptr(GSocketService) service = g_threaded_socket_service_new (2);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(LabClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "run", G_CALLBACK (black_hole_cb), NULL);
  g_socket_service_start (service);
  url = g_strdup_printf ("ws://127.0.0.1:%u/", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  client = lab_client_new (url, NULL);
  lab_client_set_keepalive_interval (client, 1);
  lab_client_connect (client);

  g_assert_true (lab_test_wait_until (connected_or_waiting, client, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);

  /* Three silent intervals later it says so and tries again. */
  g_assert_true (lab_test_wait_until (stopped_answering, client, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpstr (lab_client_get_last_error (client), ==, "The server stopped answering");

  lab_client_disconnect (client);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/client/timestamp-list", test_timestamp_list);
  g_test_add_func ("/client/backoff", test_backoff);
  g_test_add_func ("/client/connect", test_connect);
  g_test_add_func ("/client/plus-minus", test_plus_minus);
  g_test_add_func ("/client/users", test_users);
  g_test_add_func ("/client/plus-while-disconnected", test_plus_while_disconnected);
  g_test_add_func ("/client/reconnect", test_reconnect);
  g_test_add_func ("/client/server-error-and-unknown-events", test_server_error_and_unknown_events);
  g_test_add_func ("/client/server-closes", test_server_closes);
  g_test_add_func ("/client/refused", test_refused);
  g_test_add_func ("/client/not-websocket", test_not_websocket);
  g_test_add_func ("/client/invalid-url", test_invalid_url);
  g_test_add_func ("/client/invalid-url-no-retry", test_invalid_url_no_retry);
  g_test_add_func ("/client/url-change", test_url_change);
  g_test_add_func ("/client/time", test_time);
  g_test_add_func ("/client/no-time-url", test_no_time_url);
  g_test_add_func ("/client/time-reconnects", test_time_reconnects);
  g_test_add_func ("/client/dispose-while-busy", test_dispose_while_busy);
  g_test_add_func ("/client/silent-server", test_silent_server);

  return g_test_run ();
}
