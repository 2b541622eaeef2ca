/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-client-attempt.h"
#include "lab-client-upgrade.h"
#include "lab-close-code.h"
#include "lab-metered-io-stream.h"
#include "lab-url.h"

/* One connect attempt of a client channel, on a stream the client owns (so
 * that its frames can be metered, captured and, later, written by hand): the
 * trust store's database for a wss:// address, the TCP connection, TLS with a
 * certificate that fails verification checked against the certificates the
 * store trusts, then the opening handshake (lab-client-upgrade); what comes
 * back is the metered stream for libsoup's WebSocket connection. The whole of
 * it is bounded in time. A failure comes back in words for people. */

typedef struct
{
  GSocketClient        *socket_client;
  LabTrustStore        *trust_store;
  GUri                 *uri;
  GSocketConnectable   *address;
  char                 *peer;            /* "host:port" */
  GTlsDatabase         *database;
  GIOStream            *stream;          /* the socket, TLS on it for wss:// */
  LabHandshake         *handshake;
  guint                 http_status;
  /* Cancelled by the caller's cancellable or the time limit */
  GCancellable         *cancellable;
  GCancellable         *caller_cancellable;
  gulong                caller_cancelled_id;
  GSource              *timeout_source;
  gboolean              timed_out;
  /* The certificate this attempt refused, and why */
  GTlsCertificate      *refused;
  GTlsCertificateFlags  refused_errors;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  if (attempt->caller_cancellable != NULL)
    g_cancellable_disconnect (attempt->caller_cancellable, attempt->caller_cancelled_id);
  if (attempt->timeout_source != NULL)
    {
      g_source_destroy (attempt->timeout_source);
      g_source_unref (attempt->timeout_source);
    }
  /* An attempt that failed half-way leaves nothing open. */
  if (attempt->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (attempt->stream, attempt);
      g_io_stream_close_async (attempt->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
    }

  g_clear_object (&attempt->socket_client);
  g_clear_object (&attempt->trust_store);
  g_clear_pointer (&attempt->uri, g_uri_unref);
  g_clear_object (&attempt->address);
  g_clear_object (&attempt->database);
  g_clear_object (&attempt->stream);
  g_clear_object (&attempt->handshake);
  g_clear_object (&attempt->cancellable);
  g_clear_object (&attempt->caller_cancellable);
  g_clear_object (&attempt->refused);
  g_free (attempt->peer);
  g_free (attempt);
}

static void
release_closed_cb (SoupWebsocketConnection *connection,
                   gpointer                 user_data)
{
  g_object_unref (connection);
}

/**
 * lab_client_release_connection:
 * @connection: (transfer full): a connection no longer wanted
 *
 * libsoup finishes the closing handshake on its own (with a timeout of its
 * own); the reference goes when it has, so the close frame is really sent and
 * the server sees a clean leave.
 */
void
lab_client_release_connection (SoupWebsocketConnection *connection)
{
  switch (soup_websocket_connection_get_state (connection))
    {
    case SOUP_WEBSOCKET_STATE_OPEN:
      g_signal_connect (connection, "closed", G_CALLBACK (release_closed_cb), NULL);
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      break;

    case SOUP_WEBSOCKET_STATE_CLOSING:
      g_signal_connect (connection, "closed", G_CALLBACK (release_closed_cb), NULL);
      break;

    case SOUP_WEBSOCKET_STATE_CLOSED:
    default:
      g_object_unref (connection);
      break;
    }
}

/* GLib asks only about a certificate that failed verification. */
static gboolean
accept_certificate_cb (GTlsConnection       *connection,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       Attempt              *attempt)
{
  /* The user (or the application, for its own server) trusts this very
   * certificate for this server, whatever the trust mode. */
  if (lab_trust_store_is_trusted (attempt->trust_store, attempt->peer, certificate))
    return TRUE;

  g_set_object (&attempt->refused, certificate);
  attempt->refused_errors = errors;

  return FALSE;
}

/* Says why in words, unless the caller cancelled: that needs no words. */
static void
fail (GTask  *task,
      GError *error)
{
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(GError) owned = error;
  g_autofree char *why = NULL;

  if (g_cancellable_is_cancelled (attempt->caller_cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", owned->message);
      return;
    }

  if (attempt->timed_out)
    {
      g_clear_error (&owned);
      owned = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Timed out");
    }

  if (attempt->refused != NULL)
    {
      g_autofree char *reasons = lab_tls_describe_errors (attempt->refused_errors);

      g_task_return_new_error (task, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                               _("The server’s certificate is not trusted: %s"), reasons);
      return;
    }

  g_debug ("%s: %s", attempt->peer, owned->message);
  why = lab_close_code_describe_connect_error (owned, attempt->http_status,
                                               g_uri_get_host (attempt->uri),
                                               !lab_url_is_secure (attempt->uri));
  g_task_return_new_error (task, owned->domain, owned->code, "%s", why);
}

static void
close_stream (GIOStream *stream)
{
  g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_object_unref (stream);
}

static void
upgraded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  GIOStream *metered;
  GError *error = NULL;

  attempt->handshake = lab_client_upgrade_finish (result, &attempt->http_status, &error);
  if (attempt->handshake == NULL)
    {
      fail (task, error);
      return;
    }

  /* No limit of ours on what the server sends: libsoup's own per frame. */
  metered = lab_metered_io_stream_new (attempt->stream, 0);
  lab_metered_output_stream_set_masked (LAB_METERED_OUTPUT_STREAM (g_io_stream_get_output_stream (metered)),
                                        TRUE);
  g_clear_object (&attempt->stream);

  /* Cancelled meanwhile, GTask hands it back here to be closed. */
  g_task_return_pointer (task, metered, (GDestroyNotify) close_stream);
}

static void
upgrade (GTask *task)
{
  Attempt *attempt = g_task_get_task_data (task);

  lab_client_upgrade_async (attempt->stream, attempt->uri, attempt->cancellable,
                            upgraded_cb, task);
}

static void
tls_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  GError *error = NULL;

  g_signal_handlers_disconnect_by_data (object, attempt);
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error))
    {
      fail (task, error);
      return;
    }

  upgrade (g_steal_pointer (&task));
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(GSocketConnection) connection = NULL;
  GError *error = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection == NULL)
    {
      fail (task, error);
      return;
    }

  if (!lab_url_is_secure (attempt->uri))
    {
      attempt->stream = G_IO_STREAM (g_steal_pointer (&connection));
      upgrade (g_steal_pointer (&task));
      return;
    }

  attempt->stream = g_tls_client_connection_new (G_IO_STREAM (connection), attempt->address, &error);
  if (attempt->stream == NULL)
    {
      fail (task, error);
      return;
    }

  g_tls_connection_set_database (G_TLS_CONNECTION (attempt->stream), attempt->database);
  g_signal_connect (attempt->stream, "accept-certificate", G_CALLBACK (accept_certificate_cb), attempt);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (attempt->stream), G_PRIORITY_DEFAULT,
                                    attempt->cancellable, tls_done_cb, g_steal_pointer (&task));
}

static void
start_connect (GTask *task)
{
  Attempt *attempt = g_task_get_task_data (task);

  g_socket_client_connect_async (attempt->socket_client, attempt->address, attempt->cancellable,
                                 connected_cb, task);
}

static void
database_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  attempt->database = lab_trust_store_load_database_finish (LAB_TRUST_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  start_connect (g_steal_pointer (&task));
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Attempt *attempt = user_data;

  attempt->timed_out = TRUE;
  g_cancellable_cancel (attempt->cancellable);
  g_clear_pointer (&attempt->timeout_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

/**
 * lab_client_attempt_async:
 * @socket_client: the channel's, held until the attempt is over
 * @uri: a WebSocket address, from lab_url_parse_websocket()
 *
 * Connects once, trusting what @trust_store trusts, within
 * %LAB_CLIENT_ATTEMPT_TIMEOUT_S seconds.
 */
void
lab_client_attempt_async (GSocketClient       *socket_client,
                          LabTrustStore       *trust_store,
                          GUri                *uri,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Attempt *attempt;

  g_return_if_fail (G_IS_SOCKET_CLIENT (socket_client));
  g_return_if_fail (LAB_IS_TRUST_STORE (trust_store));
  g_return_if_fail (uri != NULL);

  attempt = g_new0 (Attempt, 1);
  attempt->socket_client = g_object_ref (socket_client);
  attempt->trust_store = g_object_ref (trust_store);
  attempt->uri = g_uri_ref (uri);
  attempt->address = g_network_address_new (g_uri_get_host (uri), (guint16) lab_url_get_port (uri));
  attempt->peer = lab_url_dup_host_port (uri);
  attempt->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      attempt->caller_cancellable = g_object_ref (cancellable);
      attempt->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                            G_CALLBACK (caller_cancelled_cb),
                                                            g_object_ref (attempt->cancellable),
                                                            g_object_unref);
    }
  attempt->timeout_source = g_timeout_source_new_seconds (LAB_CLIENT_ATTEMPT_TIMEOUT_S);
  g_source_set_callback (attempt->timeout_source, timeout_cb, attempt, NULL);
  g_source_attach (attempt->timeout_source, g_main_context_get_thread_default ());

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_client_attempt_async);
  g_task_set_task_data (task, attempt, (GDestroyNotify) attempt_free);

  if (lab_url_is_secure (uri))
    lab_trust_store_load_database_async (trust_store, attempt->cancellable, database_loaded_cb,
                                         g_steal_pointer (&task));
  else
    start_connect (g_steal_pointer (&task));
}

/**
 * lab_client_attempt_finish:
 * @handshake: (out) (optional) (transfer full) (nullable): the opening
 *   handshake as sent both ways, when it succeeded
 * @refused: (out) (optional) (transfer full) (nullable): the server's
 *   certificate, when the attempt failed for it
 * @refused_errors: (out) (optional): why it was refused
 * @peer: (out) (optional) (transfer full): "host:port" of the server
 * @error: what went wrong, its message in words for people; %G_TLS_ERROR_BAD_CERTIFICATE
 *   for a refused certificate, %G_IO_ERROR_CANCELLED once cancelled
 *
 * Returns: (transfer full) (nullable): a #LabMeteredIoStream to the server,
 *   the handshake done: for soup_websocket_connection_new(), once whatever
 *   watches its meters is in place (the server's first frame may be there)
 */
GIOStream *
lab_client_attempt_finish (GAsyncResult          *result,
                           LabHandshake         **handshake,
                           GTlsCertificate      **refused,
                           GTlsCertificateFlags  *refused_errors,
                           char                 **peer,
                           GError               **error)
{
  Attempt *attempt;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_client_attempt_async, NULL);

  attempt = g_task_get_task_data (G_TASK (result));
  if (handshake != NULL)
    *handshake = attempt->handshake ? g_object_ref (attempt->handshake) : NULL;
  if (refused != NULL)
    *refused = attempt->refused ? g_object_ref (attempt->refused) : NULL;
  if (refused_errors != NULL)
    *refused_errors = attempt->refused_errors;
  if (peer != NULL)
    *peer = g_strdup (attempt->peer);

  return g_task_propagate_pointer (G_TASK (result), error);
}
