/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-server-supervisor.h"

G_BEGIN_DECLS

#define LAB_TYPE_JOIN_SCREEN (lab_join_screen_get_type ())

G_DECLARE_FINAL_TYPE (LabJoinScreen, lab_join_screen, LAB, JOIN_SCREEN, AdwWindow)

LabJoinScreen *lab_join_screen_new (GtkWindow           *parent,
                                    LabServerSupervisor *supervisor,
                                    GSettings           *settings);

G_END_DECLS
