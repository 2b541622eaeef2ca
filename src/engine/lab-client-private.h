/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-client.h"

G_BEGIN_DECLS

guint _lab_client_backoff_ms (guint  failures,
                              double random);

G_END_DECLS
