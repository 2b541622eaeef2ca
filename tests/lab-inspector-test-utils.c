/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-inspector-test-utils.h"

/* What the Inspector tests share: the frames its list shows, a connection
 * as it joins, the bits its diagram shows, and the window as a PNG. */

GListModel *
inspector_shown (InspectorScene *scene)
{
  return G_LIST_MODEL (lab_frames_view_get_shown (scene->frames_view));
}

/* Where the list shows the newest frame that matches, or -1. */
int
inspector_find_shown (InspectorScene    *scene,
                      LabFrameDirection  direction,
                      guint8             opcode)
{
  for (guint i = 0; i < g_list_model_get_n_items (inspector_shown (scene)); i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (inspector_shown (scene), i);

      if (lab_frame_get_direction (frame) == direction && lab_frame_get_opcode (frame) == opcode)
        return i;
    }

  return -1;
}

typedef struct
{
  InspectorScene    *scene;
  LabFrameDirection  direction;
  guint8             opcode;
} FrameWanted;

static gboolean
frame_shown (gpointer data)
{
  FrameWanted *wanted = data;

  return inspector_find_shown (wanted->scene, wanted->direction, wanted->opcode) >= 0;
}

void
inspector_wait_frame_shown (InspectorScene    *scene,
                            LabFrameDirection  direction,
                            guint8             opcode)
{
  FrameWanted wanted = { scene, direction, opcode };

  g_assert_true (lab_test_wait_until (frame_shown, &wanted, LAB_TEST_TIMEOUT_MS));
}

typedef struct
{
  LabServer  *server;
  const char *path;
  LabPeer    *found;
} PeerWanted;

static gboolean
has_peer (gpointer data)
{
  PeerWanted *wanted = data;
  GListModel *peers = lab_server_get_peers (wanted->server);

  for (guint i = 0; i < g_list_model_get_n_items (peers) && wanted->found == NULL; i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (peers, i);

      if (g_strcmp0 (lab_peer_get_path (peer), wanted->path) == 0)
        wanted->found = g_steal_pointer (&peer);
    }

  return wanted->found != NULL;
}

/* Returns: (transfer full): the first connection the server has on @path
 * (the window's own client uses "/" and "/time") */
LabPeer *
wait_peer_on (LabServer  *server,
              const char *path)
{
  PeerWanted wanted = { server, path, NULL };

  g_assert_true (lab_test_wait_until (has_peer, &wanted, LAB_TEST_TIMEOUT_MS));
  return wanted.found;
}

/* The window with its Inspector, at the size of a projector. */
void
inspector_scene_init (InspectorScene *scene,
                      LabApplication *app)
{
  scene->window = first_window (app);
  scene->inspector = lab_window_get_inspector (scene->window);
  scene->frames_view = lab_inspector_get_frames_view (scene->inspector);
  gtk_window_set_default_size (GTK_WINDOW (scene->window), 1280, 800);
  wait_ready (scene->window);
}

void
assert_bits (LabFrameDiagram *diagram,
             const char      *field,
             const char      *expected)
{
  g_autofree char *bits = lab_frame_diagram_dup_field_bits (diagram, field);

  g_assert_cmpstr (bits, ==, expected);
}

/* With LAB_SCREENSHOT_DIR set: the window as it is, into @name there. */
void
inspector_save_png (InspectorScene *scene,
                    const char     *name)
{
  save_screenshot (GTK_WIDGET (scene->window), name);
}

void
inspector_select_frame (InspectorScene *scene,
                        LabFrame       *frame)
{
  for (guint i = 0; i < g_list_model_get_n_items (inspector_shown (scene)); i++)
    {
      g_autoptr(LabFrame) item = g_list_model_get_item (inspector_shown (scene), i);

      if (item == frame)
        {
          g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (lab_frames_view_get_shown (scene->frames_view)),
                                                          i, TRUE));
          return;
        }
    }

  g_assert_not_reached ();
}

void
inspector_assert_cell (InspectorScene *scene,
                       LabFrame       *frame,
                       const char     *column,
                       const char     *expected)
{
  g_autofree char *text = lab_frames_view_dup_cell_text (scene->frames_view, frame, column);

  g_assert_cmpstr (text, ==, expected);
}

