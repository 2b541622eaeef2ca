/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-frame.h"
#include "lab-peer.h"
#include "lab-server.h"

G_BEGIN_DECLS

/* Each step of the tutorial's four lessons checked off by real traffic. */
typedef enum
{
  LAB_LESSON_STEP_HELLO,              /* `Hello NAME!` sent, then a normal close (1000) */
  LAB_LESSON_STEP_TLS_ON,             /* the server serves wss:// with a certificate */
  LAB_LESSON_STEP_HELLO_TLS,          /* the hello over a wss:// connection */
  LAB_LESSON_STEP_TIME,               /* a timestamp pushed to a browser's /time connection */
  LAB_LESSON_STEP_COUNTER_JOIN,       /* a browser's page joined: users 2 or more */
  LAB_LESSON_STEP_COUNTER_LEAVE,      /* then a page left */
  LAB_LESSON_STEP_COUNTER_BROADCAST,  /* an action in, the new state out to 2 or more */
  LAB_LESSON_N_STEPS
} LabLessonStep;

#define LAB_TYPE_LESSON_PROGRESS (lab_lesson_progress_get_type ())

G_DECLARE_FINAL_TYPE (LabLessonProgress, lab_lesson_progress, LAB, LESSON_PROGRESS, GObject)

LabLessonProgress *lab_lesson_progress_new        (LabServer         *server);
LabServer         *lab_lesson_progress_get_server (LabLessonProgress *self);
gboolean           lab_lesson_progress_is_done    (LabLessonProgress *self,
                                                   LabLessonStep      step);
const char        *lab_lesson_progress_get_detail (LabLessonProgress *self,
                                                   LabLessonStep      step);
LabPeer           *lab_lesson_progress_get_peer   (LabLessonProgress *self,
                                                   LabLessonStep      step);
LabFrame          *lab_lesson_progress_get_frame  (LabLessonProgress *self,
                                                   LabLessonStep      step);
guint              lab_lesson_progress_count_done (LabLessonProgress *self);
void               lab_lesson_progress_reset      (LabLessonProgress *self);

G_END_DECLS
