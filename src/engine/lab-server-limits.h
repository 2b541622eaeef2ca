/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-server-config.h"

G_BEGIN_DECLS

#define LAB_TYPE_SERVER_LIMITS (lab_server_limits_get_type ())

G_DECLARE_FINAL_TYPE (LabServerLimits, lab_server_limits, LAB, SERVER_LIMITS, GObject)

LabServerLimits    *lab_server_limits_new                (void);
void                lab_server_limits_apply_config       (LabServerLimits        *self,
                                                          const LabServerConfig  *config);
guint               lab_server_limits_get_max_clients    (LabServerLimits        *self);
guint               lab_server_limits_get_max_rate       (LabServerLimits        *self);
guint               lab_server_limits_get_max_burst      (LabServerLimits        *self);
guint               lab_server_limits_get_request_timeout (LabServerLimits       *self);
gboolean            lab_server_limits_get_allow_any_origin (LabServerLimits      *self);
const char * const *lab_server_limits_get_allowed_origins (LabServerLimits       *self);
gboolean            lab_server_limits_allows_origin      (LabServerLimits        *self,
                                                          const char             *origin,
                                                          const char             *host,
                                                          gboolean                tls);
gboolean            lab_server_limits_check_origin_text  (const char             *origin,
                                                          GError                **error);

G_END_DECLS
