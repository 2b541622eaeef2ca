/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lab-bounded-list.h"
#include "lab-har.h"
#include "lab-inspector-test-utils.h"

/* The Inspector's sequence diagram in the real window under Xvfb: a scripted
 * session (clicks, a ping, a close) drawn arrow for arrow as captured; Step
 * moves the Frames page's selection too; the session saved as HAR opens as
 * a recorded one with the same arrows; a browser's HAR replays at the speed
 * chosen; a file that is no HAR says why. */

#define OP_TEXT 0x1
#define OP_CLOSE 0x8
#define OP_PING 0x9
#define OP_PONG 0xa

typedef struct
{
  InspectorScene   inspector;
  LabSequencePage *page;
  LabSequenceView *view;
  char            *directory;
} Scene;

static gboolean
closed_both_ways (gpointer data)
{
  Scene *scene = data;
  GListModel *frames = lab_inspected_connection_get_frames (lab_inspector_get_connection (scene->inspector.inspector));
  guint closes = 0;

  for (guint i = 0; i < g_list_model_get_n_items (frames); i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);

      closes += lab_frame_get_opcode (frame) == OP_CLOSE;
    }

  return closes == 2;
}

static gboolean
has_pong (gpointer data)
{
  Scene *scene = data;
  GListModel *frames = lab_inspected_connection_get_frames (lab_inspector_get_connection (scene->inspector.inspector));

  for (guint i = 0; i < g_list_model_get_n_items (frames); i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);

      if (lab_frame_get_opcode (frame) == OP_PONG)
        return TRUE;
    }

  return FALSE;
}

static LabSequenceArrowKind
kind_of (LabFrame *frame)
{
  switch (lab_frame_get_opcode (frame))
    {
    case OP_PING: return LAB_SEQUENCE_ARROW_PING;
    case OP_PONG: return LAB_SEQUENCE_ARROW_PONG;
    case OP_CLOSE: return LAB_SEQUENCE_ARROW_CLOSE;
    default: return LAB_SEQUENCE_ARROW_DATA;
    }
}

/* Upgrade, 101, then one arrow per captured frame, in order and kind. */
static void
assert_arrows_match_frames (Scene      *scene,
                            GListModel *frames)
{
  guint n = g_list_model_get_n_items (frames);
  g_autofree char *upgrade = lab_sequence_view_dup_arrow_label (scene->view, 0);
  g_autofree char *switching = lab_sequence_view_dup_arrow_label (scene->view, 1);

  g_assert_cmpuint (lab_sequence_view_get_n_arrows (scene->view), ==, 2 + n);
  g_assert_true (g_str_has_prefix (upgrade, "GET /counter"));
  g_assert_cmpstr (switching, ==, "101 Switching Protocols");
  g_assert_cmpint (lab_sequence_view_get_arrow (scene->view, 0)->direction, ==, LAB_FRAME_CLIENT_TO_SERVER);
  g_assert_cmpint (lab_sequence_view_get_arrow (scene->view, 1)->direction, ==, LAB_FRAME_SERVER_TO_CLIENT);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);
      const LabSequenceArrow *arrow = lab_sequence_view_get_arrow (scene->view, 2 + i);

      g_assert_true (arrow->frame == frame);
      g_assert_cmpint (arrow->direction, ==, lab_frame_get_direction (frame));
      g_assert_cmpint (arrow->kind, ==, kind_of (frame));
      g_assert_true (g_str_has_prefix (arrow->label, lab_frame_get_opcode_name (frame)));
      if (arrow->kind == LAB_SEQUENCE_ARROW_PONG)
        g_assert_nonnull (strstr (arrow->label, "round trip"));
      if (arrow->kind == LAB_SEQUENCE_ARROW_CLOSE)
        g_assert_true (g_str_has_prefix (arrow->label, "close 1000"));
    }
}

static void
scripted_session (Scene          *scene,
                  LabApplication *app)
{
  LabServer *server = lab_ui_test_get_server (app);
  g_autoptr(LabPeer) peer = NULL;
  LabInspector *inspector = scene->inspector.inspector;

  scene->inspector.client = lab_test_connect_path (server, "/counter");
  peer = wait_peer_on (server, "/counter");
  g_assert_true (lab_window_inspect_peer (scene->inspector.window, lab_peer_get_id (peer)));
  lab_inspector_show_page (inspector, "sequence");

  /* Two clicks, the server's ping and the client's pong, then a close. */
  soup_websocket_connection_send_text (scene->inspector.client, "{\"action\":\"plus\"}");
  inspector_wait_frame_shown (&scene->inspector, LAB_FRAME_SERVER_TO_CLIENT, OP_TEXT);
  soup_websocket_connection_send_text (scene->inspector.client, "{\"action\":\"minus\"}");
  lab_test_run_for (200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inspector), "inspector.ping-now", NULL));
  g_assert_true (lab_test_wait_until (has_pong, scene, LAB_TEST_TIMEOUT_MS));
  /* The diagram follows: the newest arrow is drawn as it comes. */
  g_assert_true (lab_sequence_view_get_following (scene->view));
  g_assert_cmpuint (lab_sequence_view_get_n_shown (scene->view), ==, lab_sequence_view_get_n_arrows (scene->view));
  soup_websocket_connection_close (scene->inspector.client, 1000, "bye");
  g_assert_true (lab_test_wait_until (closed_both_ways, scene, LAB_TEST_TIMEOUT_MS));
  lab_test_run_for (100);

  assert_arrows_match_frames (scene, lab_inspected_connection_get_frames (lab_inspector_get_connection (inspector)));
}

static LabFrame *
list_selected (Scene *scene)
{
  return gtk_single_selection_get_selected_item (lab_frames_view_get_shown (scene->inspector.frames_view));
}

typedef struct
{
  Scene    *scene;
  LabFrame *frame;
} Wanted;

static gboolean
list_selects (gpointer data)
{
  Wanted *wanted = data;

  return list_selected (wanted->scene) == wanted->frame;
}

/* The list shows new frames in batches: the last may take a moment. */
static void
assert_list_selects (Scene    *scene,
                     LabFrame *frame)
{
  Wanted wanted = { scene, frame };

  g_assert_nonnull (frame);
  g_assert_true (lab_test_wait_until (list_selects, &wanted, LAB_TEST_TIMEOUT_MS));
}

static void
step_moves_both (Scene *scene)
{
  guint n = lab_sequence_view_get_n_arrows (scene->view);
  const LabSequenceArrow *arrow;
  gboolean paused;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->page), "sequence.step-back", NULL));
  g_assert_cmpint (lab_sequence_view_get_selected (scene->view), ==, n - 1);
  /* Stepping stops following, and Pause shows it. */
  g_assert_false (lab_sequence_view_get_following (scene->view));
  g_object_get (scene->page, "paused", &paused, NULL);
  g_assert_true (paused);
  arrow = lab_sequence_view_get_arrow (scene->view, n - 1);
  assert_list_selects (scene, arrow->frame);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->page), "sequence.step-back", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->page), "sequence.step-back", NULL));
  arrow = lab_sequence_view_get_arrow (scene->view, n - 3);
  g_assert_cmpint (lab_sequence_view_get_selected (scene->view), ==, n - 3);
  assert_list_selects (scene, arrow->frame);
  /* The page says every field of the frame selected. */
  g_assert_nonnull (strstr (lab_sequence_page_get_selected_text (scene->page), "FIN=1"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->page), "sequence.step-forward", NULL));
  arrow = lab_sequence_view_get_arrow (scene->view, n - 2);
  assert_list_selects (scene, arrow->frame);

  /* A frame picked in the list is the arrow highlighted. */
  inspector_select_frame (&scene->inspector, lab_sequence_view_get_arrow (scene->view, 3)->frame);
  g_assert_cmpint (lab_sequence_view_get_selected (scene->view), ==, 3);

  /* Following again: the diagram holds every arrow and scrolls to the newest. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->page), "sequence.pause", NULL));
  g_assert_true (lab_sequence_view_get_following (scene->view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->page), "sequence.pause", NULL));

  /* The pong, selected, for the picture. */
  for (guint i = 0; i < n; i++)
    if (lab_sequence_view_get_arrow (scene->view, i)->kind == LAB_SEQUENCE_ARROW_PONG)
      lab_sequence_view_select (scene->view, i);
  inspector_save_png (&scene->inspector, "sequence.png");
}

typedef struct
{
  Scene  *scene;
  GFile  *file;
} Saved;

static gboolean
har_written (gpointer data)
{
  Saved *saved = data;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) sessions = NULL;

  if (!g_file_load_contents (saved->file, NULL, &text, NULL, NULL, NULL))
    return FALSE;
  sessions = lab_har_read (text, -1, NULL);
  return sessions != NULL;
}

static gboolean
shows_recording (gpointer data)
{
  LabInspectedConnection *connection = lab_inspector_get_connection (data);

  return connection != NULL && lab_inspected_connection_is_recorded (connection);
}

static void
wait_recording (Scene *scene)
{
  lab_inspector_set_connection (scene->inspector.inspector, NULL);
  g_assert_true (lab_test_wait_until (shows_recording, scene->inspector.inspector, LAB_TEST_TIMEOUT_MS));
}

static void
saved_session_opens_the_same (Scene *scene)
{
  g_autofree char *path = g_build_filename (scene->directory, "live.har", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  guint n = lab_sequence_view_get_n_arrows (scene->view);
  g_auto(GStrv) labels = g_new0 (char *, n + 1);
  Saved saved = { scene, file };

  for (guint i = 0; i < n; i++)
    labels[i] = lab_sequence_view_dup_arrow_label (scene->view, i);

  lab_inspector_save_har (scene->inspector.inspector, file);
  g_assert_true (lab_test_wait_until (har_written, &saved, LAB_TEST_TIMEOUT_MS));

  lab_inspector_open_har (scene->inspector.inspector, file);
  wait_recording (scene);
  g_assert_true (g_str_has_prefix (lab_inspector_get_state_text (scene->inspector.inspector),
                                   "Recorded session: the client sent close 1000"));
  g_assert_cmpuint (lab_sequence_view_get_n_arrows (scene->view), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = lab_sequence_view_dup_arrow_label (scene->view, i);

      g_assert_cmpstr (label, ==, labels[i]);
    }
}

static gboolean
replay_done (gpointer data)
{
  Scene *scene = data;
  gboolean playing;

  g_object_get (scene->page, "playing", &playing, NULL);
  return !playing;
}

static void
browser_har_replays (Scene *scene)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "chrome-websocket.har", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *last = NULL;
  gint64 start, elapsed;
  guint n;

  lab_inspector_open_har (scene->inspector.inspector, file);
  wait_recording (scene);
  g_assert_cmpstr (lab_inspected_connection_get_title (lab_inspector_get_connection (scene->inspector.inspector)),
                   ==, "Recorded: ws://localhost:6789/");

  /* Upgrade, 101, four messages, and no close frame: 1006. */
  n = lab_sequence_view_get_n_arrows (scene->view);
  g_assert_cmpuint (n, ==, 7);
  last = lab_sequence_view_dup_arrow_label (scene->view, n - 1);
  g_assert_cmpstr (last, ==, "no close frame — 1006");

  /* At half speed: 2.7 s of session (the handshake's steps and the silences) take 5.4 s. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->page), "sequence.speed", "s", "0.5"));
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->page), "sequence.replay", NULL));
  g_assert_cmpuint (lab_sequence_view_get_n_shown (scene->view), ==, 1);
  lab_test_run_for (2500);
  g_assert_cmpuint (lab_sequence_view_get_n_shown (scene->view), <, n);
  g_assert_true (lab_test_wait_until (replay_done, scene, 15000));
  elapsed = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("replay took %" G_GINT64_FORMAT " ms", elapsed);
  g_assert_cmpint (elapsed, >=, 5300);
  g_assert_cmpint (elapsed, <, 12000);
  g_assert_cmpuint (lab_sequence_view_get_n_shown (scene->view), ==, n);
  g_assert_cmpint (lab_sequence_view_get_selected (scene->view), ==, n - 1);
  inspector_save_png (&scene->inspector, "sequence-replay.png");
}

static GtkWindow *
find_error_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_has_css_class (GTK_WIDGET (window), "har-error") &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
error_shown (gpointer data)
{
  return find_error_dialog () != NULL;
}

static void
malformed_har_says_why (Scene *scene)
{
  g_autofree char *path = g_build_filename (scene->directory, "broken.har", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LabInspectedConnection *before = lab_inspector_get_connection (scene->inspector.inspector);
  GtkWindow *dialog;

  g_assert_true (g_file_set_contents (path, "{\"log\": {\"entries\": [", -1, NULL));
  lab_inspector_open_har (scene->inspector.inspector, file);
  g_assert_true (lab_test_wait_until (error_shown, NULL, LAB_TEST_TIMEOUT_MS));
  dialog = find_error_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Could Not Open the Session");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "broken.har"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "not JSON"));
  /* What was shown stays. */
  g_assert_true (lab_inspector_get_connection (scene->inspector.inspector) == before);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_unlink (path);
}

static void
diagram_follows_steps_and_replays (LabApplication *app)
{
  Scene scene = { { 0 } };
  g_autofree char *live = NULL;

  inspector_scene_init (&scene.inspector, app);
  scene.page = lab_inspector_get_sequence_page (scene.inspector.inspector);
  scene.view = lab_sequence_page_get_view (scene.page);
  scene.directory = g_dir_make_tmp ("lab-sequence-XXXXXX", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.inspector.window), "win.show-page", "s", "inspector"));

  scripted_session (&scene, app);
  step_moves_both (&scene);
  saved_session_opens_the_same (&scene);
  browser_har_replays (&scene);
  malformed_har_says_why (&scene);

  live = g_build_filename (scene.directory, "live.har", NULL);
  g_unlink (live);
  g_rmdir (scene.directory);
  g_free (scene.directory);
  g_clear_object (&scene.inspector.client);
}

static void
test_diagram_follows_steps_and_replays (void)
{
  run_app (diagram_follows_steps_and_replays, "--port", "0", NULL);
}

static LabFrame *
text_frame (guint64     index,
            const char *text)
{
  guint8 header[2] = { 0x81, strlen (text) };

  return lab_frame_new_from_wire (LAB_FRAME_SERVER_TO_CLIENT, 1, index, 1000 + index, header, 2,
                                  (const guint8 *) text, strlen (text));
}

/* A full ring forgets its oldest frame as each new one comes: the diagram
 * drops that arrow and adds one, and the selection stays on its frame. */
static void
test_ring_forgets_oldest (void)
{
  g_autoptr(LabBoundedList) ring = lab_bounded_list_new (LAB_TYPE_FRAME, 3, LAB_BOUNDED_LIST_OLDEST_FIRST);
  g_autoptr(LabRecordedSession) session = NULL;
  g_autoptr(LabInspectedConnection) connection = NULL;
  LabSequenceView *view = g_object_ref_sink (g_object_new (LAB_TYPE_SEQUENCE_VIEW, NULL));
  const char *texts[] = { "a", "b", "c", "d", "e" };
  LabFrame *selected;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(LabFrame) frame = text_frame (i, texts[i]);

      lab_bounded_list_add (ring, frame);
    }
  session = lab_recorded_session_new ("ws://localhost/", NULL, G_LIST_MODEL (ring));
  connection = lab_inspected_connection_new_for_recording (session);
  lab_sequence_view_set_connection (view, connection);
  /* Upgrade, 101, three frames, no close frame. */
  g_assert_cmpuint (lab_sequence_view_get_n_arrows (view), ==, 6);
  lab_sequence_view_select (view, 4);
  selected = lab_sequence_view_get_arrow (view, 4)->frame;

  for (guint i = 3; i < 5; i++)
    {
      g_autoptr(LabFrame) frame = text_frame (i, texts[i]);

      lab_bounded_list_add (ring, frame);
    }

  g_assert_cmpuint (lab_sequence_view_get_n_arrows (view), ==, 6);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *label = lab_sequence_view_dup_arrow_label (view, 2 + i);
      g_autofree char *expected = g_strdup_printf ("text “%s”", texts[2 + i]);

      g_assert_cmpstr (label, ==, expected);
    }
  g_assert_cmpint (lab_sequence_view_get_selected (view), ==, 2);
  g_assert_true (lab_sequence_view_get_arrow (view, 2)->frame == selected);
  g_assert_cmpint (lab_sequence_view_get_arrow (view, 5)->kind, ==, LAB_SEQUENCE_ARROW_NO_CLOSE);

  lab_sequence_view_set_connection (view, NULL);
  g_object_unref (view);
}

int
main (int   argc,
      char *argv[])
{
  lab_ui_test_init (&argc, &argv);

  g_test_add_func ("/sequence/follows-steps-and-replays", test_diagram_follows_steps_and_replays);
  g_test_add_func ("/sequence/ring-forgets-oldest", test_ring_forgets_oldest);

  return g_test_run ();
}
