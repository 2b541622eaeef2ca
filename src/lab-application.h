/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-server.h"
#include "lab-trust-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_APPLICATION (lab_application_get_type ())

G_DECLARE_FINAL_TYPE (LabApplication, lab_application, LAB, APPLICATION, AdwApplication)

LabApplication *lab_application_new                    (void);
LabServer      *lab_application_get_server             (LabApplication *self);
GSettings      *lab_application_get_settings           (LabApplication *self);
LabTrustStore  *lab_application_get_trust_store        (LabApplication *self);
const char     *lab_application_get_server_problem     (LabApplication *self);
gboolean        lab_application_get_port_conflict      (LabApplication *self);
const char     *lab_application_get_default_client_url (LabApplication *self);
const char     *lab_application_get_joined_notice      (LabApplication *self);

G_END_DECLS
