/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-endpoint.h"

G_BEGIN_DECLS

void lab_address_rows_fill (GtkListBox *list,
                            GListModel *endpoints);

G_END_DECLS
