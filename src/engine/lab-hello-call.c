/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-hello-call"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-client-attempt.h"
#include "lab-hello-call.h"
#include "lab-metered-io-stream.h"
#include "lab-url.h"

/* The tutorial's hello client, once: connect, send a name, read the one
 * reply, and wait for the server to close. The server closes first, so the
 * close code told is the one the server chose. The connection is made as the
 * client's own are (lab_client_attempt_async), trusting what the given store
 * trusts over wss://. */

/* A hello that never ends is a broken server: the caller hears so. */
#define HELLO_TIMEOUT_S 15

typedef struct
{
  char                    *name;
  GSocketClient           *socket_client;
  GUri                    *uri;
  SoupWebsocketConnection *connection;
  LabHelloReply           *reply;
  guint                    timeout_source;
} Call;

static void message_cb (SoupWebsocketConnection *connection,
                        SoupWebsocketDataType    type,
                        GBytes                  *message,
                        GTask                   *task);
static void closed_cb  (SoupWebsocketConnection *connection,
                        GTask                   *task);

static void
call_free (Call *call)
{
  g_clear_handle_id (&call->timeout_source, g_source_remove);
  if (call->connection != NULL)
    {
      g_signal_handlers_disconnect_matched (call->connection, G_SIGNAL_MATCH_FUNC,
                                            0, 0, NULL, message_cb, NULL);
      g_signal_handlers_disconnect_matched (call->connection, G_SIGNAL_MATCH_FUNC,
                                            0, 0, NULL, closed_cb, NULL);
      lab_client_release_connection (g_steal_pointer (&call->connection));
    }
  g_clear_object (&call->socket_client);
  g_clear_pointer (&call->uri, g_uri_unref);
  g_clear_pointer (&call->reply, lab_hello_reply_free);
  g_free (call->name);
  g_free (call);
}

void
lab_hello_reply_free (LabHelloReply *reply)
{
  if (reply == NULL)
    return;

  g_free (reply->reply);
  g_free (reply->close_reason);
  g_clear_object (&reply->certificate);
  g_free (reply);
}

static void
message_cb (SoupWebsocketConnection *connection,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            GTask                   *task)
{
  Call *call = g_task_get_task_data (task);
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  /* The first text message is the greeting; anything after it is not hello's. */
  if (type == SOUP_WEBSOCKET_DATA_TEXT && call->reply->reply == NULL)
    call->reply->reply = g_strndup (data, size);
}

static void
closed_cb (SoupWebsocketConnection *connection,
           GTask                   *task)
{
  Call *call = g_task_get_task_data (task);

  g_clear_handle_id (&call->timeout_source, g_source_remove);
  call->reply->close_code = soup_websocket_connection_get_close_code (connection);
  call->reply->close_reason = g_strdup (soup_websocket_connection_get_close_data (connection));

  if (call->reply->reply == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                             _("The server closed the connection (code %u) without a reply"),
                             call->reply->close_code);
  else
    g_task_return_pointer (task, g_steal_pointer (&call->reply),
                           (GDestroyNotify) lab_hello_reply_free);

  g_object_unref (task);
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  call->timeout_source = 0;
  g_signal_handlers_disconnect_matched (call->connection, G_SIGNAL_MATCH_DATA,
                                        0, 0, NULL, NULL, task);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           _("The server did not finish the conversation within %u seconds"),
                           HELLO_TIMEOUT_S);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  Call *call = g_task_get_task_data (task);

  /* Closing answers with "closed", which returns the task. */
  if (call->connection != NULL &&
      soup_websocket_connection_get_state (call->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (call->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_autoptr(GIOStream) stream = NULL;
  GIOStream *base;

  stream = lab_client_attempt_finish (result, NULL, NULL, NULL, NULL, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Over wss://, the certificate the server showed. */
  base = lab_metered_io_stream_get_base_stream (LAB_METERED_IO_STREAM (stream));
  if (G_IS_TLS_CONNECTION (base))
    g_set_object (&call->reply->certificate,
                  g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (base)));

  call->connection = soup_websocket_connection_new (stream, call->uri,
                                                    SOUP_WEBSOCKET_CONNECTION_CLIENT,
                                                    NULL, NULL, NULL);

  /* The signal handlers hold the task until "closed" or the timeout. */
  g_signal_connect (call->connection, "message", G_CALLBACK (message_cb), task);
  g_signal_connect (call->connection, "closed", G_CALLBACK (closed_cb), task);
  if (g_task_get_cancellable (task) != NULL)
    g_signal_connect_object (g_task_get_cancellable (task), "cancelled",
                             G_CALLBACK (cancelled_cb), task, 0);
  call->timeout_source = g_timeout_add_seconds (HELLO_TIMEOUT_S, timeout_cb, task);

  soup_websocket_connection_send_text (call->connection, call->name);
  g_steal_pointer (&task);
}

/**
 * lab_hello_call_async:
 * @url: a hello address, ws:// or wss://
 * @name: what to send
 * @trust_store: (nullable): whom to trust over wss://; %NULL trusts the
 *   system's certificate authorities only
 *
 * Says hello once, as the tutorial's client does.
 */
void
lab_hello_call_async (const char          *url,
                      const char          *name,
                      LabTrustStore       *trust_store,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(LabTrustStore) own_store = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  Call *call;

  g_return_if_fail (url != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (!trust_store || LAB_IS_TRUST_STORE (trust_store));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_hello_call_async);

  uri = lab_url_parse_websocket (url, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call = g_new0 (Call, 1);
  call->name = g_strdup (name);
  call->reply = g_new0 (LabHelloReply, 1);
  call->uri = g_uri_ref (uri);
  call->socket_client = g_socket_client_new ();
  g_socket_client_set_timeout (call->socket_client, HELLO_TIMEOUT_S);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (trust_store == NULL)
    trust_store = own_store = lab_trust_store_new ();

  lab_client_attempt_async (call->socket_client, trust_store, uri, cancellable, connected_cb,
                            g_steal_pointer (&task));
}

/**
 * lab_hello_call_finish:
 *
 * Returns: (transfer full): the reply and how the server closed
 */
LabHelloReply *
lab_hello_call_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_hello_call_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
