/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_LIMITS_GROUP (lab_limits_group_get_type ())

G_DECLARE_FINAL_TYPE (LabLimitsGroup, lab_limits_group, LAB, LIMITS_GROUP, AdwPreferencesGroup)

void lab_limits_group_set_settings (LabLimitsGroup *self,
                                    GSettings      *settings);

G_END_DECLS
