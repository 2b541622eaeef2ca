/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"


#include "lab-bounded-list.h"
#include "lab-client-channel.h"
#include "lab-client-private.h"
#include "lab-protocol.h"
#include "lab-timestamp.h"
#include "lab-url.h"

/* A client of the counter and, optionally, of the time stream: two channels,
 * each one WebSocket connection that reconnects on its own. The counter's
 * drives :state and what the server said; the time stream's fills the list of
 * timestamps and never changes :state. Whom to trust over wss:// is the trust
 * store's to say; the client follows it. */

/* Enough lines to see the stream's rhythm; older ones drop off so memory stays flat. */
#define LAB_CLIENT_TIMESTAMPS_CAPACITY 100

G_DEFINE_ENUM_TYPE (LabClientState, lab_client_state,
                    G_DEFINE_ENUM_VALUE (LAB_CLIENT_STATE_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (LAB_CLIENT_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (LAB_CLIENT_STATE_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (LAB_CLIENT_STATE_WAITING_TO_RECONNECT, "waiting-to-reconnect"))

G_DEFINE_FINAL_TYPE (LabClient, lab_client, G_TYPE_OBJECT)

GParamSpec *_lab_client_properties[N_PROPS];
guint _lab_client_signals[N_SIGNALS];

/* Properties */

static void
set_state (LabClient      *self,
           LabClientState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_STATE]);
}

static void
set_retry_in (LabClient *self,
              guint      seconds)
{
  if (self->retry_in == seconds)
    return;

  self->retry_in = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_RETRY_IN]);
}

static void
set_last_error (LabClient  *self,
                const char *text)
{
  if (g_strcmp0 (self->last_error, text) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_LAST_ERROR]);
}

static gboolean
has_text (const char *text)
{
  return text != NULL && text[0] != '\0';
}

/* Every change of :state goes through here, with what goes along: why (NULL
 * when nothing is wrong), what the server said forgotten until it says it
 * again, and the countdown to the next try. */
static void
move_to (LabClient      *self,
         LabClientState  state,
         const char     *why)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_last_error (self, why);
  _lab_client_forget_server_state (self);
  set_state (self, state);
  set_retry_in (self, lab_client_channel_get_retry_in (self->counter));
  g_object_thaw_notify (G_OBJECT (self));
}

/* The counter channel */

static void
counter_connecting_cb (LabClient *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  _lab_client_set_untrusted (self, NULL, 0, NULL);
  move_to (self, LAB_CLIENT_STATE_CONNECTING, self->last_error);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
counter_opened_cb (LabClient *self)
{
  move_to (self, LAB_CLIENT_STATE_CONNECTED, NULL);
}

static void
counter_failed_cb (LabClient  *self,
                   const char *why,
                   gboolean    will_retry)
{
  move_to (self, will_retry ? LAB_CLIENT_STATE_WAITING_TO_RECONNECT : LAB_CLIENT_STATE_DISCONNECTED,
           why);
}

static void
counter_retry_in_cb (LabClient *self)
{
  set_retry_in (self, lab_client_channel_get_retry_in (self->counter));
}

/* GObject */

static void
lab_client_dispose (GObject *object)
{
  LabClient *self = LAB_CLIENT (object);

  self->running = FALSE;

  /* Nothing of a channel or the store reaches this client from now on. */
  if (self->counter != NULL)
    g_signal_handlers_disconnect_by_data (self->counter, self);
  if (self->time != NULL)
    g_signal_handlers_disconnect_by_data (self->time, self);
  if (self->trust_store != NULL)
    g_signal_handlers_disconnect_by_data (self->trust_store, self);

  g_clear_object (&self->counter);
  g_clear_object (&self->time);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->timestamps);
  g_clear_object (&self->untrusted_certificate);

  G_OBJECT_CLASS (lab_client_parent_class)->dispose (object);
}

static void
lab_client_finalize (GObject *object)
{
  LabClient *self = LAB_CLIENT (object);

  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->untrusted_peer, g_free);

  G_OBJECT_CLASS (lab_client_parent_class)->finalize (object);
}

static void
lab_client_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LabClient *self = LAB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_COUNTER_URL:
      g_value_set_string (value, lab_client_channel_get_url (self->counter));
      break;

    case PROP_UNTRUSTED_CERTIFICATE:
      g_value_set_object (value, self->untrusted_certificate);
      break;

    case PROP_HANDSHAKE:
      g_value_set_object (value, lab_client_channel_get_handshake (self->counter));
      break;

    case PROP_HAS_VALUE:
      g_value_set_boolean (value, self->has_value);
      break;

    case PROP_PONG_RTT:
      g_value_set_int (value, lab_client_channel_get_pong_rtt (self->counter));
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_RETRY_IN:
      g_value_set_uint (value, self->retry_in);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_TIME_URL:
      g_value_set_string (value, lab_client_channel_get_url (self->time));
      break;

    case PROP_TRUST_STORE:
      g_value_set_object (value, self->trust_store);
      break;

    case PROP_TIMESTAMPS:
      g_value_set_object (value, self->timestamps);
      break;

    case PROP_USERS:
      g_value_set_uint (value, self->users);
      break;

    case PROP_VALUE:
      g_value_set_int64 (value, self->value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_client_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LabClient *self = LAB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_COUNTER_URL:
      lab_client_set_counter_url (self, g_value_get_string (value));
      break;

    case PROP_TIME_URL:
      lab_client_set_time_url (self, g_value_get_string (value));
      break;

    case PROP_TRUST_STORE:
      lab_client_set_trust_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_client_class_init (LabClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_client_dispose;
  object_class->finalize = lab_client_finalize;
  object_class->get_property = lab_client_get_property;
  object_class->set_property = lab_client_set_property;

  /* Changing a URL while connected reconnects that channel at once. */
  _lab_client_properties[PROP_COUNTER_URL] =
    g_param_spec_string ("counter-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The counter connection's latest opening handshake. */
  _lab_client_properties[PROP_HANDSHAKE] =
    g_param_spec_object ("handshake", NULL, NULL,
                         LAB_TYPE_HANDSHAKE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The counter connection's latest ping round trip in ms, -1 before its first pong. */
  _lab_client_properties[PROP_PONG_RTT] =
    g_param_spec_int ("pong-rtt", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* TRUE once the server sent the counter's value on this connection. */
  _lab_client_properties[PROP_HAS_VALUE] =
    g_param_spec_boolean ("has-value", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Why the counter connection is not up, in words for people; NULL when it is. */
  _lab_client_properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Seconds until the next try, while waiting to reconnect; 0 otherwise. */
  _lab_client_properties[PROP_RETRY_IN] =
    g_param_spec_uint ("retry-in", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  _lab_client_properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       LAB_TYPE_CLIENT_STATE, LAB_CLIENT_STATE_DISCONNECTED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The certificate that stopped the counter connection, for the user to
   * look at; trusting it in the trust store goes on with it. */
  _lab_client_properties[PROP_UNTRUSTED_CERTIFICATE] =
    g_param_spec_object ("untrusted-certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* NULL or empty: no time stream. */
  _lab_client_properties[PROP_TIME_URL] =
    g_param_spec_string ("time-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Whom to trust over wss://; the client reconnects when it changes its mind. */
  _lab_client_properties[PROP_TRUST_STORE] =
    g_param_spec_object ("trust-store", NULL, NULL,
                         LAB_TYPE_TRUST_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* LabTimestamp items, newest first, at most 100. */
  _lab_client_properties[PROP_TIMESTAMPS] =
    g_param_spec_object ("timestamps", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  _lab_client_properties[PROP_USERS] =
    g_param_spec_uint ("users", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The last value the server sent; stale while has-value is FALSE. */
  _lab_client_properties[PROP_VALUE] =
    g_param_spec_int64 ("value", NULL, NULL,
                        LAB_COUNTER_MIN, LAB_COUNTER_MAX, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, _lab_client_properties);

  /**
   * LabClient::server-error:
   * @self: a #LabClient
   * @message: what the server said was wrong
   *
   * The counter server answered with `{"type":"error"}`. Nothing changed.
   */
  _lab_client_signals[SERVER_ERROR] =
    g_signal_new ("server-error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * LabClient::close-answered:
   * @self: a #LabClient
   *
   * A close asked for with lab_client_close() is over: the counter server
   * answered, or the connection ended; lab_client_describe_close() tells.
   */
  _lab_client_signals[CLOSE_ANSWERED] =
    g_signal_new ("close-answered",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
lab_client_init (LabClient *self)
{
  g_autoptr(LabTrustStore) trust_store = lab_trust_store_new ();

  self->timestamps = lab_bounded_list_new (LAB_TYPE_TIMESTAMP, LAB_CLIENT_TIMESTAMPS_CAPACITY,
                                          LAB_BOUNDED_LIST_NEWEST_FIRST);
  self->state = LAB_CLIENT_STATE_DISCONNECTED;

  self->counter = lab_client_channel_new ("counter", trust_store);
  g_signal_connect_object (self->counter, "connecting",
                           G_CALLBACK (counter_connecting_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->counter, "close-answered",
                           G_CALLBACK (_lab_client_close_answered_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->counter, "opened",
                           G_CALLBACK (counter_opened_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->counter, "message",
                           G_CALLBACK (_lab_client_counter_message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->counter, "failed",
                           G_CALLBACK (counter_failed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->counter, "refused-certificate",
                           G_CALLBACK (_lab_client_refused_certificate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->counter, "notify::retry-in",
                           G_CALLBACK (counter_retry_in_cb), self, G_CONNECT_SWAPPED);
  _lab_client_watch_inspect (self);

  self->time = lab_client_channel_new ("time", trust_store);
  g_signal_connect_object (self->time, "message",
                           G_CALLBACK (_lab_client_time_message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->time, "failed",
                           G_CALLBACK (_lab_client_time_failed_cb), self, G_CONNECT_SWAPPED);

  lab_client_set_trust_store (self, trust_store);
}

/* Public API */

/**
 * lab_client_new:
 * @counter_url: (nullable): the counter's WebSocket URL, such as `ws://127.0.0.1:6789/`
 * @time_url: (nullable): the time stream's URL, or %NULL for none
 *
 * Returns: (transfer full): a disconnected client that trusts the system's
 * authorities; call lab_client_connect()
 */
LabClient *
lab_client_new (const char *counter_url,
                const char *time_url)
{
  return g_object_new (LAB_TYPE_CLIENT,
                       "counter-url", counter_url,
                       "time-url", time_url,
                       NULL);
}

const char *
lab_client_get_counter_url (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);

  return lab_client_channel_get_url (self->counter);
}

void
lab_client_set_counter_url (LabClient  *self,
                            const char *url)
{
  g_return_if_fail (LAB_IS_CLIENT (self));

  if (g_strcmp0 (lab_client_channel_get_url (self->counter), url) == 0)
    return;

  lab_client_channel_set_url (self->counter, url);

  if (self->running)
    {
      lab_client_channel_stop (self->counter);
      lab_client_channel_connect (self->counter);
    }

  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_COUNTER_URL]);
}

const char *
lab_client_get_time_url (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);

  return lab_client_channel_get_url (self->time);
}

/* Another stream: the timestamps of the one before are not its. */
void
lab_client_set_time_url (LabClient  *self,
                         const char *url)
{
  g_return_if_fail (LAB_IS_CLIENT (self));

  if (g_strcmp0 (lab_client_channel_get_url (self->time), url) == 0)
    return;

  lab_client_channel_set_url (self->time, url);
  lab_bounded_list_clear (self->timestamps);

  if (self->running)
    {
      lab_client_channel_stop (self->time);
      if (has_text (url))
        lab_client_channel_connect (self->time);
    }

  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_TIME_URL]);
}

/**
 * lab_client_connect:
 *
 * Starts connecting, on the main loop; from now on the client reconnects on
 * its own until lab_client_disconnect(). While waiting to reconnect, this
 * tries again at once. Connected channels are left as they are.
 */
void
lab_client_connect (LabClient *self)
{
  g_return_if_fail (LAB_IS_CLIENT (self));

  self->running = TRUE;

  if (!lab_client_channel_is_busy (self->counter))
    lab_client_channel_connect (self->counter);

  if (has_text (lab_client_channel_get_url (self->time)) &&
      !lab_client_channel_is_busy (self->time))
    lab_client_channel_connect (self->time);
}

/**
 * lab_client_disconnect:
 *
 * Closes both connections (cleanly, in the background) and stops reconnecting.
 */
void
lab_client_disconnect (LabClient *self)
{
  g_return_if_fail (LAB_IS_CLIENT (self));

  self->running = FALSE;
  lab_client_channel_stop (self->counter);
  lab_client_channel_stop (self->time);

  g_object_freeze_notify (G_OBJECT (self));
  _lab_client_set_untrusted (self, NULL, 0, NULL);
  move_to (self, LAB_CLIENT_STATE_DISCONNECTED, NULL);
  g_object_thaw_notify (G_OBJECT (self));
}

LabClientState
lab_client_get_state (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), LAB_CLIENT_STATE_DISCONNECTED);

  return self->state;
}

guint
lab_client_get_retry_in (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), 0);

  return self->retry_in;
}

const char *
lab_client_get_last_error (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);

  return self->last_error;
}

/**
 * lab_client_get_timestamps:
 *
 * Returns: (transfer none): the time stream's texts as #LabTimestamp items,
 * newest first, at most 100
 */
GListModel *
lab_client_get_timestamps (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);

  return G_LIST_MODEL (self->timestamps);
}

/**
 * lab_client_check_url:
 * @url: what a person typed
 *
 * Returns: %TRUE if the client can connect to @url; otherwise %FALSE with
 * @error saying, in words, what a WebSocket address looks like
 */
gboolean
lab_client_check_url (const char  *url,
                      GError     **error)
{
  g_autoptr(GUri) uri = lab_url_parse_websocket (url, error);

  return uri != NULL;
}

/* For tests: objects whose finalization means the client's network work is
 * over. Take them before disposing the client. */
GPtrArray *
_lab_client_dup_network_objects (LabClient *self)
{
  GPtrArray *objects = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (LAB_IS_CLIENT (self), objects);

  lab_client_channel_add_network_objects (self->counter, objects);
  lab_client_channel_add_network_objects (self->time, objects);

  return objects;
}
