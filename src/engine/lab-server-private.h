/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-server.h"

G_BEGIN_DECLS

guint  _lab_server_get_n_sockets  (LabServer  *self);

G_END_DECLS
