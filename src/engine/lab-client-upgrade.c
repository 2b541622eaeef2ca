/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-client-upgrade.h"
#include "lab-url.h"

/* The client's side of the opening handshake, on a stream it owns: the
 * HTTP/1.1 upgrade request, the response read up to its blank line and not a
 * byte further (a server may send its first frame right behind the 101, and
 * those bytes belong to the WebSocket connection), and the checks RFC 6455
 * asks of a client, Sec-WebSocket-Accept derived step by step. */

#define HEAD_END "\r\n\r\n"

typedef struct
{
  GIOStream          *stream;
  SoupMessageHeaders *request_headers;
  char               *request_line;
  char               *request_text;
  char               *key;
  GByteArray         *response;
  GSource            *readable_source;
  guint               http_status;
} Upgrade;

static void
upgrade_free (Upgrade *upgrade)
{
  if (upgrade->readable_source != NULL)
    {
      g_source_destroy (upgrade->readable_source);
      g_source_unref (upgrade->readable_source);
    }
  g_clear_object (&upgrade->stream);
  g_clear_pointer (&upgrade->request_headers, soup_message_headers_unref);
  g_free (upgrade->request_line);
  g_free (upgrade->request_text);
  g_free (upgrade->key);
  g_clear_pointer (&upgrade->response, g_byte_array_unref);
  g_free (upgrade);
}

/* Sixteen random bytes in base64, as RFC 6455 section 4.1 asks. */
static char *
make_key (void)
{
  guint8 nonce[16];

  for (guint i = 0; i < sizeof nonce; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (nonce + i, &r, 4);
    }

  return g_base64_encode (nonce, sizeof nonce);
}

/* Host as RFC 7230 wants it: the port only when it is not the scheme's own. */
static char *
format_host (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  int scheme_port = lab_url_is_secure (uri) ? 443 : 80;

  if (g_uri_get_port (uri) == -1 || g_uri_get_port (uri) == scheme_port)
    return strchr (host, ':') != NULL ? g_strdup_printf ("[%s]", host) : g_strdup (host);

  return lab_url_format_host_port (host, (guint) g_uri_get_port (uri));
}

static void
append_line_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  g_string_append_printf (user_data, "%s: %s\r\n", name, value);
}

static void
build_request (Upgrade *upgrade,
               GUri    *uri)
{
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  g_autofree char *host = format_host (uri);
  GString *text;

  upgrade->key = make_key ();
  upgrade->request_line = g_strdup_printf ("GET %s%s%s HTTP/1.1", *path != '\0' ? path : "/",
                                           query != NULL ? "?" : "", query != NULL ? query : "");

  /* What libsoup's client sent before, less what it offered and we do not
   * take (compression would hide the frames from the Inspector). No Origin:
   * a browser sends one, a program need not. */
  upgrade->request_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_append (upgrade->request_headers, "Host", host);
  soup_message_headers_append (upgrade->request_headers, "Upgrade", "websocket");
  soup_message_headers_append (upgrade->request_headers, "Connection", "Upgrade");
  soup_message_headers_append (upgrade->request_headers, "Sec-WebSocket-Key", upgrade->key);
  soup_message_headers_append (upgrade->request_headers, "Sec-WebSocket-Version", "13");

  text = g_string_new (upgrade->request_line);
  g_string_append (text, "\r\n");
  soup_message_headers_foreach (upgrade->request_headers, append_line_cb, text);
  g_string_append (text, "\r\n");
  upgrade->request_text = g_string_free (text, FALSE);
}

static gboolean
head_is_whole (GByteArray *response)
{
  return response->len >= 4 && memcmp (response->data + response->len - 4, HEAD_END, 4) == 0;
}

/* How much may be read without passing the blank line: when the bytes so far
 * end with k bytes of "\r\n\r\n", the head ends at the earliest 4 - k bytes on. */
static gsize
safe_read_size (GByteArray *response)
{
  for (guint k = MIN (3, response->len); k > 0; k--)
    if (memcmp (response->data + response->len - k, HEAD_END, k) == 0)
      return 4 - k;

  return 4;
}

static gboolean
check_response (Upgrade            *upgrade,
                SoupMessageHeaders *headers,
                GError            **error)
{
  g_autofree char *expected = lab_handshake_derive_accept (upgrade->key, NULL, NULL);
  const char *accept = soup_message_headers_get_one (headers, "Sec-WebSocket-Accept");
  const char *why = NULL;

  if (upgrade->http_status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      g_set_error (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET,
                   _("The server refused the WebSocket handshake (HTTP %u)"), upgrade->http_status);
      return FALSE;
    }

  if (!soup_message_headers_header_equals (headers, "Upgrade", "websocket"))
    why = _("The server’s answer has no “Upgrade: websocket”");
  else if (!soup_message_headers_header_contains (headers, "Connection", "upgrade"))
    why = _("The server’s answer has no “Connection: Upgrade”");
  else if (g_strcmp0 (accept, expected) != 0)
    why = _("The server’s Sec-WebSocket-Accept does not match the key");
  else if (soup_message_headers_get_one (headers, "Sec-WebSocket-Extensions") != NULL)
    why = _("The server chose an extension the client did not offer");
  else if (soup_message_headers_get_one (headers, "Sec-WebSocket-Protocol") != NULL)
    why = _("The server chose a subprotocol the client did not offer");

  if (why != NULL)
    {
      g_set_error_literal (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_BAD_HANDSHAKE, why);
      return FALSE;
    }

  return TRUE;
}

static void
finish_response (GTask *task)
{
  Upgrade *upgrade = g_task_get_task_data (task);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autofree char *reason = NULL;
  g_autofree char *response_line = NULL;
  g_autoptr(GError) error = NULL;
  SoupHTTPVersion version;

  if (!soup_headers_parse_response ((const char *) upgrade->response->data,
                                    (int) upgrade->response->len, headers, &version,
                                    &upgrade->http_status, &reason))
    {
      g_task_return_new_error (task, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING,
                               _("The server’s answer is not HTTP"));
      return;
    }

  if (!check_response (upgrade, headers, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  response_line = g_strdup_printf ("HTTP/1.%d %u %s", version == SOUP_HTTP_1_1 ? 1 : 0,
                                   upgrade->http_status, reason);
  g_task_return_pointer (task,
                         lab_handshake_new (upgrade->request_line, upgrade->request_headers,
                                            response_line, headers),
                         g_object_unref);
}

static void read_response (GTask *task);

static gboolean
readable_cb (GObject  *stream,
             gpointer  user_data)
{
  GTask *task = user_data;
  Upgrade *upgrade = g_task_get_task_data (task);

  g_clear_pointer (&upgrade->readable_source, g_source_unref);
  /* The source holds the task; read_response() makes a new one if need be. */
  read_response (g_object_ref (task));

  return G_SOURCE_REMOVE;
}

/* Reads what is there, never past the head; waits for more when nothing is.
 * Takes the reference it is given. */
static void
read_response (GTask *task)
{
  Upgrade *upgrade = g_task_get_task_data (task);
  GPollableInputStream *input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (upgrade->stream));

  while (!head_is_whole (upgrade->response))
    {
      g_autoptr(GError) error = NULL;
      guint8 buffer[4];
      gssize n;

      if (upgrade->response->len >= LAB_CLIENT_UPGRADE_MAX_RESPONSE)
        {
          g_task_return_new_error (task, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING,
                                   _("The server’s answer is too long"));
          g_object_unref (task);
          return;
        }

      n = g_pollable_input_stream_read_nonblocking (input, buffer, safe_read_size (upgrade->response),
                                                    g_task_get_cancellable (task), &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          upgrade->readable_source = g_pollable_input_stream_create_source (input,
                                                                            g_task_get_cancellable (task));
          g_source_set_callback (upgrade->readable_source, G_SOURCE_FUNC (readable_cb), task,
                                 g_object_unref);
          g_source_attach (upgrade->readable_source, g_main_context_get_thread_default ());
          return;
        }

      if (n < 0)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }

      if (n == 0)
        {
          g_task_return_new_error (task, G_IO_ERROR,
                                   upgrade->response->len > 0 ? G_IO_ERROR_PARTIAL_INPUT
                                                              : G_IO_ERROR_CONNECTION_CLOSED,
                                   _("The server closed the connection before answering"));
          g_object_unref (task);
          return;
        }

      g_byte_array_append (upgrade->response, buffer, n);
    }

  finish_response (task);
  g_object_unref (task);
}

static void
request_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  read_response (g_steal_pointer (&task));
}

/**
 * lab_client_upgrade_async:
 * @stream: a connection to the server, TLS already on it for wss://; its
 *   input must be pollable (a socket's or a TLS connection's is)
 * @uri: the WebSocket address
 *
 * Sends the upgrade request and reads the response up to its end, no
 * further: what follows stays in @stream for the WebSocket connection.
 */
void
lab_client_upgrade_async (GIOStream           *stream,
                          GUri                *uri,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Upgrade *upgrade;

  g_return_if_fail (G_IS_IO_STREAM (stream));
  g_return_if_fail (G_IS_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream)));
  g_return_if_fail (uri != NULL);

  upgrade = g_new0 (Upgrade, 1);
  upgrade->stream = g_object_ref (stream);
  upgrade->response = g_byte_array_new ();
  build_request (upgrade, uri);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_client_upgrade_async);
  g_task_set_task_data (task, upgrade, (GDestroyNotify) upgrade_free);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), upgrade->request_text,
                                   strlen (upgrade->request_text), G_PRIORITY_DEFAULT, cancellable,
                                   request_written_cb, g_steal_pointer (&task));
}

/**
 * lab_client_upgrade_finish:
 * @http_status: (out) (optional): the server's status, 0 if none came
 * @error: %SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET for an answer other than 101,
 *   %SOUP_WEBSOCKET_ERROR_BAD_HANDSHAKE for a 101 that does not check out,
 *   %SOUP_SESSION_ERROR_PARSING for one that is not HTTP, or an I/O error
 *
 * Returns: (transfer full) (nullable): the handshake, as sent both ways
 */
LabHandshake *
lab_client_upgrade_finish (GAsyncResult  *result,
                           guint         *http_status,
                           GError       **error)
{
  Upgrade *upgrade;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_client_upgrade_async, NULL);

  upgrade = g_task_get_task_data (G_TASK (result));
  if (http_status != NULL)
    *http_status = upgrade->http_status;

  return g_task_propagate_pointer (G_TASK (result), error);
}
