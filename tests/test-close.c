/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-client-private.h"
#include "lab-close-code.h"
#include "lab-peer-private.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"

/* Closing with a chosen code between a real LabClient and LabServer, in both
 * directions; both sides say who closed and what each received, with the
 * code's meaning; a connection that vanishes shows 1006. */

typedef LabTestServerFixture Fixture;

static LabPeer *
dup_only_peer (LabServer *server)
{
  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_peers (server)), ==, 1);
  return g_list_model_get_item (lab_server_get_peers (server), 0);
}

static void
answered_cb (LabClient *client,
             gboolean  *answered)
{
  *answered = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_client_closes_with_code (Fixture       *fixture,
                              gconstpointer  data)
{
  LabClient *client = lab_test_client_new_connected (fixture->server, FALSE);
  g_autoptr(LabPeer) peer = dup_only_peer (fixture->server);
  g_autoptr(GError) error = NULL;
  g_autofree char *client_says = NULL;
  g_autofree char *server_says = NULL;
  gboolean answered = FALSE;

  g_signal_connect (client, "close-answered", G_CALLBACK (answered_cb), &answered);
  g_assert_true (lab_client_close (client, 4001, "lesson over", &error));
  g_assert_no_error (error);
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_DISCONNECTED);

  g_assert_true (lab_test_wait_until (is_true, &answered, LAB_TEST_TIMEOUT_MS));
  lab_test_wait_peers (fixture->server, 0);

  /* What the server received, and what it answered */
  g_assert_cmpuint (lab_peer_get_close_code_received (peer), ==, 4001);
  server_says = lab_peer_describe_close (peer);
  g_assert_cmpstr (server_says, ==,
                   "the client closed with 4001, “lesson over”; the server answered 4001, “lesson over”");

  g_assert_cmpuint (lab_client_get_close_code_received (client), ==, 4001);
  client_says = lab_client_describe_close (client);
  g_assert_cmpstr (client_says, ==,
                   "the client closed with 4001, “lesson over”; the server answered 4001, “lesson over”");

  lab_test_client_free (client);
}

static gboolean
client_heard_close (gpointer data)
{
  return lab_client_get_close_code_received (data) != 0;
}

static void
test_server_closes_with_code (Fixture       *fixture,
                              gconstpointer  data)
{
  LabClient *client = lab_test_client_new_connected (fixture->server, FALSE);
  g_autoptr(LabPeer) peer = dup_only_peer (fixture->server);
  g_autoptr(GError) error = NULL;
  g_autofree char *client_says = NULL;
  g_autofree char *server_says = NULL;

  g_assert_true (lab_peer_close (peer, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "be kind", &error));
  g_assert_no_error (error);

  /* Before the client's reconnect, which begins a new story, half a second on. */
  g_assert_true (lab_test_wait_until (client_heard_close, client, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (lab_client_get_close_code_received (client), ==, 1008);
  g_assert_cmpstr (lab_client_get_close_reason_received (client), ==, "be kind");
  client_says = lab_client_describe_close (client);
  g_assert_cmpstr (client_says, ==,
                   "the server closed with 1008: policy violation, “be kind”; "
                   "the client answered 1008: policy violation, “be kind”");

  g_assert_true (lab_test_wait_until ((LabTestCondition) lab_peer_get_close_code_received, peer,
                                      LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (lab_peer_get_close_code_received (peer), ==, 1008);
  server_says = lab_peer_describe_close (peer);
  g_assert_cmpstr (server_says, ==,
                   "the server closed with 1008: policy violation, “be kind”; "
                   "the client answered 1008: policy violation, “be kind”");

  lab_client_disconnect (client);
  lab_test_client_free (client);
}

static void
test_codes_are_checked (Fixture       *fixture,
                        gconstpointer  data)
{
  LabClient *client = lab_test_client_new_connected (fixture->server, FALSE);
  g_autoptr(LabPeer) peer = dup_only_peer (fixture->server);
  g_autofree char *long_reason = g_strnfill (LAB_CLOSE_REASON_MAX + 1, 'r');
  static const gushort refused[] = { 0, 999, 1002, 1005, 1006, 1011, 1015, 3000, 3999, 5000 };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) client_error = NULL;
      g_autoptr(GError) peer_error = NULL;

      g_assert_false (lab_client_close (client, refused[i], NULL, &client_error));
      g_assert_error (client_error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_false (lab_peer_close (peer, refused[i], NULL, &peer_error));
      g_assert_error (peer_error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (lab_close_code_check_sendable (4000, long_reason, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  g_assert_true (lab_close_code_check_sendable (1000, NULL, NULL));
  g_assert_true (lab_close_code_check_sendable (1001, "", NULL));
  g_assert_true (lab_close_code_check_sendable (4999, "ok", NULL));

  /* Nothing was sent: still open on both sides. */
  g_assert_true (lab_peer_is_open (peer));
  g_assert_null (lab_peer_describe_close (peer));
  g_assert_cmpint (lab_client_get_state (client), ==, LAB_CLIENT_STATE_CONNECTED);

  lab_client_disconnect (client);
  lab_test_client_free (client);
}

static void
test_abrupt_drop_is_1006 (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GSocket) raw = NULL;
  g_autoptr(LabPeer) peer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_says = NULL;

  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  peer = dup_only_peer (fixture->server);
  g_assert_cmpuint (lab_peer_get_close_code_received (peer), ==, 0);

  g_socket_close (raw, &error);
  g_assert_no_error (error);
  lab_test_wait_peers (fixture->server, 0);

  g_assert_cmpuint (lab_peer_get_close_code_received (peer), ==, 1006);
  server_says = lab_peer_describe_close (peer);
  g_assert_true (g_str_has_prefix (server_says, "1006: closed without a closing handshake, no close frame ("));

  /* The log's leave line says the same. */
  {
    LabBoundedList *log = lab_server_get_event_log (fixture->server);
    guint n = g_list_model_get_n_items (G_LIST_MODEL (log));
    g_autoptr(LabEvent) last = g_list_model_get_item (G_LIST_MODEL (log), n - 1);
    g_autofree char *line = lab_event_describe (last);

    g_assert_cmpint (lab_event_get_kind (last), ==, LAB_EVENT_LEAVE);
    g_assert_cmpuint (lab_event_get_code (last), ==, 1006);
    g_assert_nonnull (strstr (line, "close code 1006: closed without a closing handshake, "));
  }
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

#define ADD LAB_TEST_ADD_WITH_SERVER

  ADD ("/close/client-closes-with-code", test_client_closes_with_code);
  ADD ("/close/server-closes-with-code", test_server_closes_with_code);
  ADD ("/close/codes-are-checked", test_codes_are_checked);
  ADD ("/close/abrupt-drop-is-1006", test_abrupt_drop_is_1006);

#undef ADD

  return g_test_run ();
}
