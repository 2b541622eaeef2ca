/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-network.h"
#include "lab-peer-private.h"
#include "lab-protocol.h"
#include "lab-server-private.h"

/* One SoupServer per listening role: the main port routes by path (counter,
 * time, hello and the browser pages); the classic ports put the tutorial's time
 * and hello servers at "/". All share one counter. WebSocket upgrades are
 * handled here rather than by soup_server_add_websocket_handler() so that each
 * connection runs over a metered stream (see LabPeer).
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
/* Enough history to scroll back through a lesson; the oldest drop off. */
#define LAB_EVENT_LOG_CAPACITY 1000
/* The tutorial sleeps random.random() * 3 seconds between two timestamps. */
#define LAB_TIME_INTERVAL_MAX_DEFAULT 3.0
#define WEB_RESOURCE_PREFIX "/io/github/wslab/WebSocketLab/web/"

typedef enum
{
  LISTENER_MAIN,
  LISTENER_CLASSIC_TIME,
  LISTENER_CLASSIC_HELLO,
} ListenerRole;

typedef struct
{
  LabServer       *server;
  SoupServer      *soup;
  ListenerRole     role;
  /* NULL for ws:// and http://; the setting when the server started. */
  GTlsCertificate *tls_certificate;
  GPtrArray       *acceptors;
  /* Cancels the TLS handshakes under way when the listener goes. */
  GCancellable    *cancellable;
} Listener;

/* One listening socket (IPv4 or IPv6) of a listener. */
typedef struct
{
  Listener *listener;
  GSocket  *socket;
  GSource  *source;
  guint     retry_source;
  guint     failing : 1;
} Acceptor;

typedef struct
{
  Listener       *listener;
  GCancellable   *cancellable;
  GSocketAddress *local_address;
  GSocketAddress *remote_address;
} Handshake;

typedef struct
{
  LabServer *server;
  LabPeer   *peer;
  guint      source;
} TimeStream;

typedef struct
{
  LabServer *server;
  LabRoute   route;
} Upgrade;

struct _LabServer
{
  GObject          parent_instance;

  LabCounter      *counter;
  LabEventLog     *event_log;
  GListStore      *peers;
  GPtrArray       *listeners;
  GTlsCertificate *tls_certificate;

  /* Not owned: each is in @peers while open. */
  GPtrArray       *counter_peers;
  GPtrArray       *newcomers;
  GHashTable      *time_streams;

  GPtrArray       *shutdown_tasks;

  /* Not owned: every socket accepted and not yet finalized (weak references). */
  GHashTable      *sockets;

  double           time_interval_max;
  guint            stall_timeout_ms;
  guint            port;
  guint            bound_port;
  guint            next_peer_id;
  guint            flush_source;

  guint            allow_lan : 1;
  guint            classic_ports : 1;
  guint            users_dirty : 1;
  guint            state_dirty : 1;
};

enum {
  PROP_0,
  PROP_ALLOW_LAN,
  PROP_BOUND_PORT,
  PROP_CLASSIC_PORTS,
  PROP_COUNTER,
  PROP_EVENT_LOG,
  PROP_PEERS,
  PROP_PORT,
  PROP_RUNNING,
  PROP_STALL_TIMEOUT,
  PROP_TIME_INTERVAL_MAX,
  PROP_TLS_CERTIFICATE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabServer, lab_server, G_TYPE_OBJECT)
G_DEFINE_QUARK (lab-server-error-quark, lab_server_error)

static GParamSpec *properties[N_PROPS];

/* The web pages' resource bundle, linked into this library. */
GResource *lab_web_get_resource (void);

static void
log_event (LabServer *self,
           LabEvent  *event)
{
  lab_event_log_append (self->event_log, event);
  g_object_unref (event);
}

/* The path, and the endpoint when the path alone does not say (the classic
 * ports serve time and hello at "/"). */
static char *
describe_path (LabPeer *peer)
{
  static const char * const endpoints[] = {
    [LAB_ROUTE_COUNTER] = "counter",
    [LAB_ROUTE_TIME] = "time",
    [LAB_ROUTE_HELLO] = "hello",
  };
  const char *path = lab_peer_get_path (peer);
  LabRoute route = lab_peer_get_route (peer);

  if (g_str_equal (path, "/") && route != LAB_ROUTE_COUNTER)
    return g_strdup_printf ("/ (%s)", endpoints[route]);

  return g_strdup (path);
}

static LabEvent *
peer_event (LabEventKind  kind,
            LabPeer      *peer,
            const char   *detail)
{
  g_autofree char *path = describe_path (peer);

  return lab_event_new (kind,
                        lab_peer_get_id (peer),
                        lab_peer_get_remote_address (peer),
                        path,
                        detail);
}

/* Counter */

static gboolean
flush_broadcasts_cb (gpointer user_data)
{
  LabServer *self = user_data;
  g_autofree char *users_text = NULL;
  g_autofree char *state_text = NULL;
  guint n_peers = self->counter_peers->len;

  self->flush_source = 0;

  if (self->users_dirty)
    users_text = lab_protocol_format_users (lab_counter_get_users (self->counter));
  state_text = lab_protocol_format_state (lab_counter_get_value (self->counter));

  /* The tutorial's order: users to everyone, then the state; a newcomer gets
   * the state even when it did not change. */
  for (guint i = 0; i < n_peers; i++)
    {
      LabPeer *peer = g_ptr_array_index (self->counter_peers, i);

      if (users_text != NULL)
        _lab_peer_send (peer, LAB_PEER_SLOT_USERS, users_text);

      if (self->state_dirty || g_ptr_array_find (self->newcomers, peer, NULL))
        _lab_peer_send (peer, LAB_PEER_SLOT_STATE, state_text);
    }

  if (users_text != NULL && n_peers > 0)
    {
      LabEvent *event = lab_event_new (LAB_EVENT_MESSAGE_OUT, 0, NULL, NULL, users_text);

      lab_event_set_count (event, n_peers);
      lab_event_set_size (event, strlen (users_text));
      log_event (self, event);
    }

  if (self->state_dirty && n_peers > 0)
    {
      LabEvent *event = lab_event_new (LAB_EVENT_MESSAGE_OUT, 0, NULL, NULL, state_text);

      lab_event_set_count (event, n_peers);
      lab_event_set_size (event, strlen (state_text));
      log_event (self, event);
    }

  self->users_dirty = FALSE;
  self->state_dirty = FALSE;
  g_ptr_array_set_size (self->newcomers, 0);

  return G_SOURCE_REMOVE;
}

/* Everything that changed during one main-loop turn goes out as one message
 * per connection: a join storm or a burst of clicks costs O(N) sends. */
static void
schedule_flush (LabServer *self)
{
  if (self->flush_source == 0)
    self->flush_source = g_idle_add_full (G_PRIORITY_DEFAULT, flush_broadcasts_cb, self, NULL);
}

static void
counter_message (LabServer  *self,
                 LabPeer    *peer,
                 const char *text)
{
  g_autoptr(GError) error = NULL;
  LabAction action;

  if (lab_protocol_parse_action (text, -1, &action, &error) &&
      lab_counter_apply (self->counter, action, &error))
    {
      self->state_dirty = TRUE;
      schedule_flush (self);
    }
  else
    {
      g_autofree char *reply = lab_protocol_format_error (error->message);

      log_event (self, peer_event (LAB_EVENT_ERROR, peer, error->message));
      _lab_peer_send (peer, LAB_PEER_SLOT_ERROR, reply);
    }
}

/* Time */

static void time_stream_schedule (TimeStream *stream);

static gboolean
time_stream_tick_cb (gpointer user_data)
{
  TimeStream *stream = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = lab_protocol_format_timestamp (now);

  stream->source = 0;
  _lab_peer_send (stream->peer, LAB_PEER_SLOT_TIME, text);
  time_stream_schedule (stream);

  return G_SOURCE_REMOVE;
}

static void
time_stream_schedule (TimeStream *stream)
{
  double max = stream->server->time_interval_max;
  double delay = max > 0 ? g_random_double_range (0, max) : 0;

  stream->source = g_timeout_add ((guint) (delay * 1000), time_stream_tick_cb, stream);
}

static void
time_stream_free (gpointer data)
{
  TimeStream *stream = data;

  g_clear_handle_id (&stream->source, g_source_remove);
  g_free (stream);
}

static void
time_stream_start (LabServer *self,
                   LabPeer   *peer)
{
  TimeStream *stream = g_new0 (TimeStream, 1);

  stream->server = self;
  stream->peer = peer;
  g_hash_table_insert (self->time_streams, peer, stream);

  /* Like the tutorial: the first timestamp at once, then random pauses. */
  stream->source = g_idle_add (time_stream_tick_cb, stream);
}

/* Hello */

static void
hello_message (LabServer  *self,
               LabPeer    *peer,
               const char *name)
{
  g_autofree char *greeting = lab_protocol_format_greeting (name);
  LabEvent *event;

  event = peer_event (LAB_EVENT_MESSAGE_OUT, peer, greeting);
  lab_event_set_size (event, strlen (greeting));
  log_event (self, event);

  _lab_peer_send (peer, LAB_PEER_SLOT_REPLY, greeting);
  _lab_peer_close (peer, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

/* Peers */

static void
peer_message_cb (LabServer  *self,
                 const char *text,
                 LabPeer    *peer)
{
  LabEvent *event = peer_event (LAB_EVENT_MESSAGE_IN, peer, text);

  lab_event_set_size (event, strlen (text));
  log_event (self, event);

  switch (lab_peer_get_route (peer))
    {
    case LAB_ROUTE_COUNTER:
      counter_message (self, peer, text);
      break;

    case LAB_ROUTE_HELLO:
      hello_message (self, peer, text);
      break;

    case LAB_ROUTE_TIME:
      /* The tutorial's time server never reads what the browser sends. */
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
peer_closing_cb (LabServer  *self,
                 guint       code,
                 const char *reason,
                 LabPeer    *peer)
{
  LabEvent *event;

  /* A normal close after hello is part of the conversation, not news. */
  if (code == SOUP_WEBSOCKET_CLOSE_NORMAL)
    return;

  event = peer_event (LAB_EVENT_CLOSE, peer, reason);
  lab_event_set_code (event, code);
  log_event (self, event);
}

static void
complete_shutdown_if_idle (LabServer *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->peers)) > 0)
    return;

  while (self->shutdown_tasks->len > 0)
    {
      g_autoptr(GTask) task = g_ptr_array_steal_index (self->shutdown_tasks, 0);

      g_task_return_boolean (task, TRUE);
    }
}

static void
peer_closed_cb (LabServer *self,
                LabPeer   *peer)
{
  LabEvent *event;
  guint position;

  event = peer_event (LAB_EVENT_LEAVE, peer, lab_peer_get_close_reason (peer));
  lab_event_set_code (event, lab_peer_get_close_code (peer));
  log_event (self, event);

  g_hash_table_remove (self->time_streams, peer);
  g_ptr_array_remove (self->newcomers, peer);

  if (g_ptr_array_remove (self->counter_peers, peer))
    {
      lab_counter_remove_user (self->counter);
      self->users_dirty = TRUE;
      schedule_flush (self);
    }

  g_signal_handlers_disconnect_by_data (peer, self);

  if (g_list_store_find (self->peers, peer, &position))
    g_list_store_remove (self->peers, position);

  complete_shutdown_if_idle (self);
}

static void
upgrade_written_cb (SoupServerMessage *message,
                    gpointer           user_data)
{
  Upgrade *upgrade = user_data;
  LabServer *self = upgrade->server;
  g_autoptr(LabPeer) peer = NULL;

  peer = _lab_peer_new (++self->next_peer_id, upgrade->route, message, self->stall_timeout_ms);

  g_signal_connect_object (peer, "message", G_CALLBACK (peer_message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (peer, "closing", G_CALLBACK (peer_closing_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (peer, "closed", G_CALLBACK (peer_closed_cb), self, G_CONNECT_SWAPPED);

  g_list_store_append (self->peers, peer);
  log_event (self, peer_event (LAB_EVENT_JOIN, peer, lab_peer_get_origin (peer)));

  switch (upgrade->route)
    {
    case LAB_ROUTE_COUNTER:
      g_ptr_array_add (self->counter_peers, peer);
      g_ptr_array_add (self->newcomers, peer);
      lab_counter_add_user (self->counter);
      self->users_dirty = TRUE;
      schedule_flush (self);
      break;

    case LAB_ROUTE_TIME:
      time_stream_start (self, peer);
      break;

    case LAB_ROUTE_HELLO:
      break;

    default:
      g_assert_not_reached ();
    }
}

/* HTTP */

static gboolean
find_route (ListenerRole  role,
            const char   *path,
            LabRoute     *route)
{
  if (g_str_equal (path, "/"))
    {
      if (role == LISTENER_CLASSIC_TIME)
        *route = LAB_ROUTE_TIME;
      else if (role == LISTENER_CLASSIC_HELLO)
        *route = LAB_ROUTE_HELLO;
      else
        *route = LAB_ROUTE_COUNTER;
      return TRUE;
    }

  if (g_str_equal (path, "/counter"))
    *route = LAB_ROUTE_COUNTER;
  else if (g_str_equal (path, "/time"))
    *route = LAB_ROUTE_TIME;
  else if (g_str_equal (path, "/hello"))
    *route = LAB_ROUTE_HELLO;
  else
    return FALSE;

  return TRUE;
}

static const char *
find_page (ListenerRole role,
           const char   *path)
{
  static const char * const pages[] = {
    "index.html", "time.html", "style.css", "counter.js", "time.js",
  };

  if (g_str_equal (path, "/"))
    {
      if (role == LISTENER_MAIN)
        return "index.html";
      if (role == LISTENER_CLASSIC_TIME)
        return "time.html";
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (path[0] == '/' && g_str_equal (path + 1, pages[i]))
      return pages[i];

  return NULL;
}

static const char *
content_type_for (const char *page)
{
  if (g_str_has_suffix (page, ".html"))
    return "text/html; charset=utf-8";
  if (g_str_has_suffix (page, ".css"))
    return "text/css; charset=utf-8";
  if (g_str_has_suffix (page, ".js"))
    return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

/* libsoup keeps a connection open after a response only while it listens
 * itself, and here it does not (see accept_connection()): saying so keeps
 * clients from sending their next request down a connection being closed. */
static void
close_after_response (SoupServerMessage *message)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Connection", "close");
}

static void
set_text_response (SoupServerMessage *message,
                   guint              status,
                   const char        *text)
{
  close_after_response (message);
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/plain; charset=utf-8",
                                    SOUP_MEMORY_COPY, text, strlen (text));
}

static void
serve_page (SoupServerMessage *message,
            const char        *page)
{
  g_autofree char *resource_path = g_strconcat (WEB_RESOURCE_PREFIX, page, NULL);
  g_autoptr(GBytes) bytes = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  const char *method = soup_server_message_get_method (message);

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (headers, "Allow", "GET, HEAD");
      set_text_response (message, SOUP_STATUS_METHOD_NOT_ALLOWED,
                         "Only GET and HEAD are allowed here.\n");
      return;
    }

  bytes = g_resources_lookup_data (resource_path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      set_text_response (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Page missing from this build.\n");
      return;
    }

  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  close_after_response (message);
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, content_type_for (page), SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
request_cb (SoupServer        *soup,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Listener *listener = user_data;
  const char *page = find_page (listener->role, path);
  LabRoute route;

  if (find_route (listener->role, path, &route))
    {
      g_autoptr(GError) error = NULL;
      Upgrade *upgrade;

      if (soup_websocket_server_check_handshake (message, NULL, NULL, NULL, &error))
        {
          soup_websocket_server_process_handshake (message, NULL, NULL, NULL, NULL);

          upgrade = g_new0 (Upgrade, 1);
          upgrade->server = listener->server;
          upgrade->route = route;
          g_signal_connect_data (message, "wrote-informational",
                                 G_CALLBACK (upgrade_written_cb), upgrade,
                                 (GClosureNotify) g_free, 0);
          return;
        }

      /* "/" is both the counter socket and the counter page: a plain GET
       * without an upgrade is for the page. */
      if (!g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET))
        {
          set_text_response (message, SOUP_STATUS_BAD_REQUEST, error->message);
          return;
        }

      if (page == NULL)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                        "Upgrade", "websocket");
          set_text_response (message, 426 /* Upgrade Required */,
                             "This address is a WebSocket endpoint: connect with ws:// or wss://.\n");
          return;
        }
    }

  if (page != NULL)
    serve_page (message, page);
  else
    set_text_response (message, SOUP_STATUS_NOT_FOUND, "Not found.\n");
}

/* Accepting */

static void
socket_finalized_cb (gpointer  data,
                     GObject  *where_the_object_was)
{
  LabServer *self = data;

  g_hash_table_remove (self->sockets, where_the_object_was);
}

static void
track_socket (LabServer *self,
              GSocket   *socket)
{
  g_hash_table_add (self->sockets, socket);
  g_object_weak_ref (G_OBJECT (socket), socket_finalized_cb, self);
}

static void
forget_sockets (LabServer *self)
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
              ListenerRole  role)
{
  Listener *listener = g_new0 (Listener, 1);

  listener->server = server;
  listener->role = role;
  if (server->tls_certificate != NULL)
    listener->tls_certificate = g_object_ref (server->tls_certificate);
  listener->acceptors = g_ptr_array_new_with_free_func (acceptor_free);
  listener->cancellable = g_cancellable_new ();
  listener->soup = soup_server_new ("server-header", "WebSocketLab/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (listener->soup, NULL, request_cb, listener, NULL);

  return listener;
}

static void
listener_free (gpointer data)
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
static gboolean
add_listener (LabServer     *self,
              ListenerRole   role,
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
                 role == LISTENER_MAIN ? G_IO_ERROR : LAB_SERVER_ERROR,
                 role == LISTENER_MAIN ? G_IO_ERROR_ADDRESS_IN_USE : LAB_SERVER_ERROR_CLASSIC_PORT_IN_USE,
                 _("Port %u is already in use by another program"), port);
  else
    g_set_error (error, local_error->domain, local_error->code,
                 _("Cannot listen on port %u: %s"), port, local_error->message);
  return FALSE;
}

static void
lab_server_dispose (GObject *object)
{
  LabServer *self = LAB_SERVER (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_pointer (&self->time_streams, g_hash_table_unref);
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_clear_pointer (&self->counter_peers, g_ptr_array_unref);
  g_clear_pointer (&self->newcomers, g_ptr_array_unref);

  if (self->peers != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(LabPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);

          g_signal_handlers_disconnect_by_data (peer, self);
        }
    }

  g_clear_object (&self->peers);
  g_clear_object (&self->counter);
  g_clear_object (&self->event_log);
  g_clear_object (&self->tls_certificate);

  /* Sockets that outlive the server (a peer someone still holds) must not
   * call back into it. */
  if (self->sockets != NULL)
    forget_sockets (self);
  g_clear_pointer (&self->sockets, g_hash_table_unref);

  G_OBJECT_CLASS (lab_server_parent_class)->dispose (object);
}

static void
lab_server_finalize (GObject *object)
{
  LabServer *self = LAB_SERVER (object);

  g_clear_pointer (&self->shutdown_tasks, g_ptr_array_unref);

  G_OBJECT_CLASS (lab_server_parent_class)->finalize (object);
}

static void
lab_server_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LabServer *self = LAB_SERVER (object);

  switch (prop_id)
    {
    case PROP_ALLOW_LAN:
      g_value_set_boolean (value, self->allow_lan);
      break;

    case PROP_BOUND_PORT:
      g_value_set_uint (value, self->bound_port);
      break;

    case PROP_CLASSIC_PORTS:
      g_value_set_boolean (value, self->classic_ports);
      break;

    case PROP_COUNTER:
      g_value_set_object (value, self->counter);
      break;

    case PROP_EVENT_LOG:
      g_value_set_object (value, self->event_log);
      break;

    case PROP_PEERS:
      g_value_set_object (value, self->peers);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, lab_server_get_running (self));
      break;

    case PROP_STALL_TIMEOUT:
      g_value_set_uint (value, self->stall_timeout_ms);
      break;

    case PROP_TIME_INTERVAL_MAX:
      g_value_set_double (value, self->time_interval_max);
      break;

    case PROP_TLS_CERTIFICATE:
      g_value_set_object (value, self->tls_certificate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_server_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LabServer *self = LAB_SERVER (object);

  switch (prop_id)
    {
    case PROP_ALLOW_LAN:
      lab_server_set_allow_lan (self, g_value_get_boolean (value));
      break;

    case PROP_CLASSIC_PORTS:
      lab_server_set_classic_ports (self, g_value_get_boolean (value));
      break;

    case PROP_PORT:
      lab_server_set_port (self, g_value_get_uint (value));
      break;

    case PROP_STALL_TIMEOUT:
      lab_server_set_stall_timeout (self, g_value_get_uint (value));
      break;

    case PROP_TIME_INTERVAL_MAX:
      lab_server_set_time_interval_max (self, g_value_get_double (value));
      break;

    case PROP_TLS_CERTIFICATE:
      lab_server_set_tls_certificate (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_server_class_init (LabServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_server_dispose;
  object_class->finalize = lab_server_finalize;
  object_class->get_property = lab_server_get_property;
  object_class->set_property = lab_server_set_property;

  /* Settings below take effect at the next lab_server_start(). */

  properties[PROP_ALLOW_LAN] =
    g_param_spec_boolean ("allow-lan", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BOUND_PORT] =
    g_param_spec_uint ("bound-port", NULL, NULL,
                       0, G_MAXUINT16, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CLASSIC_PORTS] =
    g_param_spec_boolean ("classic-ports", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_COUNTER] =
    g_param_spec_object ("counter", NULL, NULL,
                         LAB_TYPE_COUNTER,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_EVENT_LOG] =
    g_param_spec_object ("event-log", NULL, NULL,
                         LAB_TYPE_EVENT_LOG,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_PEERS] =
    g_param_spec_object ("peers", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /* 0 picks a free port; bound-port tells which. */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL,
                       0, G_MAXUINT16, LAB_DEFAULT_PORT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STALL_TIMEOUT] =
    g_param_spec_uint ("stall-timeout", NULL, NULL,
                       1, G_MAXUINT, LAB_PEER_DEFAULT_STALL_TIMEOUT_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIME_INTERVAL_MAX] =
    g_param_spec_double ("time-interval-max", NULL, NULL,
                         0, 3600, LAB_TIME_INTERVAL_MAX_DEFAULT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TLS_CERTIFICATE] =
    g_param_spec_object ("tls-certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Keeps the pages' bundle (registered by its constructor) in the link. */
  (void) lab_web_get_resource ();
}

static void
lab_server_init (LabServer *self)
{
  self->counter = lab_counter_new ();
  self->event_log = lab_event_log_new (LAB_EVENT_LOG_CAPACITY);
  self->peers = g_list_store_new (LAB_TYPE_PEER);
  self->listeners = g_ptr_array_new_with_free_func (listener_free);
  self->counter_peers = g_ptr_array_new ();
  self->newcomers = g_ptr_array_new ();
  self->time_streams = g_hash_table_new_full (NULL, NULL, NULL, time_stream_free);
  self->shutdown_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->sockets = g_hash_table_new (NULL, NULL);
  self->port = LAB_DEFAULT_PORT;
  self->time_interval_max = LAB_TIME_INTERVAL_MAX_DEFAULT;
  self->stall_timeout_ms = LAB_PEER_DEFAULT_STALL_TIMEOUT_MS;
}

LabServer *
lab_server_new (void)
{
  return g_object_new (LAB_TYPE_SERVER, NULL);
}

/**
 * lab_server_start:
 *
 * Opens every listener the settings ask for, or none: on error (a port in
 * use, say) whatever was opened is closed again.
 */
gboolean
lab_server_start (LabServer  *self,
                  GError    **error)
{
  guint bound_port = 0;
  guint ignored;
  g_auto(GStrv) urls = NULL;

  g_return_val_if_fail (LAB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (!lab_server_get_running (self), FALSE);

  if (!add_listener (self, LISTENER_MAIN, self->port, &bound_port, error) ||
      (self->classic_ports &&
       (!add_listener (self, LISTENER_CLASSIC_TIME, LAB_CLASSIC_TIME_PORT, &ignored, error) ||
        !add_listener (self, LISTENER_CLASSIC_HELLO, LAB_CLASSIC_HELLO_PORT, &ignored, error))))
    {
      g_ptr_array_set_size (self->listeners, 0);
      return FALSE;
    }

  self->bound_port = bound_port;

  urls = lab_server_dup_urls (self);
  for (guint i = 0; urls[i] != NULL; i++)
    log_event (self, lab_event_new (LAB_EVENT_LISTENING, 0, NULL, NULL, urls[i]));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

/**
 * lab_server_stop:
 *
 * Stops listening and closes every connection with 1001 (going away). The
 * peers leave the peers model as their closing handshakes end.
 */
void
lab_server_stop (LabServer *self)
{
  guint n;

  g_return_if_fail (LAB_IS_SERVER (self));

  if (!lab_server_get_running (self))
    return;

  g_ptr_array_set_size (self->listeners, 0);
  self->bound_port = 0;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);

      _lab_peer_close (peer, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "Server stopped");
    }

  log_event (self, lab_event_new (LAB_EVENT_STOPPED, 0, NULL, NULL, NULL));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * lab_server_shutdown_async:
 *
 * Stops the server and completes once every connection has closed.
 */
void
lab_server_shutdown_async (LabServer           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_server_shutdown_async);

  lab_server_stop (self);

  g_ptr_array_add (self->shutdown_tasks, g_steal_pointer (&task));
  complete_shutdown_if_idle (self);
}

gboolean
lab_server_shutdown_finish (LabServer     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
lab_server_get_running (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), FALSE);

  return self->listeners != NULL && self->listeners->len > 0;
}

/**
 * lab_server_dup_urls:
 *
 * Returns: (transfer full): the WebSocket URLs of the running listeners, for
 * people to type: on 127.0.0.1, and with allow-lan on each LAN address too
 */
char **
lab_server_dup_urls (LabServer *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_free);
  const char *scheme;
  g_auto(GStrv) lan = NULL;

  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);

  if (!lab_server_get_running (self))
    return g_strv_builder_end (builder);

  scheme = self->tls_certificate != NULL ? "wss" : "ws";
  g_ptr_array_add (hosts, g_strdup ("127.0.0.1"));
  if (self->allow_lan)
    {
      lan = lab_network_dup_lan_addresses ();
      for (guint i = 0; lan[i] != NULL; i++)
        g_ptr_array_add (hosts, g_strdup (lan[i]));
    }

  for (guint h = 0; h < hosts->len; h++)
    for (guint i = 0; i < self->listeners->len; i++)
      {
        Listener *listener = g_ptr_array_index (self->listeners, i);
        g_autofree char *url = NULL;
        guint port;

        switch (listener->role)
          {
          case LISTENER_MAIN:
            port = self->bound_port;
            break;
          case LISTENER_CLASSIC_TIME:
            port = LAB_CLASSIC_TIME_PORT;
            break;
          case LISTENER_CLASSIC_HELLO:
            port = LAB_CLASSIC_HELLO_PORT;
            break;
          default:
            g_assert_not_reached ();
          }

        url = g_strdup_printf ("%s://%s:%u/", scheme, (char *) g_ptr_array_index (hosts, h), port);
        g_strv_builder_add (builder, url);
      }

  return g_strv_builder_end (builder);
}

guint
lab_server_get_port (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), 0);
  return self->port;
}

void
lab_server_set_port (LabServer *self,
                     guint      port)
{
  g_return_if_fail (LAB_IS_SERVER (self));
  g_return_if_fail (port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

guint
lab_server_get_bound_port (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), 0);
  return self->bound_port;
}

gboolean
lab_server_get_allow_lan (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), FALSE);
  return self->allow_lan;
}

void
lab_server_set_allow_lan (LabServer *self,
                          gboolean   allow_lan)
{
  g_return_if_fail (LAB_IS_SERVER (self));

  if (self->allow_lan == !!allow_lan)
    return;

  self->allow_lan = !!allow_lan;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_LAN]);
}

gboolean
lab_server_get_classic_ports (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), FALSE);
  return self->classic_ports;
}

void
lab_server_set_classic_ports (LabServer *self,
                              gboolean   classic_ports)
{
  g_return_if_fail (LAB_IS_SERVER (self));

  if (self->classic_ports == !!classic_ports)
    return;

  self->classic_ports = !!classic_ports;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLASSIC_PORTS]);
}

GTlsCertificate *
lab_server_get_tls_certificate (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);
  return self->tls_certificate;
}

void
lab_server_set_tls_certificate (LabServer       *self,
                                GTlsCertificate *certificate)
{
  g_return_if_fail (LAB_IS_SERVER (self));
  g_return_if_fail (!certificate || G_IS_TLS_CERTIFICATE (certificate));

  if (g_set_object (&self->tls_certificate, certificate))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_CERTIFICATE]);
}

LabCounter *
lab_server_get_counter (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);
  return self->counter;
}

GListModel *
lab_server_get_peers (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);
  return G_LIST_MODEL (self->peers);
}

LabEventLog *
lab_server_get_event_log (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);
  return self->event_log;
}

double
lab_server_get_time_interval_max (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), 0);
  return self->time_interval_max;
}

void
lab_server_set_time_interval_max (LabServer *self,
                                  double     seconds)
{
  g_return_if_fail (LAB_IS_SERVER (self));
  g_return_if_fail (seconds >= 0);

  if (self->time_interval_max == seconds)
    return;

  self->time_interval_max = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_INTERVAL_MAX]);
}

guint
lab_server_get_stall_timeout (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), 0);
  return self->stall_timeout_ms;
}

void
lab_server_set_stall_timeout (LabServer *self,
                              guint      milliseconds)
{
  g_return_if_fail (LAB_IS_SERVER (self));
  g_return_if_fail (milliseconds > 0);

  if (self->stall_timeout_ms == milliseconds)
    return;

  self->stall_timeout_ms = milliseconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALL_TIMEOUT]);
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
