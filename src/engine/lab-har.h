/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-handshake.h"
#include "lab-recorded-session.h"

G_BEGIN_DECLS

/* A connection's session as HAR 1.2, the format browsers and proxies
 * exchange: Chrome's "_webSocketMessages" for the data messages, and this
 * app's "_webSocketFrames" for every frame's bits. */

#define LAB_HAR_ERROR (lab_har_error_quark ())

typedef enum
{
  LAB_HAR_ERROR_NOT_JSON,
  LAB_HAR_ERROR_NOT_HAR,
  LAB_HAR_ERROR_NO_WEBSOCKET,
  LAB_HAR_ERROR_INVALID,
} LabHarError;

/* Frames a session read from a file keeps at most: a capture's ring. */
#define LAB_HAR_MAX_FRAMES 2000

GQuark     lab_har_error_quark        (void);
char      *lab_har_url_from_handshake (LabHandshake         *handshake);
char      *lab_har_write              (const char           *url,
                                       LabHandshake         *handshake,
                                       GListModel           *frames);
GPtrArray *lab_har_read               (const char           *data,
                                       gssize                length,
                                       GError              **error);
void       lab_har_save_async         (const char           *url,
                                       LabHandshake         *handshake,
                                       GListModel           *frames,
                                       GFile                *file,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean   lab_har_save_finish        (GAsyncResult         *result,
                                       GError              **error);
void       lab_har_load_async         (GFile                *file,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray *lab_har_load_finish        (GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
