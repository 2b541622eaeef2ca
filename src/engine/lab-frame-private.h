/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-frame.h"

G_BEGIN_DECLS

/* How many frames were ever made: a test's proof that capture off costs nothing. */
guint64 _lab_frame_get_n_created (void);

G_END_DECLS
