/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-probe"

#include "config.h"

#include <libsoup/soup.h>

#include "lab-probe.h"

/* Asks what holds a port on this computer: another WebSocket Lab (which says
 * so in its Server header, over HTTP or HTTPS) can be joined; any other
 * program cannot. */

/* A server on loopback answers at once; anything slower is not one of ours. */
#define PROBE_TIMEOUT_SECONDS 3
#define SERVER_HEADER_PREFIX "WebSocketLab/"

typedef struct
{
  SoupSession *session;
  guint        port;
  gboolean     tls;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->session);
  g_free (probe);
}

static void send_probe (GTask *task);

/* Only the Server header is read: whose certificate it is does not matter. */
static gboolean
accept_any_certificate_cb (SoupMessage          *message,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

static void
probe_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GError) error = NULL;
  Probe *probe = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  const char *server;

  body = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      /* Plain HTTP to a TLS port fails: ask again in TLS. */
      if (!probe->tls && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          probe->tls = TRUE;
          send_probe (g_steal_pointer (&task));
          return;
        }

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  server = soup_message_headers_get_one (soup_message_get_response_headers (message), "Server");
  g_task_return_boolean (task, server != NULL && g_str_has_prefix (server, SERVER_HEADER_PREFIX));
}

static void
send_probe (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u/", probe->tls ? "https" : "http",
                                          probe->port);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_HEAD, url);

  g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_any_certificate_cb), NULL);
  soup_session_send_async (probe->session, message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), probe_sent_cb, task);
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
  GTask *task;
  Probe *probe;

  probe = g_new0 (Probe, 1);
  probe->port = port;
  probe->session = soup_session_new_with_options ("timeout", PROBE_TIMEOUT_SECONDS,
                                                  "proxy-resolver", NULL,
                                                  NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_probe_websocket_lab_async);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);

  send_probe (task);
}

/**
 * lab_probe_websocket_lab_finish:
 * @tls: (out) (optional): whether it serves TLS
 *
 * Returns: %TRUE if a WebSocket Lab serves the port
 */
gboolean
lab_probe_websocket_lab_finish (GAsyncResult  *result,
                                gboolean      *tls,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (tls != NULL)
    *tls = ((Probe *) g_task_get_task_data (G_TASK (result)))->tls;

  return g_task_propagate_boolean (G_TASK (result), error);
}
