/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "lab-inspector-test-utils.h"

/* The Inspector on what a hand-written client puts on the wire: RFC 6455's
 * sample key, a message in three fragments, a 16-bit length, and a socket
 * that just goes away (1006). */

typedef InspectorScene Scene;

static gboolean
shows_client_frames (gpointer data)
{
  Scene *scene = data;
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (inspector_shown (scene)); i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (inspector_shown (scene), i);

      n += lab_frame_get_direction (frame) == LAB_FRAME_CLIENT_TO_SERVER;
    }

  return n >= 4;
}

/* The @nth frame the client sent, oldest first, as the list shows it. */
static LabFrame *
client_frame (Scene *scene,
              guint  nth)
{
  guint n = g_list_model_get_n_items (inspector_shown (scene));

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (inspector_shown (scene), i - 1);

      if (lab_frame_get_direction (frame) == LAB_FRAME_CLIENT_TO_SERVER && nth-- == 0)
        return g_steal_pointer (&frame);
    }

  g_assert_not_reached ();
}

static gboolean
shows_1006 (gpointer data)
{
  Scene *scene = data;

  return strstr (lab_inspector_get_state_text (scene->inspector), "1006") != NULL;
}

static gboolean
shows_going_away (gpointer data)
{
  Scene *scene = data;
  const char *state = lab_inspector_get_state_text (scene->inspector);

  return strstr (state, "1001") != NULL && strstr (state, "going away") != NULL;
}

static void
inspector_shows_fragments_and_lengths (LabApplication *app)
{
  Scene scene = { 0 };
  LabServer *server = lab_ui_test_get_server (app);
  LabFrameDiagram *diagram;
  g_autoptr(GSocket) raw = NULL;
  g_autoptr(LabPeer) peer = NULL;
  g_autoptr(LabPeer) own_client = NULL;
  g_autoptr(LabFrame) first = NULL;
  g_autoptr(LabFrame) middle = NULL;
  g_autoptr(LabFrame) last = NULL;
  g_autoptr(LabFrame) long_one = NULL;
  g_autofree char *steps = NULL;
  g_autofree char *padded = NULL;
  g_autofree char *first_message = NULL;
  g_autofree char *middle_message = NULL;
  g_autofree char *last_message = NULL;

  inspector_scene_init (&scene, app);
  diagram = lab_frame_detail_get_diagram (lab_frames_view_get_detail (scene.frames_view));

  /* First the window's own client, as the server sees it, closed from the
   * Close menu: the code, who sent it and what it means show. */
  own_client = wait_peer_on (server, "/");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.window), "win.inspect-peer", "u",
                                             lab_peer_get_id (own_client)));
  g_assert_true (lab_peer_get_capture (own_client));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.inspector), "inspector.close", "q", 1001));
  g_assert_true (lab_test_wait_until (shows_going_away, &scene, LAB_TEST_TIMEOUT_MS));
  g_test_message ("Inspector: %s", lab_inspector_get_state_text (scene.inspector));

  /* Then the hand-written one: only the connection shown records its frames. */
  raw = lab_test_raw_connect (lab_server_get_bound_port (server), "/counter", 0);
  peer = wait_peer_on (server, "/counter");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.window), "win.inspect-peer", "u",
                                             lab_peer_get_id (peer)));
  g_assert_true (lab_peer_get_capture (peer));
  g_assert_false (lab_peer_get_capture (own_client));

  /* RFC 6455's own sample, checked. */
  steps = lab_handshake_view_dup_steps (lab_inspector_get_handshake_view (scene.inspector));
  g_assert_nonnull (strstr (steps, "dGhlIHNhbXBsZSBub25jZQ=="));
  g_assert_nonnull (strstr (steps, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
  g_assert_cmpstr (lab_handshake_view_get_verdict_mark (lab_inspector_get_handshake_view (scene.inspector)), ==, "✓");

  /* {"action":"plus"} in three fragments, then 300 bytes: a 16-bit length. */
  lab_test_raw_send_frame (raw, 0x1, FALSE, "{\"act", 5);
  lab_test_raw_send_frame (raw, 0x0, FALSE, "ion\":\"pl", 8);
  lab_test_raw_send_frame (raw, 0x0, TRUE, "us\"}", 4);
  padded = g_strnfill (300, 'x');
  lab_test_raw_send_frame (raw, 0x1, TRUE, padded, 300);
  g_assert_true (lab_test_wait_until (shows_client_frames, &scene, LAB_TEST_TIMEOUT_MS));

  first = client_frame (&scene, 0);
  middle = client_frame (&scene, 1);
  last = client_frame (&scene, 2);
  long_one = client_frame (&scene, 3);

  /* One message number for the three, each fragment marked. */
  first_message = g_strdup_printf ("#%" G_GUINT64_FORMAT " · part 1", lab_frame_get_message_index (first));
  middle_message = g_strdup_printf ("#%" G_GUINT64_FORMAT " · part 2", lab_frame_get_message_index (first));
  last_message = g_strdup_printf ("#%" G_GUINT64_FORMAT " · part 3, last", lab_frame_get_message_index (first));
  inspector_assert_cell (&scene, first, "message", first_message);
  inspector_assert_cell (&scene, middle, "message", middle_message);
  inspector_assert_cell (&scene, last, "message", last_message);
  inspector_assert_cell (&scene, first, "fin", "0");
  inspector_assert_cell (&scene, middle, "opcode", "0 continuation");
  inspector_assert_cell (&scene, last, "fin", "1");
  inspector_assert_cell (&scene, long_one, "length", "300 (16-bit)");

  inspector_select_frame (&scene, middle);
  assert_bits (diagram, "fin", "0");
  assert_bits (diagram, "opcode", "0000");
  assert_bits (diagram, "masking-key", "00010010001101000101011001111000");

  inspector_select_frame (&scene, long_one);
  assert_bits (diagram, "payload-len", "1111110");
  assert_bits (diagram, "extended-length", "0000000100101100");

  /* Gone without a close frame: 1006, which no one ever sends. */
  g_socket_close (raw, NULL);
  g_assert_true (lab_test_wait_until (shows_1006, &scene, LAB_TEST_TIMEOUT_MS));
  g_test_message ("Inspector: %s", lab_inspector_get_state_text (scene.inspector));
}

static void
test_inspector_shows_fragments_and_lengths (void)
{
  run_app (inspector_shows_fragments_and_lengths, "--port", "0", NULL);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/inspector/shows-fragments-and-lengths", test_inspector_shows_fragments_and_lengths);

  return g_test_run ();
}
