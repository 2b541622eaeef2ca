/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-inspector-test-utils.h"

/* The Inspector on this window's own client: the same connection the server
 * sees, from the other end. Its handshake is the one the server answered, a
 * click goes out masked and the state comes back unmasked, a ping of its own
 * gets a round trip, and a reconnect brings a new handshake. */

typedef InspectorScene Scene;

/* The window's client as the server sees it: the counter connection whose
 * key is the one the client sent. */
static LabPeer *
server_side_of (LabServer    *server,
                LabHandshake *client_handshake)
{
  GListModel *peers = lab_server_get_peers (server);

  for (guint i = 0; i < g_list_model_get_n_items (peers); i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (peers, i);

      if (g_strcmp0 (lab_handshake_get_key (lab_peer_get_handshake (peer)),
                     lab_handshake_get_key (client_handshake)) == 0)
        return g_steal_pointer (&peer);
    }

  return NULL;
}

static gboolean
has_rtt (gpointer data)
{
  return lab_inspected_connection_get_pong_rtt (data) >= 0;
}

typedef struct
{
  LabInspectedConnection *connection;
  LabHandshake           *before;
} NewHandshake;

static gboolean
handshake_changed (gpointer data)
{
  NewHandshake *wanted = data;
  LabHandshake *now = lab_inspected_connection_get_handshake (wanted->connection);

  return now != NULL && now != wanted->before;
}

static void
inspector_follows_own_client (LabApplication *app)
{
  Scene scene = { 0 };
  LabServer *server = lab_ui_test_get_server (app);
  LabInspectedConnection *connection;
  g_autoptr(LabHandshake) handshake = NULL;
  g_autoptr(LabPeer) peer = NULL;
  g_autofree char *steps = NULL;
  g_autoptr(LabFrame) click = NULL;
  int at;
  NewHandshake wanted;

  scene.window = first_window (app);
  scene.inspector = lab_window_get_inspector (scene.window);
  scene.frames_view = lab_inspector_get_frames_view (scene.inspector);
  wait_ready (scene.window);

  /* The client half's Inspect button. */
  g_assert_nonnull (find_actionable (GTK_WIDGET (lab_window_get_client_pane (scene.window)),
                                     "win.inspect-client"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.window), "win.inspect-client", NULL));
  connection = lab_inspector_get_connection (scene.inspector);
  g_assert_nonnull (connection);
  g_assert_true (lab_inspected_connection_get_source (connection) ==
                 G_OBJECT (lab_window_get_client (scene.window)));
  g_assert_true (g_str_has_prefix (lab_inspected_connection_get_title (connection), "This window's client"));
  g_assert_true (lab_inspected_connection_get_open (connection));

  /* The handshake it sent, checked, and the very one the server answered. */
  handshake = g_object_ref (lab_inspected_connection_get_handshake (connection));
  g_assert_true (lab_handshake_checks_out (handshake));
  peer = server_side_of (server, handshake);
  g_assert_nonnull (peer);
  g_assert_cmpstr (lab_handshake_get_accept_sent (handshake), ==,
                   lab_handshake_get_accept_sent (lab_peer_get_handshake (peer)));
  steps = lab_handshake_view_dup_steps (lab_inspector_get_handshake_view (scene.inspector));
  g_assert_nonnull (strstr (steps, lab_handshake_get_key (handshake)));

  /* A click: out masked, the state back unmasked. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.window), "win.plus", NULL));
  inspector_wait_frame_shown (&scene, LAB_FRAME_CLIENT_TO_SERVER, 1);
  inspector_wait_frame_shown (&scene, LAB_FRAME_SERVER_TO_CLIENT, 1);
  at = inspector_find_shown (&scene, LAB_FRAME_CLIENT_TO_SERVER, 1);
  click = g_list_model_get_item (inspector_shown (&scene), (guint) at);
  g_assert_true (lab_frame_get_masked (click));
  {
    g_autoptr(GBytes) payload = lab_frame_dup_payload (click);
    g_autoptr(GBytes) expected = g_bytes_new_static ("{\"action\":\"plus\"}", 17);

    g_assert_true (g_bytes_equal (payload, expected));
  }
  inspector_assert_cell (&scene, click, "mask", "1");

  /* Its own ping, and the server's pong's round trip. */
  g_assert_true (lab_inspected_connection_ping_now (connection));
  g_assert_true (lab_test_wait_until (has_rtt, connection, LAB_TEST_TIMEOUT_MS));
  inspector_wait_frame_shown (&scene, LAB_FRAME_CLIENT_TO_SERVER, 9);
  inspector_wait_frame_shown (&scene, LAB_FRAME_SERVER_TO_CLIENT, 10);

  /* The server drops it: the client reconnects, with a new handshake. */
  wanted.connection = connection;
  wanted.before = handshake;
  g_assert_true (lab_peer_close (peer, 4001, "reconnect, please", NULL));
  g_assert_true (lab_test_wait_until (handshake_changed, &wanted, LAB_TEST_TIMEOUT_MS));
  g_assert_true (lab_handshake_checks_out (lab_inspected_connection_get_handshake (connection)));
  g_assert_cmpstr (lab_handshake_get_key (lab_inspected_connection_get_handshake (connection)), !=,
                   lab_handshake_get_key (handshake));
  {
    g_autofree char *new_steps = lab_handshake_view_dup_steps (lab_inspector_get_handshake_view (scene.inspector));

    /* The Handshake page follows. */
    g_assert_nonnull (strstr (new_steps, lab_handshake_get_key (lab_inspected_connection_get_handshake (connection))));
  }
}

static void
test_inspector_follows_own_client (void)
{
  run_app (inspector_follows_own_client, "--port", "0", NULL);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/inspector/follows-own-client", test_inspector_follows_own_client);

  return g_test_run ();
}
