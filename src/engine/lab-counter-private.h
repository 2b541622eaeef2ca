/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-counter.h"

G_BEGIN_DECLS

void _lab_counter_set_value (LabCounter *self,
                             gint64      value);

G_END_DECLS
