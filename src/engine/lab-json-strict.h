/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deeper nesting than any message of the protocol needs is refused, so a
 * crafted message cannot exhaust the stack. */
#define LAB_JSON_STRICT_MAX_DEPTH 32

gboolean lab_json_strict_check          (const char  *text,
                                        gsize        length,
                                        char       **problem);
char    *lab_json_strict_fix_generated (char        *json);

G_END_DECLS
