/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-close-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-close-dialog.h"

/* Asks for an application close code (4000–4999) and a reason; the
 * Inspector closes the connection with them when the person agrees. */

#define APPLICATION_CODE_MIN 4000
#define APPLICATION_CODE_MAX 4999

struct _LabCloseDialog
{
  AdwMessageDialog  parent_instance;

  /* Template widgets */
  AdwEntryRow      *code_row;
  AdwEntryRow      *reason_row;
};

G_DEFINE_FINAL_TYPE (LabCloseDialog, lab_close_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
lab_close_dialog_class_init (LabCloseDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-close-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LabCloseDialog, code_row);
  gtk_widget_class_bind_template_child (widget_class, LabCloseDialog, reason_row);
}

static void
lab_close_dialog_init (LabCloseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LabCloseDialog *
lab_close_dialog_new (GtkWindow *parent)
{
  return g_object_new (LAB_TYPE_CLOSE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}

/**
 * lab_close_dialog_get_code:
 * @code: (out): the code typed
 *
 * Returns: whether what was typed is an application code; if not, @error says why
 */
gboolean
lab_close_dialog_get_code (LabCloseDialog  *self,
                           gushort         *code,
                           GError         **error)
{
  const char *text;
  guint64 number = 0;

  g_return_val_if_fail (LAB_IS_CLOSE_DIALOG (self), FALSE);

  text = gtk_editable_get_text (GTK_EDITABLE (self->code_row));
  if (!g_ascii_string_to_unsigned (text, 10, APPLICATION_CODE_MIN, APPLICATION_CODE_MAX,
                                   &number, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an application code: type a number from %u to %u"),
                   text, APPLICATION_CODE_MIN, APPLICATION_CODE_MAX);
      return FALSE;
    }

  *code = (gushort) number;
  return TRUE;
}

const char *
lab_close_dialog_get_reason (LabCloseDialog *self)
{
  g_return_val_if_fail (LAB_IS_CLOSE_DIALOG (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->reason_row));
}

/* Types @code and @reason, as a person would. */
void
lab_close_dialog_fill (LabCloseDialog *self,
                       const char     *code,
                       const char     *reason)
{
  g_return_if_fail (LAB_IS_CLOSE_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->code_row), code);
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), reason);
}
