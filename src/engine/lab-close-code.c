/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-close-code"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-close-code.h"

/* Why a WebSocket connection ended, or never began, in words for people. Pure
 * functions: the client's status line and the server's leave lines use them. */

/* RFC 6455 §7.4.1 and the IANA registry; 1012 and 1013 have no name in libsoup. */
#define LAB_CLOSE_SERVICE_RESTART 1012
#define LAB_CLOSE_TRY_AGAIN_LATER 1013

/**
 * lab_close_code_get_meaning:
 *
 * Returns: (nullable): what @code means, or %NULL when it has no common meaning
 */
const char *
lab_close_code_get_meaning (gushort code)
{
  switch (code)
    {
    case SOUP_WEBSOCKET_CLOSE_NORMAL:
      return _("normal closure");
    case SOUP_WEBSOCKET_CLOSE_GOING_AWAY:
      return _("going away");
    case SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR:
      return _("protocol error");
    case SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA:
      return _("unsupported data");
    case SOUP_WEBSOCKET_CLOSE_NO_STATUS:
      return _("no code given");
    case SOUP_WEBSOCKET_CLOSE_ABNORMAL:
      return _("closed without a closing handshake");
    case SOUP_WEBSOCKET_CLOSE_BAD_DATA:
      return _("invalid data");
    case SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION:
      return _("policy violation");
    case SOUP_WEBSOCKET_CLOSE_TOO_BIG:
      return _("message too big");
    case SOUP_WEBSOCKET_CLOSE_NO_EXTENSION:
      return _("missing extension");
    case SOUP_WEBSOCKET_CLOSE_SERVER_ERROR:
      return _("server error");
    case LAB_CLOSE_SERVICE_RESTART:
      return _("service restart");
    case LAB_CLOSE_TRY_AGAIN_LATER:
      return _("try again later");
    case SOUP_WEBSOCKET_CLOSE_TLS_HANDSHAKE:
      return _("TLS handshake failed");
    default:
      return NULL;
    }
}

/**
 * lab_close_code_dup_label:
 *
 * Returns: (transfer full): "1001: going away", or just the number when it
 * has no common meaning
 */
char *
lab_close_code_dup_label (gushort code)
{
  const char *meaning = lab_close_code_get_meaning (code);

  if (meaning != NULL)
    return g_strdup_printf ("%u: %s", code, meaning);

  return g_strdup_printf ("%u", code);
}

/**
 * lab_close_code_describe_end:
 * @code: the close code the connection ended with (0 when none)
 * @failure: (nullable): the first error the connection reported, if any
 *
 * Returns: (transfer full): why an open connection ended, from the client's side
 */
char *
lab_close_code_describe_end (gushort       code,
                             const GError *failure)
{
  g_autofree char *label = NULL;

  /* libsoup closed it because of what the server sent: its error code is the close code. */
  if (failure != NULL && failure->domain == SOUP_WEBSOCKET_ERROR)
    {
      label = lab_close_code_dup_label (failure->code);
      return g_strdup_printf (_("The server sent something this client cannot accept, "
                                "so the client closed the connection (%s)"), label);
    }

  if (code == SOUP_WEBSOCKET_CLOSE_NO_STATUS)
    return g_strdup (_("The server closed the connection"));

  if (code == 0 || code == SOUP_WEBSOCKET_CLOSE_ABNORMAL)
    return g_strdup (_("The connection to the server was lost"));

  label = lab_close_code_dup_label (code);
  return g_strdup_printf (_("The server closed the connection (%s)"), label);
}

/**
 * lab_close_code_describe_connect_error:
 * @error: why the connect attempt failed
 * @http_status: the server's HTTP answer, 0 if none came
 * @host: the host the client tried
 * @plain_scheme: whether the address was ws:// or http://, without TLS
 *
 * Returns: (transfer full): why a connect attempt failed, for people
 */
char *
lab_close_code_describe_connect_error (const GError *error,
                                       guint         http_status,
                                       const char   *host,
                                       gboolean      plain_scheme)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET))
    return g_strdup_printf (_("Not a WebSocket server (HTTP %u)"), http_status);

  if (error->domain == SOUP_WEBSOCKET_ERROR)
    return g_strdup (_("The server answered with a WebSocket handshake that is not valid"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup (_("Connection refused: is the server running?"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup (_("The server did not answer in time"));

  if (error->domain == G_RESOLVER_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    return g_strdup_printf (_("Unknown host “%s”: check the address"), host);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_strdup (_("The server cannot be reached: check the address and the network"));

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return g_strdup (_("The server’s certificate is not trusted"));

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS))
    return g_strdup (_("The server does not use TLS: try ws:// instead of wss://"));

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_UNAVAILABLE))
    return g_strdup (_("Secure connections (wss://) are not available: glib-networking is missing"));

  if (error->domain == G_TLS_ERROR)
    return g_strdup_printf (_("The secure connection failed: %s"), error->message);

  if (g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING) ||
      g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING))
    return g_strdup (_("The server’s answer is not HTTP: is this the right port?"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    {
      if (plain_scheme)
        return g_strdup (_("The server closed the connection before answering: "
                           "if it uses TLS, try wss://"));
      return g_strdup (_("The server closed the connection before answering"));
    }

  return g_strdup_printf (_("Could not connect: %s"), error->message);
}

/**
 * lab_close_code_check_sendable:
 *
 * Whether a person may close a connection with @code and @reason: normal
 * closure, going away, policy violation, or an application's code 4000–4999,
 * with a reason that fits a close frame.
 */
gboolean
lab_close_code_check_sendable (gushort      code,
                               const char  *reason,
                               GError     **error)
{
  gboolean allowed = code == SOUP_WEBSOCKET_CLOSE_NORMAL ||
                     code == SOUP_WEBSOCKET_CLOSE_GOING_AWAY ||
                     code == SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION ||
                     (code >= 4000 && code <= 4999);

  if (!allowed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Close with 1000, 1001, 1008 or an application code from 4000 to 4999, not %u"),
                   code);
      return FALSE;
    }

  if (reason != NULL && (strlen (reason) > LAB_CLOSE_REASON_MAX || !g_utf8_validate (reason, -1, NULL)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A close reason is UTF-8 text of at most %d bytes"), LAB_CLOSE_REASON_MAX);
      return FALSE;
    }

  return TRUE;
}

static char *
describe_code (gushort     code,
               const char *reason)
{
  g_autofree char *label = lab_close_code_dup_label (code);

  if (reason != NULL && reason[0] != '\0')
    return g_strdup_printf ("%s, “%s”", label, reason);

  return g_steal_pointer (&label);
}

/**
 * lab_close_code_describe_exchange:
 * @initiator: who sent the first close frame
 * @local_name: this side, as the reader knows it ("the server")
 * @remote_name: the other side ("the client")
 * @sent_code: the code this side sent (0: none)
 * @received_code: the code this side received (0: none)
 * @abrupt_detail: (nullable): what happened when no close frame came
 *
 * Returns: (transfer full): who closed, with which code and reason, and what
 *   the other side answered, each code with its RFC 6455 meaning
 */
char *
lab_close_code_describe_exchange (LabCloseSide  initiator,
                                  const char   *local_name,
                                  const char   *remote_name,
                                  gushort       sent_code,
                                  const char   *sent_reason,
                                  gushort       received_code,
                                  const char   *received_reason,
                                  const char   *abrupt_detail)
{
  g_autofree char *sent = sent_code != 0 ? describe_code (sent_code, sent_reason) : NULL;
  g_autofree char *received = received_code != 0 ? describe_code (received_code, received_reason)
                                                 : NULL;
  g_autofree char *abnormal = lab_close_code_dup_label (SOUP_WEBSOCKET_CLOSE_ABNORMAL);
  const char *detail = abrupt_detail != NULL ? abrupt_detail : _("the connection was lost");

  switch (initiator)
    {
    case LAB_CLOSE_SIDE_LOCAL:
      if (received != NULL)
        /* Translators: "the server closed with 1000: normal closure; the client answered 1000: …" */
        return g_strdup_printf (_("%s closed with %s; %s answered %s"),
                                local_name, sent, remote_name, received);
      return g_strdup_printf (_("%s closed with %s; no answer came (%s: %s)"),
                              local_name, sent, abnormal, detail);

    case LAB_CLOSE_SIDE_REMOTE:
      if (sent != NULL)
        return g_strdup_printf (_("%s closed with %s; %s answered %s"),
                                remote_name, received, local_name, sent);
      return g_strdup_printf (_("%s closed with %s"), remote_name, received);

    case LAB_CLOSE_SIDE_NONE:
    default:
      return g_strdup_printf (_("%s, no close frame (%s)"), abnormal, detail);
    }
}
