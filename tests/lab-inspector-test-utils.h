/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-ui-test-utils.h"

G_BEGIN_DECLS

/* One window, its Inspector, and the client it follows */
typedef struct
{
  LabWindow               *window;
  LabInspector            *inspector;
  LabFramesView           *frames_view;
  SoupWebsocketConnection *client;
  guint                    peer_id;
} InspectorScene;

void        inspector_scene_init       (InspectorScene    *scene,
                                        LabApplication    *app);
GListModel *inspector_shown            (InspectorScene    *scene);
int         inspector_find_shown       (InspectorScene    *scene,
                                        LabFrameDirection  direction,
                                        guint8             opcode);
void        inspector_wait_frame_shown (InspectorScene    *scene,
                                        LabFrameDirection  direction,
                                        guint8             opcode);
void        inspector_select_frame     (InspectorScene    *scene,
                                        LabFrame          *frame);
void        inspector_assert_cell      (InspectorScene    *scene,
                                        LabFrame          *frame,
                                        const char        *column,
                                        const char        *expected);
void        inspector_save_png         (InspectorScene    *scene,
                                        const char        *name);
void        assert_bits                (LabFrameDiagram   *diagram,
                                        const char        *field,
                                        const char        *expected);
LabPeer    *wait_peer_on               (LabServer         *server,
                                        const char        *path);

G_END_DECLS
