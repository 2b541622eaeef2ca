/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-server-supervisor.h"
#include "lab-trust-store.h"
#include "lab-client.h"
#include "lab-client-pane.h"
#include "lab-inspector.h"
#include "lab-server-pane.h"

G_BEGIN_DECLS

#define LAB_TYPE_WINDOW (lab_window_get_type ())

G_DECLARE_FINAL_TYPE (LabWindow, lab_window, LAB, WINDOW, AdwApplicationWindow)

LabWindow     *lab_window_new             (GtkApplication      *application,
                                          LabServerSupervisor *supervisor,
                                          LabTrustStore       *trust_store,
                                          GSettings           *settings);
LabClient     *lab_window_get_client      (LabWindow      *self);
LabClientPane *lab_window_get_client_pane (LabWindow      *self);
LabServerPane *lab_window_get_server_pane (LabWindow      *self);
LabInspector  *lab_window_get_inspector   (LabWindow      *self);
gboolean       lab_window_inspect_peer    (LabWindow      *self,
                                          guint           peer_id);
void           lab_window_inspect_client  (LabWindow      *self);

G_END_DECLS
