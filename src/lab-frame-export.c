/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-frame-export"

#include "config.h"

#include "lab-frame.h"
#include "lab-frame-export.h"

/* Frames into a file as JSON lines, one frame a line, in a worker thread:
 * the window never waits on a disk. */

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GListModel *snapshot = task_data;
  GFile *file = g_object_get_data (G_OBJECT (task), "lab-file");
  g_autoptr(GFileOutputStream) stream = NULL;
  GError *error = NULL;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, &error);
  if (stream == NULL ||
      !lab_frames_write_json_lines (snapshot, G_OUTPUT_STREAM (stream), cancellable, &error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_int (task, g_list_model_get_n_items (snapshot));
}

/**
 * lab_frame_export_async:
 * @frames: #LabFrame items
 * @newest_first: whether @frames lists the newest first; the file always
 *   has the oldest first, as they crossed the wire
 * @file: where to write them, replaced
 *
 * The thread writes its own copy of the list: frames never change, but the
 * list may while the thread works.
 */
void
lab_frame_export_async (GListModel          *frames,
                        gboolean             newest_first,
                        GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GListStore) snapshot = g_list_store_new (LAB_TYPE_FRAME);
  guint n;

  g_return_if_fail (G_IS_LIST_MODEL (frames));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_frame_export_async);

  n = g_list_model_get_n_items (frames);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, newest_first ? n - 1 - i : i);

      g_list_store_append (snapshot, frame);
    }

  g_object_set_data_full (G_OBJECT (task), "lab-file", g_object_ref (file), g_object_unref);
  g_task_set_task_data (task, g_steal_pointer (&snapshot), g_object_unref);
  g_task_run_in_thread (task, export_in_thread);
}

/* Returns: how many frames were written; 0 with @error set on failure */
guint
lab_frame_export_finish (GAsyncResult  *result,
                         GError       **error)
{
  gssize written;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);

  written = g_task_propagate_int (G_TASK (result), error);
  return written > 0 ? (guint) written : 0;
}
