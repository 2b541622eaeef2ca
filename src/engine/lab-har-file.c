/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-har"

#include "config.h"

#include <string.h>

#include "lab-frame.h"
#include "lab-har.h"

/* HAR files written and read in a worker thread: the window (and the server
 * on its main loop) never waits on a disk. */

/* A HAR of a classroom session is a few MiB at most; a larger file is not one. */
#define MAX_FILE_SIZE (256 * 1024 * 1024)

typedef struct
{
  char         *url;
  LabHandshake *handshake;
  GListStore   *frames;   /* the thread's own copy: the ring goes on changing */
  GFile        *file;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->url);
  g_clear_object (&data->handshake);
  g_clear_object (&data->frames);
  g_clear_object (&data->file);
  g_free (data);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autofree char *text = lab_har_write (data->url, data->handshake, G_LIST_MODEL (data->frames));
  GError *error = NULL;

  if (!g_file_replace_contents (data->file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE,
                                NULL, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * lab_har_save_async:
 * @url: the connection's URL
 * @handshake: (nullable): its opening handshake
 * @frames: its #LabFrame items, oldest first; copied now
 * @file: where to write the HAR, replaced
 */
void
lab_har_save_async (const char          *url,
                    LabHandshake        *handshake,
                    GListModel          *frames,
                    GFile               *file,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;
  guint n;

  g_return_if_fail (url != NULL);
  g_return_if_fail (G_IS_LIST_MODEL (frames));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_har_save_async);

  data = g_new0 (SaveData, 1);
  data->url = g_strdup (url);
  data->handshake = handshake ? g_object_ref (handshake) : NULL;
  data->frames = g_list_store_new (LAB_TYPE_FRAME);
  data->file = g_object_ref (file);
  n = g_list_model_get_n_items (frames);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);

      g_list_store_append (data->frames, frame);
    }

  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_in_thread);
}

gboolean
lab_har_save_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  GPtrArray *sessions;
  GError *error = NULL;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, &error);
  if (info != NULL && g_file_info_get_size (info) > MAX_FILE_SIZE)
    error = g_error_new (LAB_HAR_ERROR, LAB_HAR_ERROR_NOT_HAR,
                         "The file is too large for a HAR of one session");
  if (error == NULL)
    g_file_load_contents (file, cancellable, &contents, &length, NULL, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  sessions = lab_har_read (contents, length, &error);
  if (sessions == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sessions, (GDestroyNotify) g_ptr_array_unref);
}

/* Reads @file as lab_har_read() reads text. */
void
lab_har_load_async (GFile               *file,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_har_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

/* Returns: (transfer full) (element-type LabRecordedSession): as lab_har_read() */
GPtrArray *
lab_har_load_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
