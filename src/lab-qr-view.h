/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_QR_VIEW (lab_qr_view_get_type ())

G_DECLARE_FINAL_TYPE (LabQrView, lab_qr_view, LAB, QR_VIEW, GtkWidget)

GtkWidget  *lab_qr_view_new      (void);
const char *lab_qr_view_get_text (LabQrView  *self);
void        lab_qr_view_set_text (LabQrView  *self,
                                  const char *text);

G_END_DECLS
