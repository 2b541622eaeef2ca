/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Light modules around a code that scanners need to find it. */
#define LAB_QR_CODE_QUIET_ZONE 4

#define LAB_TYPE_QR_CODE (lab_qr_code_get_type ())

G_DECLARE_FINAL_TYPE (LabQrCode, lab_qr_code, LAB, QR_CODE, GObject)

LabQrCode  *lab_qr_code_new             (const char  *text,
                                         GError     **error);
const char *lab_qr_code_get_text        (LabQrCode   *self);
guint       lab_qr_code_get_size        (LabQrCode   *self);
gboolean    lab_qr_code_is_dark         (LabQrCode   *self,
                                         guint        x,
                                         guint        y);
char       *lab_qr_code_format_terminal (LabQrCode   *self);

G_END_DECLS
