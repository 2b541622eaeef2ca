/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_CLOSE_DIALOG (lab_close_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LabCloseDialog, lab_close_dialog, LAB, CLOSE_DIALOG, AdwMessageDialog)

LabCloseDialog *lab_close_dialog_new            (GtkWindow      *parent);
gboolean        lab_close_dialog_get_code       (LabCloseDialog *self,
                                                 gushort        *code,
                                                 GError        **error);
const char     *lab_close_dialog_get_reason     (LabCloseDialog *self);
void            lab_close_dialog_fill           (LabCloseDialog *self,
                                                 const char     *code,
                                                 const char     *reason);

G_END_DECLS
