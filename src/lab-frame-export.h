/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void  lab_frame_export_async  (GListModel           *frames,
                               gboolean              newest_first,
                               GFile                *file,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
guint lab_frame_export_finish (GAsyncResult         *result,
                               GError              **error);

G_END_DECLS
