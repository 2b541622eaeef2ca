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
  char        *host;
  int          port;
  gboolean     tls;
  gboolean     tried_both;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->session);
  g_free (probe->host);
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
      /* Plain HTTP to a TLS port fails, and the other way round: ask again. */
      if (!probe->tried_both && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          probe->tried_both = TRUE;
          probe->tls = !probe->tls;
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
  g_autoptr(GUri) uri = g_uri_build (G_URI_FLAGS_NONE, probe->tls ? "https" : "http", NULL,
                                     probe->host, probe->port, "/", NULL, NULL);
  g_autoptr(SoupMessage) message = soup_message_new_from_uri (SOUP_METHOD_HEAD, uri);

  g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_any_certificate_cb), NULL);
  soup_session_send_async (probe->session, message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), probe_sent_cb, task);
}

/**
 * lab_probe_websocket_lab_async:
 * @url: where a WebSocket server may be, as ws://, wss://, http:// or https://
 *
 * Finds out whether a WebSocket Lab serves that host and port: it says so
 * in the Server header of its pages.
 */
void
lab_probe_websocket_lab_async (const char          *url,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  GTask *task;
  Probe *probe;
  const char *scheme;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_probe_websocket_lab_async);

  if (!(uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error)) || g_uri_get_host (uri) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Not a server address: %s", url);
      g_object_unref (task);
      return;
    }

  scheme = g_uri_get_scheme (uri);
  probe = g_new0 (Probe, 1);
  probe->host = g_strdup (g_uri_get_host (uri));
  probe->tls = g_ascii_strcasecmp (scheme, "wss") == 0 || g_ascii_strcasecmp (scheme, "https") == 0;
  probe->port = g_uri_get_port (uri) != -1 ? g_uri_get_port (uri) : (probe->tls ? 443 : 80);
  /* Whose certificate it is does not matter (only the Server header is
   * read): no database, so the system's is never looked up on this thread. */
  probe->session = soup_session_new_with_options ("timeout", PROBE_TIMEOUT_SECONDS,
                                                  "proxy-resolver", NULL,
                                                  "tls-database", NULL,
                                                  NULL);

  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);

  send_probe (task);
}

/**
 * lab_probe_websocket_lab_finish:
 * @tls: (out) (optional): whether it answered in TLS
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
