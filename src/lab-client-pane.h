/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-client.h"
#include "lab-reconnect-timeline.h"

G_BEGIN_DECLS

#define LAB_TYPE_CLIENT_PANE (lab_client_pane_get_type ())

G_DECLARE_FINAL_TYPE (LabClientPane, lab_client_pane, LAB, CLIENT_PANE, AdwBin)

LabClient  *lab_client_pane_get_client     (LabClientPane *self);
void        lab_client_pane_set_client     (LabClientPane *self,
                                            LabClient     *client);
const char *lab_client_pane_get_url_text   (LabClientPane *self);
void        lab_client_pane_set_url_text   (LabClientPane *self,
                                            const char    *text);
char       *lab_client_pane_dup_status     (LabClientPane *self);
const char *lab_client_pane_get_value_text (LabClientPane *self);
const char *lab_client_pane_get_users_text (LabClientPane *self);
LabReconnectTimeline *
            lab_client_pane_get_reconnect_timeline (LabClientPane *self);

G_END_DECLS
