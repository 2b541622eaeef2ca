/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-peer"

#include "config.h"

#include "lab-metered-io-stream.h"
#include "lab-peer-struct.h"
#include "lab-poll-hub.h"

/* One server-side WebSocket connection. libsoup's connection sits on top of a
 * metered stream, so this object knows how many bytes wait in libsoup's queue,
 * keeps only the newest message of each kind while its reader is slow, closes
 * a reader that stays stuck, and caps whole incoming messages. */

enum {
  PROP_0,
  PROP_BACKED_UP,
  PROP_PONG_RTT,
  N_PROPS
};

enum {
  MESSAGE,
  CLOSING,
  CLOSED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (LabPeer, lab_peer, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
lab_peer_dispose (GObject *object)
{
  LabPeer *self = LAB_PEER (object);

  lab_peer_outbox_clear (&self->outbox);
  lab_frame_capture_clear (&self->capture);
  _lab_peer_stop_keepalive (self);
  g_clear_handle_id (&self->over_limit_source, g_source_remove);

  if (self->input != NULL)
    g_signal_handlers_disconnect_by_data (self->input, self);
  if (self->output != NULL)
    g_signal_handlers_disconnect_by_data (self->output, self);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (lab_peer_parent_class)->dispose (object);
}

static void
lab_peer_finalize (GObject *object)
{
  LabPeer *self = LAB_PEER (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->remote_address, g_free);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->connected_since, g_date_time_unref);
  g_clear_object (&self->handshake);
  lab_close_record_clear (&self->close);
  g_clear_pointer (&self->request_headers, g_free);
  g_clear_pointer (&self->response_headers, g_free);

  G_OBJECT_CLASS (lab_peer_parent_class)->finalize (object);
}

static void
lab_peer_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  LabPeer *self = LAB_PEER (object);

  switch (prop_id)
    {
    case PROP_BACKED_UP:
      g_value_set_boolean (value, self->outbox.backed_up);
      break;

    case PROP_PONG_RTT:
      g_value_set_int (value, self->keepalive.pong_rtt);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_peer_class_init (LabPeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_peer_dispose;
  object_class->finalize = lab_peer_finalize;
  object_class->get_property = lab_peer_get_property;

  properties[PROP_BACKED_UP] =
    g_param_spec_boolean ("backed-up", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The latest ping's round trip in milliseconds, -1 before the first pong. */
  properties[PROP_PONG_RTT] =
    g_param_spec_int ("pong-rtt", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabPeer::message:
   * @self: a #LabPeer
   * @text: the text message, valid UTF-8 within %LAB_PEER_MESSAGE_LIMIT
   *
   * A text message arrived.
   */
  signals[MESSAGE] =
    g_signal_new ("message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * LabPeer::closing:
   * @self: a #LabPeer
   * @code: the close code
   * @reason: the close reason
   *
   * This side starts the closing handshake.
   */
  signals[CLOSING] =
    g_signal_new ("closing",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);

  /**
   * LabPeer::closed:
   * @self: a #LabPeer
   *
   * The connection is gone, after a closing handshake or not.
   */
  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
lab_peer_init (LabPeer *self)
{
  self->keepalive.pong_rtt = -1;
}

static void
output_wrote_cb (LabPeer *self)
{
  lab_peer_outbox_wrote (&self->outbox);
}

static gboolean
over_limit_cb (gpointer user_data)
{
  LabPeer *self = user_data;

  self->over_limit_source = 0;
  _lab_peer_close (self, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "Message too big");

  return G_SOURCE_REMOVE;
}

static void
input_over_limit_cb (LabPeer *self)
{
  /* Called from inside libsoup's read: close from the main loop instead. */
  if (self->over_limit_source == 0)
    self->over_limit_source = g_idle_add (over_limit_cb, self);
}

static void
connection_message_cb (LabPeer                   *self,
                       SoupWebsocketDataType      type,
                       GBytes                    *message,
                       SoupWebsocketConnection   *connection)
{
  g_autofree char *text = NULL;
  gsize size = 0;
  const char *data;

  if (!lab_peer_is_open (self) || lab_metered_input_stream_is_over_limit (self->input))
    return;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      _lab_peer_close (self, SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA,
                       "Binary messages are not supported");
      return;
    }

  /* The metered input never lets more than LAB_PEER_MESSAGE_LIMIT through, and
   * libsoup checked the UTF-8: the copy only adds the terminating nul. */
  data = g_bytes_get_data (message, &size);
  text = g_strndup (data, size);
  if (self->observer != NULL)
    self->observer->message (self->observer_data, text, self);
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
connection_closed_cb (LabPeer                 *self,
                      SoupWebsocketConnection *connection)
{
  g_autoptr(LabPeer) hold = g_object_ref (self);

  self->closed = TRUE;
  lab_peer_outbox_clear (&self->outbox);
  _lab_peer_stop_keepalive (self);
  _lab_peer_record_closed (self);
  g_clear_handle_id (&self->over_limit_source, g_source_remove);

  if (self->observer != NULL)
    self->observer->closed (self->observer_data, self);
  g_signal_emit (self, signals[CLOSED], 0);
}

static char *
format_address (GSocketAddress *address)
{
  g_autofree char *host = NULL;
  GInetAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("?");

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  host = g_inet_address_to_string (inet);

  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", host,
                            g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));

  return g_strdup_printf ("%s:%u", host,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

/*
 * _lab_peer_new:
 * @message: a request whose 101 response was just written
 *
 * Takes the connection over from the HTTP server.
 */
LabPeer *
_lab_peer_new (guint              id,
               LabRoute           route,
               SoupServerMessage *message,
               guint              stall_timeout_ms)
{
  g_autoptr(GIOStream) stolen = NULL;
  g_autoptr(GIOStream) metered = NULL;
  g_autofree char *request_line = NULL;
  SoupMessageHeaders *request_headers;
  LabPeer *self;
  GUri *uri;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (message), NULL);

  self = g_object_new (LAB_TYPE_PEER, NULL);
  self->id = id;
  self->route = route;
  lab_peer_outbox_init (&self->outbox, self, stall_timeout_ms);
  self->connected_at = g_get_real_time ();

  uri = soup_server_message_get_uri (message);
  request_headers = soup_server_message_get_request_headers (message);
  self->path = g_strdup (g_uri_get_path (uri));
  self->origin = g_strdup (soup_message_headers_get_one (request_headers, "Origin"));
  self->remote_address = format_address (soup_server_message_get_remote_address (message));

  request_line = g_strdup_printf ("%s %s HTTP/1.1", soup_server_message_get_method (message),
                                  self->path);
  /* Two short texts; the handshake itself is made when someone looks. */
  self->request_headers = lab_handshake_format_headers (request_line, request_headers);
  self->response_headers = lab_handshake_format_headers ("HTTP/1.1 101 Switching Protocols",
                                                         soup_server_message_get_response_headers (message));

  stolen = soup_server_message_steal_connection (message);
  metered = lab_metered_io_stream_new (stolen, LAB_PEER_MESSAGE_LIMIT);
  self->input = g_object_ref (LAB_METERED_INPUT_STREAM (g_io_stream_get_input_stream (metered)));
  lab_metered_input_stream_watch_socket (self->input, lab_poll_hub_find_socket_fd (stolen));
  self->output = g_object_ref (LAB_METERED_OUTPUT_STREAM (g_io_stream_get_output_stream (metered)));
  lab_frame_capture_init (&self->capture, id, LAB_FRAME_CLIENT_TO_SERVER, self->input,
                          self->output);
  lab_keepalive_init (&self->keepalive, self->output);

  self->connection = soup_websocket_connection_new (metered, uri,
                                                    SOUP_WEBSOCKET_CONNECTION_SERVER,
                                                    self->origin, NULL, NULL);

  /* Plain connections, each dropped by dispose: a class of thousands would
   * pay for the watch g_signal_connect_object() adds, every one of them. */
  g_signal_connect_swapped (self->input, "over-limit", G_CALLBACK (input_over_limit_cb), self);
  g_signal_connect_swapped (self->output, "wrote", G_CALLBACK (output_wrote_cb), self);
  g_signal_connect_swapped (self->connection, "message", G_CALLBACK (connection_message_cb), self);
  g_signal_connect_swapped (self->connection, "closed", G_CALLBACK (connection_closed_cb), self);
  _lab_peer_watch_connection (self);

  return self;
}

/* @observer outlives the peer (a static table); @data is dropped with
 * _lab_peer_set_observer (self, NULL, NULL) before it goes. */
void
_lab_peer_set_observer (LabPeer               *self,
                        const LabPeerObserver *observer,
                        gpointer               data)
{
  g_return_if_fail (LAB_IS_PEER (self));

  self->observer = observer;
  self->observer_data = data;
}

void
_lab_peer_close (LabPeer    *self,
                 gushort     code,
                 const char *reason)
{
  g_return_if_fail (LAB_IS_PEER (self));

  if (!lab_peer_is_open (self))
    return;

  lab_peer_outbox_clear (&self->outbox);
  lab_close_record_send (&self->close, code, reason);
  if (self->observer != NULL)
    self->observer->closing (self->observer_data, code, reason, self);
  g_signal_emit (self, signals[CLOSING], 0, (guint) code, reason);
  soup_websocket_connection_close (self->connection, code, reason);
}

gboolean
lab_peer_is_open (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), FALSE);

  return !self->closed &&
         self->connection != NULL &&
         soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

guint
lab_peer_get_id (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), 0);
  return self->id;
}

LabRoute
lab_peer_get_route (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), 0);
  return self->route;
}

const char *
lab_peer_get_path (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);
  return self->path;
}

const char *
lab_peer_get_remote_address (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);
  return self->remote_address;
}

const char *
lab_peer_get_origin (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);
  return self->origin;
}

GDateTime *
lab_peer_get_connected_since (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);

  /* A number per connection; a GDateTime only for those someone shows. */
  if (self->connected_since == NULL)
    {
      g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (self->connected_at / G_USEC_PER_SEC);

      self->connected_since = g_date_time_add (seconds, self->connected_at % G_USEC_PER_SEC);
    }

  return self->connected_since;
}

const char *
lab_peer_get_request_headers (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);
  return self->request_headers;
}

const char *
lab_peer_get_response_headers (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);
  return self->response_headers;
}

gboolean
lab_peer_get_backed_up (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), FALSE);
  return self->outbox.backed_up;
}

guint64
lab_peer_get_messages_dropped (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), 0);
  return self->outbox.messages_dropped;
}

gushort
lab_peer_get_close_code (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), 0);

  if (self->connection == NULL)
    return 0;
  return soup_websocket_connection_get_close_code (self->connection);
}

const char *
lab_peer_get_close_reason (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), NULL);

  if (self->connection == NULL)
    return NULL;
  return soup_websocket_connection_get_close_data (self->connection);
}

gboolean
_lab_peer_get_newcomer (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), FALSE);
  return self->newcomer;
}

void
_lab_peer_set_newcomer (LabPeer  *self,
                        gboolean  newcomer)
{
  g_return_if_fail (LAB_IS_PEER (self));
  self->newcomer = !!newcomer;
}

/* The path, and the endpoint when the path alone does not say (the classic
 * ports serve time and hello at "/"). */
static char *
describe_path (LabPeer *self)
{
  static const char * const endpoints[] = {
    [LAB_ROUTE_COUNTER] = "counter",
    [LAB_ROUTE_TIME] = "time",
    [LAB_ROUTE_HELLO] = "hello",
  };

  if (g_str_equal (self->path, "/") && self->route != LAB_ROUTE_COUNTER)
    return g_strdup_printf ("/ (%s)", endpoints[self->route]);

  return g_strdup (self->path);
}

/*
 * _lab_peer_new_event:
 *
 * Returns: (transfer full): an event about this connection, for the log
 */
LabEvent *
_lab_peer_new_event (LabPeer      *self,
                     LabEventKind  kind,
                     const char   *detail)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (LAB_IS_PEER (self), NULL);

  path = describe_path (self);
  return lab_event_new (kind, self->id, self->remote_address, path, detail);
}

guint
_lab_peer_get_users_heard (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), 0);
  return self->users_heard;
}

void
_lab_peer_set_users_heard (LabPeer *self,
                           guint    users)
{
  g_return_if_fail (LAB_IS_PEER (self));
  self->users_heard = users;
}

/*
 * _lab_peer_send:
 *
 * Sends @text now, or, while the reader is backed up, keeps it as the newest
 * message of its kind in place of an older one.
 */
void
_lab_peer_send (LabPeer     *self,
                LabPeerSlot  slot,
                const char  *text)
{
  g_return_if_fail (LAB_IS_PEER (self));

  lab_peer_outbox_send (&self->outbox, slot, text);
}

guint64
lab_peer_get_buffered_amount (LabPeer *self)
{
  g_return_val_if_fail (LAB_IS_PEER (self), 0);

  return lab_peer_outbox_get_buffered (&self->outbox);
}

/* For the outbox: what it sends on, and what it reports through. */
SoupWebsocketConnection *
_lab_peer_get_connection (LabPeer *self)
{
  return self->connection;
}

LabMeteredOutputStream *
_lab_peer_get_output (LabPeer *self)
{
  return self->output;
}

void
_lab_peer_notify_pong_rtt (LabPeer *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PONG_RTT]);
}

void
_lab_peer_notify_backed_up (LabPeer *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKED_UP]);
}

/* The counter value this peer last heard, if any. */
gboolean
_lab_peer_get_state_heard (LabPeer *self,
                           gint64  *value)
{
  g_return_val_if_fail (LAB_IS_PEER (self), FALSE);

  *value = self->state_heard;
  return self->has_state_heard;
}

void
_lab_peer_set_state_heard (LabPeer *self,
                           gint64   value)
{
  g_return_if_fail (LAB_IS_PEER (self));

  self->state_heard = value;
  self->has_state_heard = TRUE;
}
