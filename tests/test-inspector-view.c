/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-close-dialog.h"
#include "lab-peer-row.h"
#include "lab-inspector-test-utils.h"

/* The Inspector in the real window under Xvfb, driven as a person drives it:
 * a real client connects to the app's server, Inspect in Connected Clients
 * picks it, and what the Inspector shows is checked against what crossed the
 * wire: the handshake and its derivation, the frames and their bits, the
 * filters, Pause and Clear, a ping's round trip, the export, and a close. */

typedef InspectorScene Scene;

static LabPeerRow *
find_peer_row (GtkWidget *widget,
               guint      peer_id)
{
  if (LAB_IS_PEER_ROW (widget) && lab_peer_row_get_peer (LAB_PEER_ROW (widget)) != NULL &&
      lab_peer_get_id (lab_peer_row_get_peer (LAB_PEER_ROW (widget))) == peer_id)
    return LAB_PEER_ROW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      LabPeerRow *found = find_peer_row (child, peer_id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  Scene      *scene;
  LabPeerRow *row;
} RowWanted;

static gboolean
peer_row_shown (gpointer data)
{
  RowWanted *wanted = data;

  wanted->row = find_peer_row (GTK_WIDGET (lab_window_get_server_pane (wanted->scene->window)),
                               wanted->scene->peer_id);
  return wanted->row != NULL && gtk_widget_get_mapped (GTK_WIDGET (wanted->row));
}

static LabPeerRow *
wait_peer_row (Scene *scene)
{
  RowWanted wanted = { scene, NULL };

  g_assert_true (lab_test_wait_until (peer_row_shown, &wanted, LAB_TEST_TIMEOUT_MS));
  return wanted.row;
}

static const char *
visible_page (Scene *scene)
{
  AdwViewStack *stack = ADW_VIEW_STACK (gtk_widget_get_ancestor (GTK_WIDGET (scene->inspector),
                                                                 ADW_TYPE_VIEW_STACK));

  return adw_view_stack_get_visible_child_name (stack);
}

static void
assert_inspector_tab (Scene *scene)
{
  AdwViewStack *stack = ADW_VIEW_STACK (gtk_widget_get_ancestor (GTK_WIDGET (scene->inspector),
                                                                 ADW_TYPE_VIEW_STACK));
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (stack);
  const char *title = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (gtk_widget_is_ancestor (GTK_WIDGET (scene->inspector), adw_view_stack_page_get_child (page)))
        title = adw_view_stack_page_get_title (page);
    }

  /* The tab a person (or a screen reader) finds it by. */
  g_assert_cmpstr (title, ==, "Inspector");
}

/* Steps */

static void
open_inspector_and_pick (Scene          *scene,
                         LabApplication *app)
{
  LabServer *server = lab_ui_test_get_server (app);
  g_autoptr(LabPeer) peer = NULL;
  LabPeerRow *row;
  GtkWidget *inspect;

  /* Empty at first, saying how to pick a connection. */
  assert_inspector_tab (scene);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->window), "win.toggle-inspector", NULL));
  g_assert_cmpstr (visible_page (scene), ==, "inspector");
  g_assert_null (lab_inspector_get_connection (scene->inspector));

  scene->client = lab_test_connect_path (server, "/counter");
  peer = wait_peer_on (server, "/counter");
  scene->peer_id = lab_peer_get_id (peer);
  g_assert_false (lab_peer_get_capture (peer));

  /* Back to Connected Clients, and Inspect on its row. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->window), "win.show-page", "s", "lab"));
  row = wait_peer_row (scene);
  inspect = find_actionable (GTK_WIDGET (row), "win.inspect-peer");
  g_assert_nonnull (inspect);
  /* A click (activate would wait a quarter of a second to show the press). */
  g_signal_emit_by_name (inspect, "clicked");

  g_assert_cmpstr (visible_page (scene), ==, "inspector");
  g_assert_nonnull (lab_inspector_get_connection (scene->inspector));
  g_assert_true (lab_inspected_connection_get_source (lab_inspector_get_connection (scene->inspector)) ==
                 G_OBJECT (peer));
  /* Capture is on for this connection only. */
  g_assert_true (lab_peer_get_capture (peer));
  g_assert_cmpstr (lab_inspector_get_state_text (scene->inspector), ==, "Open");
}

static void
handshake_shows_derivation (Scene *scene)
{
  LabHandshakeView *view = lab_inspector_get_handshake_view (scene->inspector);
  LabHandshake *handshake = lab_inspected_connection_get_handshake (lab_inspector_get_connection (scene->inspector));
  g_autofree char *request = lab_handshake_view_dup_request (view);
  g_autofree char *response = lab_handshake_view_dup_response (view);
  g_autofree char *steps = lab_handshake_view_dup_steps (view);
  g_autofree char *concatenated = NULL;
  g_autofree char *sha1 = NULL;
  const char *key = lab_handshake_get_key (handshake);
  g_autofree char *expected = lab_handshake_derive_accept (key, &concatenated, &sha1);

  lab_inspector_show_page (scene->inspector, "handshake");

  g_assert_nonnull (strstr (request, "GET /counter HTTP/1.1"));
  g_assert_nonnull (strstr (request, "Sec-WebSocket-Key:"));
  g_assert_nonnull (strstr (request, key));
  g_assert_nonnull (strstr (response, "HTTP/1.1 101 Switching Protocols"));
  g_assert_nonnull (strstr (response, "Sec-WebSocket-Accept:"));

  /* Each step, with what it gives for this connection's key. */
  g_assert_nonnull (strstr (steps, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
  g_assert_nonnull (strstr (steps, concatenated));
  g_assert_nonnull (strstr (steps, sha1));
  g_assert_nonnull (strstr (steps, expected));
  g_assert_nonnull (strstr (response, expected));
  g_assert_cmpstr (lab_handshake_view_get_verdict_mark (view), ==, "✓");
  g_assert_nonnull (strstr (lab_handshake_view_get_verdict (view), "Matches"));
  inspector_save_png (scene, "inspector-handshake.png");

  lab_inspector_show_page (scene->inspector, "frames");
}

static void
selected_frame_shows_bits (Scene *scene)
{
  LabFrameDetail *detail = lab_frames_view_get_detail (scene->frames_view);
  LabFrameDiagram *diagram = lab_frame_detail_get_diagram (detail);
  g_autoptr(LabFrame) frame = NULL;
  g_autofree char *key = NULL;
  g_autofree char *opcode_meaning = NULL;
  g_autofree char *direction = NULL;
  g_autofree char *opcode_cell = NULL;
  int position;

  /* A click on + in a client: its frame, and the server's answer. */
  soup_websocket_connection_send_text (scene->client, "{\"action\":\"plus\"}");
  inspector_wait_frame_shown (scene, LAB_FRAME_CLIENT_TO_SERVER, 1);
  inspector_wait_frame_shown (scene, LAB_FRAME_SERVER_TO_CLIENT, 1);

  position = inspector_find_shown (scene, LAB_FRAME_CLIENT_TO_SERVER, 1);
  frame = g_list_model_get_item (inspector_shown (scene), position);
  direction = lab_frames_view_dup_cell_text (scene->frames_view, frame, "direction");
  opcode_cell = lab_frames_view_dup_cell_text (scene->frames_view, frame, "opcode");
  g_assert_cmpstr (direction, ==, "client → server");
  g_assert_cmpstr (opcode_cell, ==, "1 text");

  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (lab_frames_view_get_shown (scene->frames_view)),
                                                  position, TRUE));

  assert_bits (diagram, "fin", "1");
  assert_bits (diagram, "rsv1", "0");
  assert_bits (diagram, "rsv2", "0");
  assert_bits (diagram, "rsv3", "0");
  assert_bits (diagram, "opcode", "0001");
  assert_bits (diagram, "mask", "1");
  /* {"action":"plus"} is 17 bytes: 0010001 in the 7-bit field, nothing more. */
  assert_bits (diagram, "payload-len", "0010001");
  assert_bits (diagram, "extended-length", "");
  opcode_meaning = lab_frame_diagram_dup_field_value (diagram, "opcode");
  g_assert_cmpstr (opcode_meaning, ==, "1: text");
  key = lab_frame_diagram_dup_field_bits (diagram, "masking-key");
  g_assert_cmpuint (strlen (key), ==, 32);

  /* The payload pretty-printed, and its bytes before and after unmasking. */
  g_assert_nonnull (strstr (lab_frame_detail_get_text (detail), "\"action\" : \"plus\""));
  g_assert_true (g_str_has_prefix (lab_frame_detail_get_unmasked_hex (detail), "7b 22 61"));
  g_assert_cmpstr (lab_frame_detail_get_wire_hex (detail), !=, lab_frame_detail_get_unmasked_hex (detail));
}

static gboolean caught_up (gpointer data);

static void
select_first_click (Scene *scene)
{
  for (guint i = g_list_model_get_n_items (inspector_shown (scene)); i > 0; i--)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (inspector_shown (scene), i - 1);

      if (lab_frame_get_direction (frame) == LAB_FRAME_CLIENT_TO_SERVER && lab_frame_get_opcode (frame) == 1)
        {
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (lab_frames_view_get_shown (scene->frames_view)),
                                           i - 1, TRUE);
          return;
        }
    }
}

static void
save_frames_screenshot (Scene *scene)
{
  if (g_getenv ("LAB_SCREENSHOT_DIR") == NULL)
    return;

  /* A few more clicks and their broadcasts, the first click's frame
   * selected, as in class. */
  soup_websocket_connection_send_text (scene->client, "{\"action\":\"plus\"}");
  lab_test_run_for (300);
  soup_websocket_connection_send_text (scene->client, "{\"action\":\"plus\"}");
  lab_test_run_for (300);
  g_assert_true (lab_test_wait_until (caught_up, scene, LAB_TEST_TIMEOUT_MS));
  select_first_click (scene);
  inspector_save_png (scene, "inspector.png");
}

static gboolean
all_shown_are (Scene             *scene,
               LabFrameDirection  direction)
{
  for (guint i = 0; i < g_list_model_get_n_items (inspector_shown (scene)); i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (inspector_shown (scene), i);

      if (lab_frame_get_direction (frame) != direction)
        return FALSE;
    }

  return TRUE;
}

static void
filter_by (Scene      *scene,
           const char *action,
           const char *value)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->frames_view), action, "s", value));
}

static void
filters_narrow_the_list (Scene *scene)
{
  guint all = g_list_model_get_n_items (inspector_shown (scene));

  filter_by (scene, "frames.direction", "server-to-client");
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), <, all);
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), >, 0);
  g_assert_true (all_shown_are (scene, LAB_FRAME_SERVER_TO_CLIENT));

  filter_by (scene, "frames.direction", "client-to-server");
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), >, 0);
  g_assert_true (all_shown_are (scene, LAB_FRAME_CLIENT_TO_SERVER));

  filter_by (scene, "frames.direction", "both");
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), ==, all);

  /* No control frame yet: the control filter leaves nothing. */
  filter_by (scene, "frames.kind", "control");
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), ==, 0);
  filter_by (scene, "frames.kind", "data");
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), ==, all);
}

static gboolean
shows_rtt (gpointer data)
{
  Scene *scene = data;
  LabPeerRow *row = find_peer_row (GTK_WIDGET (lab_window_get_server_pane (scene->window)), scene->peer_id);

  return g_str_has_suffix (lab_inspector_get_rtt_text (scene->inspector), " ms") &&
         row != NULL && g_str_has_suffix (lab_peer_row_get_rtt_text (row), " ms");
}

static void
ping_now_shows_rtt (Scene *scene)
{
  g_assert_cmpstr (lab_inspector_get_rtt_text (scene->inspector), ==, "—");

  /* Control frames only: the ping and the client's pong show. */
  filter_by (scene, "frames.kind", "control");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->inspector), "inspector.ping-now", NULL));
  g_assert_true (lab_test_wait_until (shows_rtt, scene, LAB_TEST_TIMEOUT_MS));
  inspector_wait_frame_shown (scene, LAB_FRAME_SERVER_TO_CLIENT, 9);
  inspector_wait_frame_shown (scene, LAB_FRAME_CLIENT_TO_SERVER, 10);
  filter_by (scene, "frames.kind", "all");
}

static guint
captured (Scene *scene)
{
  return g_list_model_get_n_items (lab_inspected_connection_get_frames (lab_inspector_get_connection (scene->inspector)));
}

static gboolean
captured_more (gpointer data)
{
  Scene *scene = data;

  return captured (scene) > g_list_model_get_n_items (inspector_shown (scene));
}

static gboolean
caught_up (gpointer data)
{
  Scene *scene = data;

  return captured (scene) == g_list_model_get_n_items (inspector_shown (scene));
}

static void
pause_freezes_the_list (Scene *scene)
{
  guint before;

  g_assert_true (lab_test_wait_until (caught_up, scene, LAB_TEST_TIMEOUT_MS));
  before = g_list_model_get_n_items (inspector_shown (scene));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->frames_view), "frames.pause", NULL));

  /* Capture goes on; the list stands still. */
  soup_websocket_connection_send_text (scene->client, "{\"action\":\"minus\"}");
  g_assert_true (lab_test_wait_until (captured_more, scene, LAB_TEST_TIMEOUT_MS));
  lab_test_run_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), ==, before);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->frames_view), "frames.pause", NULL));
  g_assert_true (lab_test_wait_until (caught_up, scene, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), >, before);
}

static void
export_writes_json_lines (Scene *scene)
{
  g_autofree char *folder = g_dir_make_tmp ("lab-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "frames.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint written;
  guint n_lines = 0;

  lab_frames_view_export_async (scene->frames_view, file, NULL, lab_test_keep_result_cb, &result);
  written = lab_frames_view_export_finish (scene->frames_view, lab_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, g_list_model_get_n_items (inspector_shown (scene)));

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (*lines[i] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      g_assert_true (json_object_has_member (json_node_get_object (json_parser_get_root (parser)), "opcode"));
      n_lines++;
    }
  g_assert_cmpuint (n_lines, ==, written);
  g_assert_nonnull (strstr (contents, "plus"));

  g_unlink (path);
  g_rmdir (folder);
}

static LabCloseDialog *
find_close_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (LAB_IS_CLOSE_DIALOG (window))
        return LAB_CLOSE_DIALOG (window);
    }

  return NULL;
}

static gboolean
closed_with_4001 (gpointer data)
{
  Scene *scene = data;

  return soup_websocket_connection_get_state (scene->client) == SOUP_WEBSOCKET_STATE_CLOSED &&
         strstr (lab_inspector_get_state_text (scene->inspector), "4001") != NULL;
}

static gboolean
log_says_4001 (gpointer data)
{
  Scene *scene = data;
  GListModel *events = lab_server_pane_get_shown_events (lab_window_get_server_pane (scene->window));

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      g_autofree char *text = lab_event_describe (event);

      if (strstr (text, "4001") != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
close_with_application_code (Scene *scene)
{
  LabCloseDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->inspector), "inspector.close-with-code", NULL));
  dialog = find_close_dialog ();
  g_assert_nonnull (dialog);
  lab_close_dialog_fill (dialog, "4001", "lesson over");
  /* What the dialog's button does: the response, and the dialog goes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_true (lab_test_wait_until (closed_with_4001, scene, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (scene->client), ==, 4001);
  g_assert_cmpstr (soup_websocket_connection_get_close_data (scene->client), ==, "lesson over");
  g_test_message ("Inspector: %s", lab_inspector_get_state_text (scene->inspector));
  g_assert_nonnull (strstr (lab_inspector_get_state_text (scene->inspector), "lesson over"));
  /* The server's log says so too, read where a person reads it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->window), "win.show-page", "s", "lab"));
  scroll_server_pane_to (scene->window, find_server_events (scene->window));
  g_assert_true (lab_test_wait_until (log_says_4001, scene, LAB_TEST_TIMEOUT_MS));

  /* Nothing left to ping or close. */
  g_assert_nonnull (strstr (lab_inspector_get_state_text (scene->inspector), "private use"));
  g_assert_false (gtk_widget_is_sensitive (find_actionable (GTK_WIDGET (scene->inspector),
                                                            "inspector.ping-now")));
}

static void
clear_empties_the_list (Scene *scene)
{
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), >, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->frames_view), "frames.clear", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (inspector_shown (scene)), ==, 0);
  g_assert_cmpuint (captured (scene), ==, 0);
}

static void
stop_turns_capture_off (Scene *scene)
{
  LabPeer *peer = LAB_PEER (lab_inspected_connection_get_source (lab_inspector_get_connection (scene->inspector)));
  g_autoptr(LabPeer) kept = g_object_ref (peer);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->inspector), "inspector.stop", NULL));
  g_assert_null (lab_inspector_get_connection (scene->inspector));
  g_assert_false (lab_peer_get_capture (kept));
}

static void
inspector_follows_a_live_connection (LabApplication *app)
{
  Scene scene = { 0 };

  inspector_scene_init (&scene, app);

  open_inspector_and_pick (&scene, app);
  handshake_shows_derivation (&scene);
  selected_frame_shows_bits (&scene);
  filters_narrow_the_list (&scene);
  filter_by (&scene, "frames.kind", "all");
  ping_now_shows_rtt (&scene);
  save_frames_screenshot (&scene);
  pause_freezes_the_list (&scene);
  export_writes_json_lines (&scene);
  close_with_application_code (&scene);
  clear_empties_the_list (&scene);
  stop_turns_capture_off (&scene);

  g_clear_object (&scene.client);
}

static void
test_inspector_follows_a_live_connection (void)
{
  run_app (inspector_follows_a_live_connection, "--port", "0", NULL);
}
int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/inspector/follows-a-live-connection", test_inspector_follows_a_live_connection);

  return g_test_run ();
}
