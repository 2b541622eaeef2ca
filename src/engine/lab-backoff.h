/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint lab_backoff_ms (guint  failures,
                      double random);

G_END_DECLS
