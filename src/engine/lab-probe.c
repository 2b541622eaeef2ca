/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-probe"

#include "config.h"

#include <libsoup/soup.h>

#include "lab-probe.h"

/* Asks what holds a port on this computer: another WebSocket Lab (which says
 * so in its Server header) can be joined; any other program cannot. */

/* A server on loopback answers at once; anything slower is not one of ours. */
#define PROBE_TIMEOUT_SECONDS 3
#define SERVER_HEADER_PREFIX "WebSocketLab/"

static void
probe_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  const char *server;

  body = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  server = soup_message_headers_get_one (soup_message_get_response_headers (message), "Server");
  g_task_return_boolean (task, server != NULL && g_str_has_prefix (server, SERVER_HEADER_PREFIX));
}

/**
 * lab_probe_websocket_lab_async:
 * @port: a port on 127.0.0.1
 *
 * Finds out whether a WebSocket Lab serves @port on this computer.
 */
void
lab_probe_websocket_lab_async (guint                port,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_probe_websocket_lab_async);

  session = soup_session_new_with_options ("timeout", PROBE_TIMEOUT_SECONDS,
                                           "proxy-resolver", NULL,
                                           NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  message = soup_message_new (SOUP_METHOD_HEAD, url);

  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, cancellable,
                           probe_sent_cb, g_steal_pointer (&task));
}

gboolean
lab_probe_websocket_lab_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
