/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-client-attempt.h"
#include "lab-close-code.h"
#include "lab-url.h"

/* One connect attempt of a client channel: the trust store's database for a
 * wss:// address, then the WebSocket handshake, with a certificate that fails
 * verification checked against the certificates the store trusts. A failure
 * comes back in words for people. */

typedef struct
{
  SoupSession          *session;
  SoupMessage          *message;
  LabTrustStore        *trust_store;
  char                 *peer;            /* "host:port" */
  /* The certificate this attempt refused, and why */
  GTlsCertificate      *refused;
  GTlsCertificateFlags  refused_errors;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_signal_handlers_disconnect_by_data (attempt->message, attempt);

  g_clear_object (&attempt->session);
  g_clear_object (&attempt->message);
  g_clear_object (&attempt->trust_store);
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

/* libsoup asks only about a certificate that failed verification. */
static gboolean
accept_certificate_cb (SoupMessage          *message,
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

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  SoupWebsocketConnection *connection;
  GUri *uri;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);

  /* Cancelled meanwhile, GTask hands it back here to be closed cleanly. */
  if (connection != NULL)
    {
      g_task_return_pointer (task, connection, (GDestroyNotify) lab_client_release_connection);
      return;
    }

  if (attempt->refused != NULL)
    {
      g_autofree char *reasons = lab_tls_describe_errors (attempt->refused_errors);

      g_task_return_new_error (task, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                               _("The server’s certificate is not trusted: %s"), reasons);
      return;
    }

  g_debug ("%s: %s", attempt->peer, error->message);
  uri = soup_message_get_uri (attempt->message);
  why = lab_close_code_describe_connect_error (error, soup_message_get_status (attempt->message),
                                               g_uri_get_host (uri), !lab_url_is_secure (uri));
  g_task_return_new_error (task, error->domain, error->code, "%s", why);
}

static void
start_handshake (GTask *task)
{
  Attempt *attempt = g_task_get_task_data (task);

  soup_session_websocket_connect_async (attempt->session, attempt->message, NULL, NULL,
                                        G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                        connected_cb, task);
}

static void
database_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  database = lab_trust_store_load_database_finish (LAB_TRUST_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  soup_session_set_tls_database (attempt->session, database);
  start_handshake (g_steal_pointer (&task));
}

/**
 * lab_client_attempt_async:
 * @session: a session of this attempt's own: a wss:// attempt sets its TLS
 *   database; a ws:// one wants none (libsoup would look up the system's on
 *   this thread)
 * @uri: a WebSocket address, from lab_url_parse_websocket()
 *
 * Connects once, trusting what @trust_store trusts.
 */
void
lab_client_attempt_async (SoupSession         *session,
                          LabTrustStore       *trust_store,
                          GUri                *uri,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Attempt *attempt;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (LAB_IS_TRUST_STORE (trust_store));
  g_return_if_fail (uri != NULL);

  attempt = g_new0 (Attempt, 1);
  attempt->session = g_object_ref (session);
  attempt->trust_store = g_object_ref (trust_store);
  attempt->message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  attempt->peer = lab_url_dup_host_port (uri);
  g_signal_connect (attempt->message, "accept-certificate",
                    G_CALLBACK (accept_certificate_cb), attempt);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_client_attempt_async);
  g_task_set_task_data (task, attempt, (GDestroyNotify) attempt_free);

  if (lab_url_is_secure (uri))
    lab_trust_store_load_database_async (trust_store, cancellable, database_loaded_cb,
                                         g_steal_pointer (&task));
  else
    start_handshake (g_steal_pointer (&task));
}

/**
 * lab_client_attempt_finish:
 * @refused: (out) (optional) (transfer full) (nullable): the server's
 *   certificate, when the attempt failed for it
 * @refused_errors: (out) (optional): why it was refused
 * @peer: (out) (optional) (transfer full): "host:port" of the server
 * @error: what went wrong, its message in words for people; %G_TLS_ERROR_BAD_CERTIFICATE
 *   for a refused certificate, %G_IO_ERROR_CANCELLED once cancelled
 *
 * Returns: (transfer full) (nullable): the open connection
 */
SoupWebsocketConnection *
lab_client_attempt_finish (GAsyncResult          *result,
                           GTlsCertificate      **refused,
                           GTlsCertificateFlags  *refused_errors,
                           char                 **peer,
                           GError               **error)
{
  Attempt *attempt;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_client_attempt_async, NULL);

  attempt = g_task_get_task_data (G_TASK (result));
  if (refused != NULL)
    *refused = attempt->refused ? g_object_ref (attempt->refused) : NULL;
  if (refused_errors != NULL)
    *refused_errors = attempt->refused_errors;
  if (peer != NULL)
    *peer = g_strdup (attempt->peer);

  return g_task_propagate_pointer (G_TASK (result), error);
}
