/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <glib/gi18n.h>

#include "lab-endpoint.h"
#include "lab-network.h"
#include "lab-peer-private.h"
#include "lab-poll-hub.h"
#include "lab-server-private.h"

/* Listening: one SoupServer per role (the main port routes by path; the
 * classic ports put the tutorial's time and hello servers at "/"), on sockets
 * made here for their backlog, IPv4 and IPv6, loopback or every interface.
 *
 * Connections are accepted here too, not by libsoup's listener, and handed to
 * libsoup with soup_server_accept_iostream(): libsoup 3.2 keeps a reference to
 * every socket its listener accepts (one GSocket lost per connection, a
 * classroom server grows all day). Here each accepted socket belongs to its
 * GSocketConnection, which libsoup or the LabPeer holds while the peer is
 * there; libsoup never sees the GSocket itself, on any version. */

/* A class joining at once must not wait in a queue of 10, libsoup's default. */
#define LAB_LISTEN_BACKLOG 1024
/* Connections accepted per main-loop turn: a class joining at once is taken in
 * batches, and the peers already in keep being served in between. */
#define LAB_ACCEPT_BATCH 64
/* After an accept error (out of file descriptors, say) the listening socket
 * stays readable: wait this long before trying again instead of spinning. */
#define LAB_ACCEPT_RETRY_MS 100

G_DEFINE_QUARK (lab-server-error-quark, lab_server_error)

/* Accepting */

static void
socket_finalized_cb (gpointer  data,
                     GObject  *where_the_object_was)
{
  LabServer *self = data;

  g_hash_table_remove (self->sockets, where_the_object_was);
  _lab_server_forget_awaiting (self, (GSocket *) where_the_object_was);
}

static void
track_socket (LabServer *self,
              GSocket   *socket)
{
  g_hash_table_add (self->sockets, socket);
  g_object_weak_ref (G_OBJECT (socket), socket_finalized_cb, self);
}

void
_lab_server_forget_sockets (LabServer *self)
{
  GHashTableIter iter;
  gpointer socket;

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, &socket, NULL))
    g_object_weak_unref (socket, socket_finalized_cb, self);
}

static void
hand_over (Listener       *listener,
           GIOStream      *stream,
           GSocketAddress *local_address,
           GSocketAddress *remote_address)
{
  g_autoptr(GError) error = NULL;

  /* libsoup takes its own reference to @stream and none to the socket under
   * it; the addresses are what soup_server_message_get_remote_address() gives. */
  if (!soup_server_accept_iostream (listener->soup, stream, local_address, remote_address, &error))
    g_debug ("libsoup refused a connection: %s", error->message);
}

static void
handshake_free (Handshake *handshake)
{
  g_clear_object (&handshake->cancellable);
  g_clear_object (&handshake->local_address);
  g_clear_object (&handshake->remote_address);
  g_free (handshake);
}

static void
handshake_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Handshake *handshake = user_data;
  g_autoptr(GError) error = NULL;

  /* A failed or cancelled handshake drops the last reference to the TLS
   * connection here, and with it the socket. */
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error))
    g_debug ("TLS handshake failed: %s", error->message);
  else if (!g_cancellable_is_cancelled (handshake->cancellable))
    hand_over (handshake->listener, G_IO_STREAM (object),
               handshake->local_address, handshake->remote_address);

  handshake_free (handshake);
}

/* TLS is ours too: accept_iostream() gives libsoup a stream to speak HTTP on,
 * and libsoup only wraps the sockets its own listener accepts. */
static void
start_handshake (Listener       *listener,
                 GIOStream      *connection,
                 GSocketAddress *local_address,
                 GSocketAddress *remote_address)
{
  static const char * const protocols[] = { "http/1.1", "http/1.0", NULL };
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  Handshake *handshake;

  tls = g_tls_server_connection_new (connection, listener->tls_certificate, &error);
  if (tls == NULL)
    {
      g_debug ("Cannot start TLS: %s", error->message);
      return;
    }

  /* As libsoup's listener does: browsers often leave without close_notify. */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), protocols);

  handshake = g_new0 (Handshake, 1);
  handshake->listener = listener;
  handshake->cancellable = g_object_ref (listener->cancellable);
  handshake->local_address = g_object_ref (local_address);
  handshake->remote_address = g_object_ref (remote_address);

  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    listener->cancellable, handshake_done_cb, handshake);
}

static void
accept_connection (Listener *listener,
                   GSocket  *socket)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) local_address = NULL;
  g_autoptr(GSocketAddress) remote_address = NULL;
  g_autoptr(GError) error = NULL;

  track_socket (listener->server, socket);

  /* A click or a state is one small frame: send it at once. */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  if (!g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, LAB_PEER_SOCKET_SEND_BUFFER, &error))
    {
      g_debug ("Cannot cap the send buffer of a connection: %s", error->message);
      g_clear_error (&error);
    }

  /* libsoup needs both; a peer that has left already has no remote address. */
  if (!(local_address = g_socket_get_local_address (socket, &error)) ||
      !(remote_address = g_socket_get_remote_address (socket, &error)))
    {
      g_debug ("Dropping a connection: %s", error->message);
      return;
    }

  _lab_server_await_request (listener->server, socket, remote_address);
  connection = g_socket_connection_factory_create_connection (socket);

  if (listener->tls_certificate != NULL)
    start_handshake (listener, G_IO_STREAM (connection), local_address, remote_address);
  else
    hand_over (listener, G_IO_STREAM (connection), local_address, remote_address);
}

static void acceptor_watch (Acceptor *acceptor);

static gboolean
accept_retry_cb (gpointer user_data)
{
  Acceptor *acceptor = user_data;

  acceptor->retry_source = 0;
  acceptor_watch (acceptor);

  return G_SOURCE_REMOVE;
}

static gboolean
accept_ready_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Acceptor *acceptor = user_data;

  for (guint i = 0; i < LAB_ACCEPT_BATCH; i++)
    {
      g_autoptr(GSocket) accepted = NULL;
      g_autoptr(GError) error = NULL;

      if (!(accepted = g_socket_accept (socket, NULL, &error)))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;

          if (!acceptor->failing)
            g_warning ("Cannot accept connections: %s", error->message);
          acceptor->failing = TRUE;

          g_clear_pointer (&acceptor->source, g_source_unref);
          acceptor->retry_source = g_timeout_add (LAB_ACCEPT_RETRY_MS, accept_retry_cb, acceptor);
          return G_SOURCE_REMOVE;
        }

      acceptor->failing = FALSE;
      accept_connection (acceptor->listener, accepted);
    }

  return G_SOURCE_CONTINUE;
}

static void
acceptor_watch (Acceptor *acceptor)
{
  g_assert (acceptor->source == NULL);

  acceptor->source = g_socket_create_source (acceptor->socket, G_IO_IN, NULL);
  g_source_set_static_name (acceptor->source, "[lab-server] accept");
  g_source_set_priority (acceptor->source, LAB_PRIORITY_CONNECTIONS);
  g_source_set_callback (acceptor->source, G_SOURCE_FUNC (accept_ready_cb), acceptor, NULL);
  g_source_attach (acceptor->source, NULL);
}

static void
acceptor_free (gpointer data)
{
  Acceptor *acceptor = data;

  if (acceptor->source != NULL)
    {
      g_source_destroy (acceptor->source);
      g_clear_pointer (&acceptor->source, g_source_unref);
    }

  g_clear_handle_id (&acceptor->retry_source, g_source_remove);
  g_socket_close (acceptor->socket, NULL);
  g_clear_object (&acceptor->socket);
  g_free (acceptor);
}

static void
listener_accept_on (Listener *listener,
                    GSocket  *socket)
{
  Acceptor *acceptor = g_new0 (Acceptor, 1);

  acceptor->listener = listener;
  acceptor->socket = g_object_ref (socket);
  g_ptr_array_add (listener->acceptors, acceptor);
  acceptor_watch (acceptor);
}

/* Listening */

static Listener *
listener_new (LabServer    *server,
              LabListenerRole  role)
{
  Listener *listener = g_new0 (Listener, 1);

  listener->server = server;
  listener->role = role;
  if (server->tls_certificate != NULL)
    listener->tls_certificate = g_object_ref (server->tls_certificate);
  listener->acceptors = g_ptr_array_new_with_free_func (acceptor_free);
  listener->cancellable = g_cancellable_new ();
  listener->soup = soup_server_new ("server-header", "WebSocketLab/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (listener->soup, NULL, _lab_server_request_cb, listener, NULL);
  g_signal_connect (listener->soup, "request-read", G_CALLBACK (_lab_server_request_read_cb), server);

  return listener;
}

void
_lab_server_listener_free (gpointer data)
{
  Listener *listener = data;

  /* Stop accepting, then close what is still speaking HTTP or TLS. */
  g_clear_pointer (&listener->acceptors, g_ptr_array_unref);
  g_cancellable_cancel (listener->cancellable);
  soup_server_disconnect (listener->soup);

  g_clear_object (&listener->soup);
  g_clear_object (&listener->cancellable);
  g_clear_object (&listener->tls_certificate);
  g_free (listener);
}

static GSocket *
listen_on (GInetAddress  *address,
           guint          port,
           GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSocketFamily family = g_inet_address_get_family (address);

  if (!(socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error)))
    return NULL;

  /* Separate sockets for IPv4 and IPv6 keep "::" from claiming 0.0.0.0 too. */
  if (family == G_SOCKET_FAMILY_IPV6 &&
      !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, error))
    return NULL;

  g_socket_set_listen_backlog (socket, LAB_LISTEN_BACKLOG);
  /* The accept loop takes connections until none is waiting. */
  g_socket_set_blocking (socket, FALSE);
  socket_address = g_inet_socket_address_new (address, port);

  if (!g_socket_bind (socket, socket_address, TRUE, error) ||
      !g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static guint
local_port_of (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return address ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) : 0;
}

/* Listens on the IPv4 and the IPv6 address of loopback or of all interfaces.
 * IPv6 may be missing (a sandbox without ::1): then IPv4 alone serves. */
gboolean
_lab_server_add_listener (LabServer        *self,
                          LabListenerRole  role,
              guint          port,
              guint         *bound_port,
              GError       **error)
{
  g_autoptr(GInetAddress) ipv4 = NULL;
  g_autoptr(GInetAddress) ipv6 = NULL;
  g_autoptr(GSocket) socket4 = NULL;
  g_autoptr(GSocket) socket6 = NULL;
  g_autoptr(GError) local_error = NULL;
  Listener *listener;

  if (self->allow_lan)
    {
      ipv4 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
      ipv6 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
    }
  else
    {
      ipv4 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      ipv6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
    }

  if (!(socket4 = listen_on (ipv4, port, &local_error)))
    goto failed;

  port = local_port_of (socket4);

  if (!(socket6 = listen_on (ipv6, port, &local_error)))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        goto failed;

      g_debug ("No IPv6 listener on port %u: %s", port, local_error->message);
      g_clear_error (&local_error);
    }

  listener = listener_new (self, role);
  g_ptr_array_add (self->listeners, listener);
  listener_accept_on (listener, socket4);
  if (socket6 != NULL)
    listener_accept_on (listener, socket6);

  *bound_port = port;
  return TRUE;

failed:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    g_set_error (error,
                 role == LAB_LISTENER_MAIN ? G_IO_ERROR : LAB_SERVER_ERROR,
                 role == LAB_LISTENER_MAIN ? G_IO_ERROR_ADDRESS_IN_USE : LAB_SERVER_ERROR_CLASSIC_PORT_IN_USE,
                 _("Port %u is already in use by another program"), port);
  else
    g_set_error (error, local_error->domain, local_error->code,
                 _("Cannot listen on port %u: %s"), port, local_error->message);
  return FALSE;
}

/* Where people reach the running listeners: 127.0.0.1, and with allow-lan
 * each LAN address too; per host, the main port's pages and counter, then
 * the classic ports. */
void
_lab_server_publish_endpoints (LabServer *self)
{
  g_autoptr(GPtrArray) endpoints = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_free);
  gboolean tls = self->tls_certificate != NULL;

  if (self->listeners->len > 0)
    {
      g_ptr_array_add (hosts, g_strdup ("127.0.0.1"));
      if (self->allow_lan)
        {
          g_auto(GStrv) lan = lab_network_dup_lan_addresses ();

          for (guint i = 0; lan[i] != NULL; i++)
            g_ptr_array_add (hosts, g_strdup (lan[i]));
        }
    }

  for (guint h = 0; h < hosts->len; h++)
    for (guint i = 0; i < self->listeners->len; i++)
      {
        Listener *listener = g_ptr_array_index (self->listeners, i);
        const char *host = g_ptr_array_index (hosts, h);

        switch (listener->role)
          {
          case LAB_LISTENER_MAIN:
            g_ptr_array_add (endpoints, lab_endpoint_new (LAB_ENDPOINT_COUNTER_PAGE, tls, host,
                                                          self->bound_port, "/", FALSE));
            g_ptr_array_add (endpoints, lab_endpoint_new (LAB_ENDPOINT_COUNTER, tls, host,
                                                          self->bound_port, "/", FALSE));
            g_ptr_array_add (endpoints, lab_endpoint_new (LAB_ENDPOINT_TIME_PAGE, tls, host,
                                                          self->bound_port, "/time.html", FALSE));
            break;
          case LAB_LISTENER_CLASSIC_TIME:
            g_ptr_array_add (endpoints, lab_endpoint_new (LAB_ENDPOINT_TIME, tls, host,
                                                          LAB_CLASSIC_TIME_PORT, "/", TRUE));
            break;
          case LAB_LISTENER_CLASSIC_HELLO:
            g_ptr_array_add (endpoints, lab_endpoint_new (LAB_ENDPOINT_HELLO, tls, host,
                                                          LAB_CLASSIC_HELLO_PORT, "/", TRUE));
            break;
          default:
            g_assert_not_reached ();
          }
      }

  g_list_store_splice (self->endpoints, 0, g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)),
                       endpoints->pdata, endpoints->len);
}

/**
 * lab_server_get_endpoints:
 *
 * Returns: (transfer none): the #LabEndpoint items people can reach while
 * the server runs, empty while it is stopped
 */
GListModel *
lab_server_get_endpoints (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);

  return G_LIST_MODEL (self->endpoints);
}

/**
 * lab_server_dup_url:
 *
 * Returns: (transfer full) (nullable): the URL of @kind on this computer
 * (127.0.0.1, the main port before the classic ones), or %NULL while stopped
 */
char *
lab_server_dup_url (LabServer       *self,
                    LabEndpointKind  kind)
{
  GListModel *endpoints;
  char *url = NULL;

  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);

  endpoints = G_LIST_MODEL (self->endpoints);
  for (guint i = 0; url == NULL && i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      if (lab_endpoint_get_kind (endpoint) == kind && lab_endpoint_is_loopback (endpoint))
        url = g_strdup (lab_endpoint_get_url (endpoint));
    }

  return url;
}

/**
 * lab_server_dup_urls:
 *
 * Returns: (transfer full): the WebSocket URLs of the running listeners, for
 * people to type: the counter on the main port, the classic ports' sockets
 */
char **
lab_server_dup_urls (LabServer *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GListModel *endpoints;

  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);

  endpoints = G_LIST_MODEL (self->endpoints);
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      if (lab_endpoint_get_kind (endpoint) == LAB_ENDPOINT_COUNTER || lab_endpoint_is_classic (endpoint))
        g_strv_builder_add (builder, lab_endpoint_get_url (endpoint));
    }

  return g_strv_builder_end (builder);
}

/*
 * _lab_server_get_n_sockets:
 *
 * Returns: how many sockets this server accepted that are still alive, with
 * their connection open or not: zero once every peer and page request is gone.
 */
guint
_lab_server_get_n_sockets (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), 0);

  return self->sockets != NULL ? g_hash_table_size (self->sockets) : 0;
}
