/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-lesson-progress.h"
#include "lab-lesson-step-row.h"
#include "lab-server-supervisor.h"
#include "lab-trust-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_LESSONS_VIEW (lab_lessons_view_get_type ())

G_DECLARE_FINAL_TYPE (LabLessonsView, lab_lessons_view, LAB, LESSONS_VIEW, AdwBin)

void               lab_lessons_view_set_up        (LabLessonsView      *self,
                                                   LabServerSupervisor *supervisor,
                                                   LabTrustStore       *trust_store,
                                                   GSettings           *settings);
LabLessonProgress *lab_lessons_view_get_progress  (LabLessonsView      *self);
LabLessonStepRow  *lab_lessons_view_get_row       (LabLessonsView      *self,
                                                   LabLessonStep        step);

G_END_DECLS
