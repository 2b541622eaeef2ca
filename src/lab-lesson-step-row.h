/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_LESSON_STEP_ROW (lab_lesson_step_row_get_type ())

G_DECLARE_FINAL_TYPE (LabLessonStepRow, lab_lesson_step_row, LAB, LESSON_STEP_ROW, AdwPreferencesRow)

guint       lab_lesson_step_row_get_step     (LabLessonStepRow *self);
const char *lab_lesson_step_row_get_name     (LabLessonStepRow *self);
void        lab_lesson_step_row_set_name     (LabLessonStepRow *self,
                                              const char       *name);
gboolean    lab_lesson_step_row_get_done     (LabLessonStepRow *self);
void        lab_lesson_step_row_set_evidence (LabLessonStepRow *self,
                                              gboolean          done,
                                              const char       *detail,
                                              gboolean          can_show);
void        lab_lesson_step_row_set_status   (LabLessonStepRow *self,
                                              const char       *status);
void        lab_lesson_step_row_set_ready    (LabLessonStepRow *self,
                                              gboolean          ready);

G_END_DECLS
