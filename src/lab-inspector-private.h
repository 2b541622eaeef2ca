/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-inspector.h"
#include "lab-sequence-page.h"

G_BEGIN_DECLS

struct _LabInspector
{
  AdwBin                  parent_instance;

  LabInspectedConnection *connection;
  GCancellable           *cancellable;   /* file work, cancelled when the Inspector goes */

  /* Template widgets */
  GtkStack               *stack;
  GtkLabel               *title_label;
  GtkLabel               *state_label;
  GtkLabel               *rtt_label;
  GtkStack               *view_stack;
  LabFramesView          *frames_view;
  LabHandshakeView       *handshake_view;
  LabSequencePage        *sequence_page;
  GtkWidget              *rtt_box;
  GtkWidget              *ping_button;
  GtkWidget              *close_button;
};

void _lab_inspector_class_install_session_actions (GtkWidgetClass *widget_class);
void _lab_inspector_show_toast                    (LabInspector   *self,
                                                   const char     *text);

G_END_DECLS
