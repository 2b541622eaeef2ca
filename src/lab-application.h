/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-server-supervisor.h"
#include "lab-trust-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_APPLICATION (lab_application_get_type ())

G_DECLARE_FINAL_TYPE (LabApplication, lab_application, LAB, APPLICATION, AdwApplication)

LabApplication      *lab_application_new             (void);
LabServerSupervisor *lab_application_get_supervisor  (LabApplication *self);
GSettings           *lab_application_get_settings    (LabApplication *self);
LabTrustStore       *lab_application_get_trust_store (LabApplication *self);

G_END_DECLS
