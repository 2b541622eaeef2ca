/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-client-attempt.h"
#include "lab-client-channel-private.h"
#include "lab-close-code.h"
#include "lab-types.h"
#include "lab-url.h"

/* One WebSocket connection of a client, kept up: a connect attempt, and after
 * a failure a retry (the wait, its countdown and the record of attempts are
 * lab-client-channel-retry.c's). Once open, the keepalive, the handshake and
 * the frames are lab-client-channel-inspect.c's.
 * It says what happens in signals; what the messages mean is the client's
 * business. All of it runs on the main context it was created in. */

enum {
  CONNECTING,
  OPENED,
  MESSAGE,
  FAILED,
  REFUSED_CERTIFICATE,
  CLOSE_ANSWERED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (LabClientChannel, lab_client_channel, G_TYPE_OBJECT)

static GParamSpec *properties[LAB_CLIENT_CHANNEL_N_PROPS];
static guint signals[N_SIGNALS];

/* The attempt or the connection is over: says why, and whether a retry is
 * scheduled; a retry would not fix an address or a refused certificate. */
static void
fail (LabClientChannel *self,
      const char       *why,
      gboolean          retry)
{
  g_autoptr(LabClientChannel) hold = g_object_ref (self);

  g_assert (!lab_client_channel_is_busy (self));

  g_object_freeze_notify (G_OBJECT (self));

  _lab_client_channel_attempt_ended (self, FALSE, why);

  if (retry)
    _lab_client_channel_schedule_retry (self, why);
  else
    g_debug ("%s: %s", self->name, why);

  g_signal_emit (self, signals[FAILED], 0, why, retry);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The connection */

/* Lets go of the connection, which closes cleanly in the background. */
static void
drop_connection (LabClientChannel *self)
{
  _lab_client_channel_inspect_dropped (self);
  g_clear_error (&self->failure);

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      lab_client_release_connection (g_steal_pointer (&self->connection));
    }
}

static void
connection_message_cb (LabClientChannel        *self,
                       SoupWebsocketDataType    type,
                       GBytes                  *message)
{
  g_autoptr(LabClientChannel) hold = g_object_ref (self);
  g_autofree char *text = NULL;
  gsize length;
  const char *data;

  if (!self->got_message)
    {
      /* The server works: the next failure starts again from the shortest wait. */
      self->got_message = TRUE;
      self->failures = 0;
    }

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_debug ("%s: ignoring a binary message", self->name);
      return;
    }

  data = g_bytes_get_data (message, &length);
  text = g_strndup (data, length);
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
connection_error_cb (LabClientChannel *self,
                     GError           *error)
{
  g_debug ("%s: %s", self->name, error->message);

  /* The first error says why; what follows is its consequence. */
  if (self->failure == NULL)
    self->failure = g_error_copy (error);
}

static void
connection_closed_cb (LabClientChannel        *self,
                      SoupWebsocketConnection *connection)
{
  gushort code = soup_websocket_connection_get_close_code (connection);
  g_autofree char *why = lab_close_code_describe_end (code, self->failure);

  _lab_client_channel_record_end (self, connection);

  drop_connection (self);
  fail (self, why, TRUE);
}

/* The server answered no ping for a whole interval: the connection is dead
 * even though nothing closed it (a phone gone from the Wi-Fi). */
void
_lab_client_channel_give_up (LabClientChannel *self,
                             const char       *why)
{
  g_autoptr(LabClientChannel) hold = g_object_ref (self);

  g_return_if_fail (self->connection != NULL);

  /* python-websockets sends 1011 here, but libsoup 3.2 lets only a server
   * send it: going away, saying which timer fired. */
  lab_close_record_send (&self->close, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, why);
  soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, why);
  drop_connection (self);
  fail (self, why, TRUE);
}

/* The handshake is done: the connection's meters are watched before libsoup
 * reads a byte, since the server may have sent its first frame already. */
static void
opened (LabClientChannel *self,
        GIOStream        *stream,
        LabHandshake     *handshake)
{
  SoupWebsocketConnection *connection;

  g_assert (self->connection == NULL);

  _lab_client_channel_inspect_opened (self, stream, handshake);
  connection = soup_websocket_connection_new (stream, self->uri, SOUP_WEBSOCKET_CONNECTION_CLIENT,
                                              NULL, NULL, NULL);
  self->connection = connection;
  g_signal_connect_object (connection, "message",
                           G_CALLBACK (connection_message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "error",
                           G_CALLBACK (connection_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "closed",
                           G_CALLBACK (connection_closed_cb), self, G_CONNECT_SWAPPED);
  _lab_client_channel_watch_close (self, connection);
  _lab_client_channel_inspect_watch (self, connection);

  g_debug ("%s: connected to %s", self->name, self->url);
  _lab_client_channel_attempt_ended (self, TRUE, NULL);
  g_signal_emit (self, signals[OPENED], 0);
}

static void
attempt_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabClientChannel) self = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(LabHandshake) handshake = NULL;
  g_autoptr(GTlsCertificate) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  GTlsCertificateFlags refused_errors = 0;

  stream = lab_client_attempt_finish (result, &handshake, &refused, &refused_errors, &peer,
                                      &error);

  /* Stopped, or the channel is gone: touch nothing of it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = g_object_ref (user_data);
  g_clear_object (&self->cancellable);

  if (stream != NULL)
    {
      opened (self, stream, handshake);
    }
  else if (refused != NULL)
    {
      /* A certificate refused will be refused again: no retries until
       * something changes (the user trusts it, or picks another CA file). */
      fail (self, error->message, FALSE);
      g_signal_emit (self, signals[REFUSED_CERTIFICATE], 0, refused, refused_errors, peer);
    }
  else
    {
      fail (self, error->message, TRUE);
    }
}

/* GObject */

static void
lab_client_channel_dispose (GObject *object)
{
  LabClientChannel *self = LAB_CLIENT_CHANNEL (object);

  lab_client_channel_stop (self);
  _lab_client_channel_drop_closing (self);
  _lab_client_channel_inspect_clear (self);

  g_clear_object (&self->socket_client);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->attempts);

  G_OBJECT_CLASS (lab_client_channel_parent_class)->dispose (object);
}

static void
lab_client_channel_finalize (GObject *object)
{
  LabClientChannel *self = LAB_CLIENT_CHANNEL (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->uri, g_uri_unref);
  lab_close_record_clear (&self->close);

  G_OBJECT_CLASS (lab_client_channel_parent_class)->finalize (object);
}

static void
lab_client_channel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LabClientChannel *self = LAB_CLIENT_CHANNEL (object);

  switch (prop_id)
    {
    case LAB_CLIENT_CHANNEL_PROP_RETRY_IN:
      g_value_set_uint (value, self->retry_in);
      break;

    case LAB_CLIENT_CHANNEL_PROP_HANDSHAKE:
      g_value_set_object (value, self->handshake);
      break;

    case LAB_CLIENT_CHANNEL_PROP_PONG_RTT:
      g_value_set_int (value, self->keepalive.pong_rtt);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_client_channel_class_init (LabClientChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_client_channel_dispose;
  object_class->finalize = lab_client_channel_finalize;
  object_class->get_property = lab_client_channel_get_property;

  /* Seconds until the next try, while waiting to reconnect; 0 otherwise. */
  properties[LAB_CLIENT_CHANNEL_PROP_RETRY_IN] =
    g_param_spec_uint ("retry-in", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The latest connection's opening handshake, as sent both ways. */
  properties[LAB_CLIENT_CHANNEL_PROP_HANDSHAKE] =
    g_param_spec_object ("handshake", NULL, NULL,
                         LAB_TYPE_HANDSHAKE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The latest ping's round trip on this connection in ms, -1 before its first pong. */
  properties[LAB_CLIENT_CHANNEL_PROP_PONG_RTT] =
    g_param_spec_int ("pong-rtt", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, LAB_CLIENT_CHANNEL_N_PROPS, properties);

  /**
   * LabClientChannel::connecting:
   *
   * An attempt starts, at first or after a wait.
   */
  signals[CONNECTING] =
    g_signal_new ("connecting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * LabClientChannel::opened:
   *
   * The handshake succeeded; messages may come.
   */
  signals[OPENED] =
    g_signal_new ("opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * LabClientChannel::message:
   * @text: a text message from the server
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * LabClientChannel::failed:
   * @reason: why the attempt failed or the connection ended, for people
   * @will_retry: whether a retry is scheduled (see :retry-in)
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /**
   * LabClientChannel::refused-certificate:
   * @certificate: the server's certificate
   * @errors: why it was not trusted
   * @peer: "host:port" it came from
   *
   * Follows ::failed when the server's certificate was the reason.
   */
  signals[REFUSED_CERTIFICATE] =
    g_signal_new ("refused-certificate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_TLS_CERTIFICATE, G_TYPE_TLS_CERTIFICATE_FLAGS, G_TYPE_STRING);

  /**
   * LabClientChannel::close-answered:
   *
   * A close the user asked for is over: the server answered, or not.
   */
  signals[CLOSE_ANSWERED] =
    g_signal_new ("close-answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lab_client_channel_init (LabClientChannel *self)
{
  self->socket_client = g_socket_client_new ();
  self->keepalive_interval = LAB_PING_INTERVAL_DEFAULT;
  self->keepalive.pong_rtt = -1;
  self->attempts = lab_bounded_list_new (LAB_TYPE_RECONNECT_ATTEMPT, LAB_CLIENT_CHANNEL_ATTEMPTS,
                                         LAB_BOUNDED_LIST_NEWEST_FIRST);
}

/* API */

LabClientChannel *
lab_client_channel_new (const char    *name,
                        LabTrustStore *trust_store)
{
  LabClientChannel *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (LAB_IS_TRUST_STORE (trust_store), NULL);

  self = g_object_new (LAB_TYPE_CLIENT_CHANNEL, NULL);
  self->name = g_strdup (name);
  self->trust_store = g_object_ref (trust_store);

  return self;
}

const char *
lab_client_channel_get_url (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), NULL);

  return self->url;
}

/* Applies to the next attempt. */
void
lab_client_channel_set_url (LabClientChannel *self,
                            const char       *url)
{
  g_return_if_fail (LAB_IS_CLIENT_CHANNEL (self));

  g_free (self->url);
  self->url = g_strdup (url);
}

/* Applies to the next attempt. */
void
lab_client_channel_set_trust_store (LabClientChannel *self,
                                    LabTrustStore    *trust_store)
{
  g_return_if_fail (LAB_IS_CLIENT_CHANNEL (self));
  g_return_if_fail (LAB_IS_TRUST_STORE (trust_store));

  g_set_object (&self->trust_store, trust_store);
}

/**
 * lab_client_channel_connect:
 *
 * Starts an attempt now; a retry that was scheduled is not needed any more.
 * Emits ::connecting, then ::opened or ::failed later (::failed at once for
 * an address that is not a WebSocket address).
 */
void
lab_client_channel_connect (LabClientChannel *self)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_return_if_fail (LAB_IS_CLIENT_CHANNEL (self));
  g_return_if_fail (!lab_client_channel_is_busy (self));

  g_clear_handle_id (&self->retry_source, g_source_remove);
  _lab_client_channel_update_retry_in (self);

  if (!(uri = lab_url_parse_websocket (self->url, &error)))
    {
      fail (self, error->message, FALSE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  self->got_message = FALSE;
  g_clear_error (&self->failure);

  g_debug ("%s: connecting to %s", self->name, self->url);
  _lab_client_channel_attempt_started (self);
  g_signal_emit (self, signals[CONNECTING], 0);

  /* Its callback touches the channel only if not cancelled: stop() and
   * dispose cancel it. */
  g_clear_pointer (&self->uri, g_uri_unref);
  self->uri = g_uri_ref (uri);
  lab_client_attempt_async (self->socket_client, self->trust_store, uri, self->cancellable,
                            attempt_cb, self);
}

/**
 * lab_client_channel_stop:
 *
 * Stops whatever the channel is doing: no signal of it follows. An open
 * connection closes cleanly in the background.
 */
void
lab_client_channel_stop (LabClientChannel *self)
{
  g_return_if_fail (LAB_IS_CLIENT_CHANNEL (self));

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }

  drop_connection (self);
  _lab_client_channel_retry_stop (self);
}

/* Returns: whether an attempt is in flight or a connection open */
gboolean
lab_client_channel_is_busy (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);

  return self->cancellable != NULL || self->connection != NULL;
}

guint
lab_client_channel_get_retry_in (LabClientChannel *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), 0);

  return self->retry_in;
}

/* Returns: %FALSE, with nothing sent, unless the connection is open */
gboolean
lab_client_channel_send_text (LabClientChannel *self,
                              const char       *text)
{
  g_return_val_if_fail (LAB_IS_CLIENT_CHANNEL (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (self->connection == NULL ||
      soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  soup_websocket_connection_send_text (self->connection, text);
  return TRUE;
}

/* For tests: what lives on while the network work of this channel is not
 * over (an attempt holds the socket client, a closing handshake its connection). */
void
lab_client_channel_add_network_objects (LabClientChannel *self,
                                        GPtrArray        *objects)
{
  g_return_if_fail (LAB_IS_CLIENT_CHANNEL (self));

  if (self->socket_client != NULL)
    g_ptr_array_add (objects, g_object_ref (self->socket_client));
  if (self->connection != NULL)
    g_ptr_array_add (objects, g_object_ref (self->connection));
  if (self->closing != NULL)
    g_ptr_array_add (objects, g_object_ref (self->closing));
}

void
_lab_client_channel_notify (LabClientChannel     *self,
                            LabClientChannelProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}
