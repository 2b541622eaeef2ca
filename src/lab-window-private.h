/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-client-pane.h"
#include "lab-inspector.h"
#include "lab-lessons-view.h"
#include "lab-server-pane.h"
#include "lab-window.h"

G_BEGIN_DECLS

struct _LabWindow
{
  AdwApplicationWindow  parent_instance;

  LabServerSupervisor  *supervisor;
  LabTrustStore        *trust_store;
  GSettings            *settings;
  LabClient            *client;
  GCancellable         *probe_cancellable;
  /* The URL the user chose; NULL follows the application's default. */
  char                 *chosen_url;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  LabServerPane        *server_pane;
  LabClientPane        *client_pane;
  AdwViewStack         *view_stack;
  LabInspector         *inspector;
  LabLessonsView       *lessons_view;
};

void _lab_window_class_install_inspect_actions (GtkWidgetClass *widget_class);
void _lab_window_class_install_lessons_actions (GtkWidgetClass *widget_class);
void _lab_window_attach_lessons                (LabWindow      *self);
void _lab_window_class_install_reconnects_actions (GtkWidgetClass *widget_class);
void _lab_window_attach_reconnects             (LabWindow      *self);
void _lab_window_class_install_faults_actions  (GtkWidgetClass *widget_class);
void _lab_window_attach_faults                 (LabWindow      *self);

G_END_DECLS
