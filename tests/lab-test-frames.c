/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-peer.h"
#include "lab-test-utils.h"

/* Finding a server's peers and the frames they captured, with bounded waits. */

LabPeer *
lab_test_peer_at (LabServer *server,
         guint      position)
{
  g_autoptr(LabPeer) peer = g_list_model_get_item (lab_server_get_peers (server), position);

  /* The server's list keeps it alive. */
  return peer;
}

typedef struct
{
  GListModel *frames;
  guint       n;
} Enough;

static gboolean
has_enough_frames (gpointer data)
{
  Enough *enough = data;

  return g_list_model_get_n_items (enough->frames) >= enough->n;
}

void
lab_test_wait_frames (GListModel *frames,
             guint       n)
{
  Enough enough = { frames, n };

  g_assert_true (lab_test_wait_until (has_enough_frames, &enough, LAB_TEST_TIMEOUT_MS));
}

/* The @nth frame in @direction, counting from 0. */
LabFrame *
lab_test_nth_frame (GListModel        *frames,
           LabFrameDirection  direction,
           guint              nth)
{
  guint n = g_list_model_get_n_items (frames);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);

      if (lab_frame_get_direction (frame) == direction && nth-- == 0)
        return frame;  /* the list keeps it */
    }

  g_assert_not_reached ();
}

guint
lab_test_count_direction (GListModel        *frames,
                 LabFrameDirection  direction)
{
  guint n = g_list_model_get_n_items (frames);
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);

      count += lab_frame_get_direction (frame) == direction;
    }

  return count;
}

typedef struct
{
  GListModel *frames;
  guint       n;
} Incoming;

static gboolean
has_incoming (gpointer data)
{
  Incoming *incoming = data;

  return lab_test_count_direction (incoming->frames, LAB_FRAME_CLIENT_TO_SERVER) >= incoming->n;
}

void
lab_test_wait_incoming (GListModel *frames,
               guint       n)
{
  Incoming incoming = { frames, n };

  g_assert_true (lab_test_wait_until (has_incoming, &incoming, LAB_TEST_TIMEOUT_MS));
}

