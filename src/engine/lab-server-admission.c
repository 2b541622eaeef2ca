/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-peer-private.h"
#include "lab-protocol.h"
#include "lab-server-private.h"
#include "lab-web-pages.h"

/* Who gets in, under the server's limits (LabServerLimits): a WebSocket
 * upgrade past the client limit gets 503, one from a page of another site
 * 403; a connection that sends no complete HTTP request within the request
 * timeout is closed; a peer sending faster than the message rate is told so
 * and closed with 1008. Each refusal is logged with its reason. */

/* A connection accepted that has not yet sent a complete request. */
typedef struct
{
  GSocket *socket;   /* not owned: the entry goes when the socket does */
  char    *remote;
  gint64   since;    /* monotonic µs */
} Awaiting;

static void
awaiting_free (Awaiting *awaiting)
{
  g_free (awaiting->remote);
  g_free (awaiting);
}

LabServerLimits *
lab_server_get_limits (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);

  return self->limits;
}

static char *
format_address (GSocketAddress *address)
{
  GSocketConnectable *connectable = G_SOCKET_CONNECTABLE (address);

  return address != NULL ? g_socket_connectable_to_string (connectable) : g_strdup ("?");
}

/* Into the event log directly: the rest of the server never calls back here. */
static void
log_event (LabServer *self,
           LabEvent  *event)
{
  lab_bounded_list_add (self->event_log, event);
  g_object_unref (event);
}

static void
log_refusal (LabServer      *self,
             GSocketAddress *remote,
             const char     *path,
             const char     *why)
{
  g_autofree char *address = format_address (remote);

  log_event (self, lab_event_new (LAB_EVENT_REFUSED, 0, address, path, why));
}

/* The address may have been taken by a newer connection since. */
static void
forget (LabServer *self,
        Awaiting  *awaiting)
{
  if (g_hash_table_lookup (self->awaiting_by_remote, awaiting->remote) == awaiting)
    g_hash_table_remove (self->awaiting_by_remote, awaiting->remote);
  g_hash_table_remove (self->awaiting_by_socket, awaiting->socket);
}

/* Once a second while connections are awaited: the silent ones go. */
static gboolean
deadline_cb (gpointer user_data)
{
  LabServer *self = user_data;
  guint timeout = lab_server_limits_get_request_timeout (self->limits);
  gint64 too_old = g_get_monotonic_time () - (gint64) timeout * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) silent = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  if (timeout > 0)
    {
      g_hash_table_iter_init (&iter, self->awaiting_by_socket);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (((Awaiting *) value)->since < too_old)
          g_ptr_array_add (silent, value);
    }

  for (guint i = 0; i < silent->len; i++)
    {
      Awaiting *awaiting = g_ptr_array_index (silent, i);
      g_autofree char *why = g_strdup_printf (ngettext ("no request within %u second",
                                                        "no request within %u seconds", timeout),
                                              timeout);

      log_event (self, lab_event_new (LAB_EVENT_REFUSED, 0, awaiting->remote, NULL,
                                                  why));
      /* libsoup, or the TLS handshake under way, sees the socket closed and
       * lets the connection go. */
      g_socket_close (awaiting->socket, NULL);
      forget (self, awaiting);
    }

  if (g_hash_table_size (self->awaiting_by_socket) > 0)
    return G_SOURCE_CONTINUE;

  self->deadline_source = 0;
  return G_SOURCE_REMOVE;
}

/* @socket was just accepted: it has the request timeout to send a request. */
void
_lab_server_await_request (LabServer      *self,
                           GSocket        *socket,
                           GSocketAddress *remote)
{
  Awaiting *awaiting = g_new0 (Awaiting, 1);

  awaiting->socket = socket;
  awaiting->remote = format_address (remote);
  awaiting->since = g_get_monotonic_time ();
  /* A remote address seen again replaces the entry of a socket long gone. */
  g_hash_table_replace (self->awaiting_by_remote, awaiting->remote, awaiting);
  g_hash_table_replace (self->awaiting_by_socket, socket, awaiting);

  if (self->deadline_source == 0)
    self->deadline_source = g_timeout_add_seconds (1, deadline_cb, self);
}

/* The socket is gone before its deadline. */
void
_lab_server_forget_awaiting (LabServer *self,
                             GSocket   *socket)
{
  Awaiting *awaiting = g_hash_table_lookup (self->awaiting_by_socket, socket);

  if (awaiting != NULL)
    forget (self, awaiting);
}

void
_lab_server_request_read_cb (SoupServer        *soup,
                             SoupServerMessage *message,
                             gpointer           user_data)
{
  LabServer *self = user_data;
  g_autofree char *remote = format_address (soup_server_message_get_remote_address (message));
  Awaiting *awaiting = g_hash_table_lookup (self->awaiting_by_remote, remote);

  if (awaiting != NULL)
    forget (self, awaiting);
}

void
_lab_server_init_admission (LabServer *self)
{
  self->awaiting_by_socket = g_hash_table_new_full (NULL, NULL, NULL,
                                                    (GDestroyNotify) awaiting_free);
  self->awaiting_by_remote = g_hash_table_new (g_str_hash, g_str_equal);
}

void
_lab_server_clear_admission (LabServer *self)
{
  g_clear_handle_id (&self->deadline_source, g_source_remove);
  g_clear_pointer (&self->awaiting_by_remote, g_hash_table_unref);
  g_clear_pointer (&self->awaiting_by_socket, g_hash_table_unref);
}

/**
 * _lab_server_admit_upgrade:
 * @tls: whether the request came over TLS
 *
 * A WebSocket upgrade under the client limit from an allowed Origin goes
 * on; anything else is answered here, with the reason logged.
 *
 * Returns: whether the upgrade may go on
 */
gboolean
_lab_server_admit_upgrade (LabServer         *self,
                           SoupServerMessage *message,
                           gboolean           tls)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *origin = soup_message_headers_get_one (headers, "Origin");
  const char *path = g_uri_get_path (soup_server_message_get_uri (message));
  guint max_clients = lab_server_limits_get_max_clients (self->limits);
  g_autofree char *why = NULL;

  if (max_clients > 0 && g_list_model_get_n_items (G_LIST_MODEL (self->peers)) >= max_clients)
    {
      why = g_strdup_printf (ngettext ("the server is full (%u client)",
                                       "the server is full (%u clients)", max_clients),
                             max_clients);
      soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                    "Retry-After", "10");
      lab_web_respond_text (message, SOUP_STATUS_SERVICE_UNAVAILABLE,
                            "The server is full: try again in a few seconds.\n");
      log_refusal (self, soup_server_message_get_remote_address (message), path, why);
      return FALSE;
    }

  if (!lab_server_limits_allows_origin (self->limits, origin,
                                        soup_message_headers_get_one (headers, "Host"), tls))
    {
      why = g_strdup_printf (_("Origin %s is not allowed"), origin);
      lab_web_respond_text (message, SOUP_STATUS_FORBIDDEN,
                            "This page may not connect to this server: its origin is not allowed.\n");
      log_refusal (self, soup_server_message_get_remote_address (message), path, why);
      return FALSE;
    }

  return TRUE;
}

/**
 * _lab_server_within_rate:
 *
 * One message from @peer against its allowance (a token bucket: the
 * message rate, with bursts of LAB_RATE_BURST_SECONDS' worth). A peer over
 * it is told why and closed with 1008; everyone else goes on.
 *
 * Returns: whether the message may be handled
 */
gboolean
_lab_server_within_rate (LabServer *self,
                         LabPeer   *peer)
{
  guint rate = lab_server_limits_get_max_rate (self->limits);
  g_autofree char *why = NULL;
  g_autofree char *reply = NULL;

  if (rate == 0 ||
      _lab_peer_take_token (peer, rate, lab_server_limits_get_max_burst (self->limits)))
    return TRUE;

  why = g_strdup_printf (ngettext ("Too many messages: more than %u a second",
                                   "Too many messages: more than %u a second", rate),
                         rate);
  reply = lab_protocol_format_error (why);
  log_event (self, _lab_peer_new_event (peer, LAB_EVENT_ERROR, why));
  _lab_peer_send (peer, LAB_PEER_SLOT_ERROR, reply);
  _lab_peer_close (peer, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, why);

  return FALSE;
}
