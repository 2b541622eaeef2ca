/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-har.h"
#include "lab-inspector-private.h"

/* Sessions as files: Save as HAR writes the connection shown (its handshake
 * and every frame) in a worker thread; Open HAR reads one, this app's or a
 * browser's, and shows it as a recorded session, read-only, on the Sequence
 * page. A file that is not a HAR says why in a dialog. */

/* Shared with the rest of the Inspector: a toast in the window's overlay. */
void
_lab_inspector_show_toast (LabInspector *self,
                           const char   *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

/* A file operation a person asked for: the Inspector may be gone when it ends. */
typedef struct
{
  GWeakRef  inspector;
  GFile    *file;
} FileRequest;

static FileRequest *
file_request_new (LabInspector *self,
                  GFile        *file)
{
  FileRequest *request = g_new0 (FileRequest, 1);

  g_weak_ref_init (&request->inspector, self);
  request->file = g_object_ref (file);
  return request;
}

static void
file_request_free (FileRequest *request)
{
  g_weak_ref_clear (&request->inspector);
  g_clear_object (&request->file);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileRequest, file_request_free)

static void
show_open_error (LabInspector *self,
                 GFile        *file,
                 const char   *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = g_file_get_basename (file);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Could Not Open the Session"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("“%s”: %s"), name, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_widget_add_css_class (dialog, "har-error");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FileRequest) request = user_data;
  g_autoptr(LabInspector) self = g_weak_ref_get (&request->inspector);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = lab_har_load_finish (result, &error);
  g_autoptr(LabInspectedConnection) connection = NULL;

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (sessions == NULL)
    {
      show_open_error (self, request->file, error->message);
      return;
    }

  connection = lab_inspected_connection_new_for_recording (sessions->pdata[0]);
  g_object_set (self, "connection", connection, NULL);
  gtk_stack_set_visible_child_name (self->view_stack, "sequence");
  if (sessions->len > 1)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("The file holds %u WebSocket connection: "
                                                         "the first is shown",
                                                         "The file holds %u WebSocket connections: "
                                                         "the first is shown", sessions->len),
                                               sessions->len);

      _lab_inspector_show_toast (self, text);
    }
}

/**
 * lab_inspector_open_har:
 * @file: a HAR file
 *
 * Shows its first WebSocket connection as a recorded session, or says in a
 * dialog why it cannot.
 */
void
lab_inspector_open_har (LabInspector *self,
                        GFile        *file)
{
  g_return_if_fail (LAB_IS_INSPECTOR (self));
  g_return_if_fail (G_IS_FILE (file));

  lab_har_load_async (file, self->cancellable, loaded_cb, file_request_new (self, file));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FileRequest) request = user_data;
  g_autoptr(LabInspector) self = g_weak_ref_get (&request->inspector);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (request->file);
  g_autofree char *text = NULL;

  if (!lab_har_save_finish (result, &error) && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self == NULL)
    return;

  if (error != NULL)
    text = g_strdup_printf (_("Could not save the session: %s"), error->message);
  else
    text = g_strdup_printf (_("Saved the session to %s"), name);
  _lab_inspector_show_toast (self, text);
}

/* Writes the connection shown as HAR, in a worker thread; a toast says how it went. */
void
lab_inspector_save_har (LabInspector *self,
                        GFile        *file)
{
  g_autoptr(GListStore) none = g_list_store_new (LAB_TYPE_FRAME);
  g_autofree char *url = NULL;
  GListModel *frames;

  g_return_if_fail (LAB_IS_INSPECTOR (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->connection == NULL)
    return;

  url = lab_inspected_connection_dup_url (self->connection);
  frames = lab_inspected_connection_get_frames (self->connection);
  lab_har_save_async (url, lab_inspected_connection_get_handshake (self->connection),
                      frames != NULL ? frames : G_LIST_MODEL (none), file, self->cancellable,
                      saved_cb, file_request_new (self, file));
}

typedef void (*FileChosen) (LabInspector *self,
                            GFile        *file);

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     LabInspector    *self)
{
  FileChosen chosen = g_object_get_data (G_OBJECT (chooser), "lab-chosen");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    chosen (self, file);

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_file (LabInspector         *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept,
             FileChosen            chosen)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) har = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (gtk_widget_get_native (GTK_WIDGET (self))),
                                         action, accept, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (har, _("HAR Files"));
  gtk_file_filter_add_pattern (har, "*.har");
  gtk_file_filter_add_pattern (har, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), har);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "websocket-session.har");

  g_object_set_data (G_OBJECT (chooser), "lab-chosen", chosen);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_har_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  choose_file (LAB_INSPECTOR (widget), _("Save Session as HAR"), GTK_FILE_CHOOSER_ACTION_SAVE,
               _("_Save"), lab_inspector_save_har);
}

static void
open_har_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  choose_file (LAB_INSPECTOR (widget), _("Open HAR"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
               lab_inspector_open_har);
}

void
_lab_inspector_class_install_session_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "inspector.save-har", NULL, save_har_action);
  gtk_widget_class_install_action (widget_class, "inspector.open-har", NULL, open_har_action);
}

LabSequencePage *
lab_inspector_get_sequence_page (LabInspector *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTOR (self), NULL);
  return self->sequence_page;
}
