/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void lab_changing_text_show (GtkInscription *inscription,
                             const char     *text);

G_END_DECLS
