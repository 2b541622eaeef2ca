/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char **lab_network_dup_lan_addresses (void);

G_END_DECLS
