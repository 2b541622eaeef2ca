/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-server-supervisor.h"

G_BEGIN_DECLS

#define LAB_TYPE_SERVER_PANE (lab_server_pane_get_type ())

G_DECLARE_FINAL_TYPE (LabServerPane, lab_server_pane, LAB, SERVER_PANE, AdwBin)

LabServerSupervisor *lab_server_pane_get_supervisor (LabServerPane       *self);
void                 lab_server_pane_set_supervisor (LabServerPane       *self,
                                                     LabServerSupervisor *supervisor);
const char          *lab_server_pane_get_users_text (LabServerPane       *self);
const char          *lab_server_pane_get_value_text (LabServerPane       *self);
GListModel          *lab_server_pane_get_shown_events (LabServerPane     *self);

G_END_DECLS
