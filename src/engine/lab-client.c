/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-backoff.h"
#include "lab-bounded-list.h"
#include "lab-client.h"
#include "lab-close-code.h"
#include "lab-protocol.h"
#include "lab-timestamp.h"
#include "lab-tls.h"
#include "lab-url.h"

/* A client of the counter and, optionally, of the time stream: two WebSocket
 * connections ("channels") on one SoupSession. Each channel reconnects on its
 * own with exponential backoff; only the counter channel drives :state. All of
 * it runs on the main context the client was created in. */

/* Enough lines to see the stream's rhythm; older ones drop off so memory stays flat. */
#define LAB_CLIENT_TIMESTAMPS_CAPACITY 100
/* A timestamp is 27 characters; a stranger server's long text is cut short for the list. */
#define LAB_CLIENT_TIMESTAMP_MAX_CHARS 120
/* A handshake stuck this long will not finish: better to fail and try again. */
#define LAB_CLIENT_HANDSHAKE_TIMEOUT_S 10
/* A ping this often, and a server silent for this many intervals is gone: a
 * phone leaving the Wi-Fi never closes its connections (libsoup 3.2 has no
 * pong timeout of its own). */
#define LAB_CLIENT_KEEPALIVE_DEFAULT_S 15
#define LAB_CLIENT_SILENT_INTERVALS 3

typedef struct
{
  LabClient               *client;       /* back pointer, unowned */
  const char              *name;         /* for logs */
  char                    *url;
  GCancellable            *cancellable;  /* the connect attempt in flight, if any */
  SoupWebsocketConnection *connection;   /* open or closing */
  GError                  *failure;      /* what ::error said about @connection */
  gint64                   retry_at;     /* monotonic time of the next try */
  guint                    retry_source;
  guint                    failures;     /* since a connection last worked */
  gint64                   last_heard;   /* monotonic time of the last message or pong */
  guint                    watchdog_source;
  guint                    got_message : 1;
} Channel;

/* One connect attempt. It outlives the client when cancelled, so it holds its
 * own reference to the cancellable and touches @channel only if not cancelled. */
typedef struct
{
  Channel              *channel;
  GCancellable         *cancellable;
  SoupMessage          *message;
  /* The certificate this attempt refused, and why */
  GTlsCertificate      *refused;
  GTlsCertificateFlags  refused_errors;
} Attempt;

struct _LabClient
{
  GObject           parent_instance;

  SoupSession      *session;
  LabBoundedList   *timestamps;
  Channel           counter;
  Channel           time;
  char             *last_error;

  /* What the counter server said */
  gint64            value;
  guint             users;

  /* Whom to trust: the system's authorities, a file's, or the user's word */
  LabTrustMode      trust_mode;
  GHashTable       *trusted;               /* "host:port" → SHA-256 fingerprint */
  GTlsCertificate  *untrusted_certificate;  /* waiting for the user's word */
  GTlsCertificateFlags untrusted_errors;
  char             *untrusted_peer;

  guint             keepalive_interval;

  LabClientState    state;
  guint             retry_in;
  guint             retry_in_source;

  guint             running : 1;
  guint             has_value : 1;
};

enum {
  PROP_0,
  PROP_UNTRUSTED_CERTIFICATE,
  PROP_COUNTER_URL,
  PROP_HAS_VALUE,
  PROP_LAST_ERROR,
  PROP_RETRY_IN,
  PROP_STATE,
  PROP_TIME_URL,
  PROP_TIMESTAMPS,
  PROP_USERS,
  PROP_VALUE,
  N_PROPS
};

enum {
  SERVER_ERROR,
  N_SIGNALS
};

G_DEFINE_ENUM_TYPE (LabClientState, lab_client_state,
                    G_DEFINE_ENUM_VALUE (LAB_CLIENT_STATE_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (LAB_CLIENT_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (LAB_CLIENT_STATE_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (LAB_CLIENT_STATE_WAITING_TO_RECONNECT, "waiting-to-reconnect"))

G_DEFINE_FINAL_TYPE (LabClient, lab_client, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void channel_connect (LabClient *self,
                             Channel   *channel);

/* Properties */

static void
set_state (LabClient      *self,
           LabClientState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_value (LabClient *self,
           gint64     value)
{
  if (self->value == value)
    return;

  self->value = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

static void
set_has_value (LabClient *self,
               gboolean   has_value)
{
  if (self->has_value == !!has_value)
    return;

  self->has_value = !!has_value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_VALUE]);
}

static void
set_users (LabClient *self,
           guint      users)
{
  if (self->users == users)
    return;

  self->users = users;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERS]);
}

static void
set_retry_in (LabClient *self,
              guint      seconds)
{
  if (self->retry_in == seconds)
    return;

  self->retry_in = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
}

static void
set_last_error (LabClient  *self,
                const char *text)
{
  if (g_strcmp0 (self->last_error, text) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/* What the counter server told is no longer known once its connection is gone. */
static void
forget_server_state (LabClient *self)
{
  set_has_value (self, FALSE);
  set_users (self, 0);
}

static gboolean
has_text (const char *text)
{
  return text != NULL && text[0] != '\0';
}

static gboolean retry_in_tick_cb (gpointer user_data);

/* Counts down :retry-in in whole seconds, ticking when the number changes. */
static void
update_retry_in (LabClient *self)
{
  guint seconds = 0;

  g_clear_handle_id (&self->retry_in_source, g_source_remove);

  if (self->counter.retry_source != 0)
    {
      gint64 remaining = self->counter.retry_at - g_get_monotonic_time ();

      if (remaining > 0)
        {
          gint64 until_change;

          seconds = (guint) ((remaining + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
          until_change = remaining - (gint64) (seconds - 1) * G_USEC_PER_SEC;
          self->retry_in_source = g_timeout_add ((guint) ((until_change + 999) / 1000),
                                                 retry_in_tick_cb, self);
        }
    }

  set_retry_in (self, seconds);
}

static gboolean
retry_in_tick_cb (gpointer user_data)
{
  LabClient *self = user_data;

  self->retry_in_source = 0;
  update_retry_in (self);

  return G_SOURCE_REMOVE;
}

/* Channels */

static void
release_closed_cb (SoupWebsocketConnection *connection,
                   gpointer                 user_data)
{
  g_object_unref (connection);
}

/* Takes @connection. libsoup finishes the closing handshake on its own (with a
 * timeout of its own); the reference goes when it has, so the close frame is
 * really sent and the server sees a clean leave. */
static void
release_connection (SoupWebsocketConnection *connection)
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

static Channel *
find_channel (LabClient               *self,
              SoupWebsocketConnection *connection)
{
  if (connection == self->counter.connection)
    return &self->counter;

  if (connection == self->time.connection)
    return &self->time;

  return NULL;
}

static gboolean
channel_is_idle (Channel *channel)
{
  return channel->cancellable == NULL && channel->connection == NULL;
}

/* Stops whatever the channel is doing; no callback of it runs afterwards. */
static void
channel_stop (LabClient *self,
              Channel   *channel)
{
  if (channel->cancellable != NULL)
    {
      g_cancellable_cancel (channel->cancellable);
      g_clear_object (&channel->cancellable);
    }

  g_clear_handle_id (&channel->retry_source, g_source_remove);
  g_clear_handle_id (&channel->watchdog_source, g_source_remove);

  if (channel->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (channel->connection, self);
      release_connection (g_steal_pointer (&channel->connection));
    }

  g_clear_error (&channel->failure);
  channel->failures = 0;
  channel->got_message = FALSE;
}

static gboolean
retry_cb (gpointer user_data)
{
  Channel *channel = user_data;
  g_autoptr(LabClient) self = g_object_ref (channel->client);

  channel->retry_source = 0;
  channel_connect (self, channel);

  return G_SOURCE_REMOVE;
}

/* The channel failed or ended without being asked to: try again later. */
static void
channel_schedule_retry (LabClient  *self,
                        Channel    *channel,
                        const char *why)
{
  guint wait_ms = lab_backoff_ms (channel->failures, g_random_double ());

  g_assert (channel_is_idle (channel));

  if (channel->failures < G_MAXUINT)
    channel->failures++;

  channel->got_message = FALSE;
  channel->retry_at = g_get_monotonic_time () + (gint64) wait_ms * G_TIME_SPAN_MILLISECOND;
  channel->retry_source = g_timeout_add (wait_ms, retry_cb, channel);

  g_debug ("%s: %s; trying again in %u ms", channel->name, why, wait_ms);

  if (channel == &self->counter)
    {
      g_object_freeze_notify (G_OBJECT (self));
      set_last_error (self, why);
      forget_server_state (self);
      set_state (self, LAB_CLIENT_STATE_WAITING_TO_RECONNECT);
      update_retry_in (self);
      g_object_thaw_notify (G_OBJECT (self));
    }
}

static void
counter_message (LabClient  *self,
                 const char *text,
                 gsize       length)
{
  g_autoptr(GError) error = NULL;
  LabServerEvent event;

  if (!lab_protocol_parse_server_event (text, length, &event, &error))
    {
      /* Newer servers may say more: not knowing an event is no fault. */
      if (g_error_matches (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_UNKNOWN_EVENT))
        g_debug ("Ignoring an event this client does not know: %s", error->message);
      else
        g_message ("Ignoring a message from the counter server: %s", error->message);

      lab_server_event_clear (&event);
      return;
    }

  switch (event.type)
    {
    case LAB_SERVER_EVENT_STATE:
      g_object_freeze_notify (G_OBJECT (self));
      set_value (self, event.value);
      set_has_value (self, TRUE);
      g_object_thaw_notify (G_OBJECT (self));
      break;

    case LAB_SERVER_EVENT_USERS:
      set_users (self, event.count);
      break;

    case LAB_SERVER_EVENT_ERROR:
      g_signal_emit (self, signals[SERVER_ERROR], 0, event.message);
      break;

    default:
      g_assert_not_reached ();
    }

  lab_server_event_clear (&event);
}

static void
time_message (LabClient  *self,
              const char *text,
              gsize       length)
{
  g_autofree char *line = g_strndup (text, length);

  if (g_utf8_strlen (line, -1) > LAB_CLIENT_TIMESTAMP_MAX_CHARS)
    {
      g_autofree char *start = g_utf8_substring (line, 0, LAB_CLIENT_TIMESTAMP_MAX_CHARS);

      g_free (line);
      line = g_strconcat (start, "…", NULL);
    }

  {
    g_autoptr(LabTimestamp) timestamp = lab_timestamp_new (line);

    lab_bounded_list_add (self->timestamps, timestamp);
  }
}

static void
connection_message_cb (LabClient               *self,
                       SoupWebsocketDataType    type,
                       GBytes                  *message,
                       SoupWebsocketConnection *connection)
{
  g_autoptr(LabClient) hold = NULL;
  Channel *channel = find_channel (self, connection);
  const char *data;
  gsize length;

  if (channel == NULL)
    return;

  hold = g_object_ref (self);
  channel->last_heard = g_get_monotonic_time ();

  if (!channel->got_message)
    {
      /* The server works: the next failure starts again from the shortest wait. */
      channel->got_message = TRUE;
      channel->failures = 0;
    }

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_debug ("%s: ignoring a binary message", channel->name);
      return;
    }

  data = g_bytes_get_data (message, &length);

  if (channel == &self->counter)
    counter_message (self, data, length);
  else
    time_message (self, data, length);
}

static void
connection_error_cb (LabClient               *self,
                     GError                  *error,
                     SoupWebsocketConnection *connection)
{
  Channel *channel = find_channel (self, connection);

  if (channel == NULL)
    return;

  g_debug ("%s: %s", channel->name, error->message);

  /* The first error says why; what follows is its consequence. */
  if (channel->failure == NULL)
    channel->failure = g_error_copy (error);
}

static void
connection_closed_cb (LabClient               *self,
                      SoupWebsocketConnection *connection)
{
  g_autoptr(LabClient) hold = NULL;
  g_autofree char *why = NULL;
  Channel *channel = find_channel (self, connection);

  if (channel == NULL)
    return;

  hold = g_object_ref (self);
  why = lab_close_code_describe_end (soup_websocket_connection_get_close_code (connection),
                                     channel->failure);

  g_signal_handlers_disconnect_by_data (connection, self);
  g_clear_object (&channel->connection);
  g_clear_error (&channel->failure);
  g_clear_handle_id (&channel->watchdog_source, g_source_remove);

  channel_schedule_retry (self, channel, why);
}

static void
connection_pong_cb (LabClient               *self,
                    GBytes                  *message,
                    SoupWebsocketConnection *connection)
{
  Channel *channel = find_channel (self, connection);

  if (channel != NULL)
    channel->last_heard = g_get_monotonic_time ();
}

/* The server answered neither pings nor anything else for a while: the
 * connection is dead even though nothing closed it. */
static gboolean
watchdog_cb (gpointer user_data)
{
  Channel *channel = user_data;
  g_autoptr(LabClient) self = g_object_ref (channel->client);
  gint64 silent = g_get_monotonic_time () - channel->last_heard;

  if (silent < (gint64) self->keepalive_interval * LAB_CLIENT_SILENT_INTERVALS * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  channel->watchdog_source = 0;
  g_signal_handlers_disconnect_by_data (channel->connection, self);
  release_connection (g_steal_pointer (&channel->connection));
  g_clear_error (&channel->failure);

  channel_schedule_retry (self, channel, _("The server stopped answering"));

  return G_SOURCE_REMOVE;
}

static void
channel_opened (LabClient               *self,
                Channel                 *channel,
                SoupWebsocketConnection *connection)
{
  g_assert (channel->connection == NULL);

  channel->connection = connection;
  g_signal_connect_object (connection, "message",
                           G_CALLBACK (connection_message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "error",
                           G_CALLBACK (connection_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "closed",
                           G_CALLBACK (connection_closed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "pong",
                           G_CALLBACK (connection_pong_cb), self, G_CONNECT_SWAPPED);

  if (self->keepalive_interval > 0)
    {
      channel->last_heard = g_get_monotonic_time ();
      soup_websocket_connection_set_keepalive_interval (connection, self->keepalive_interval);
      channel->watchdog_source = g_timeout_add_seconds (self->keepalive_interval, watchdog_cb, channel);
    }

  g_debug ("%s: connected to %s", channel->name, channel->url);

  if (channel == &self->counter)
    {
      g_object_freeze_notify (G_OBJECT (self));
      set_last_error (self, NULL);
      set_state (self, LAB_CLIENT_STATE_CONNECTED);
      g_object_thaw_notify (G_OBJECT (self));
    }
}

/* libsoup asks only about a certificate that failed verification. */
static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Attempt *attempt = user_data;
  LabClient *self;

  if (g_cancellable_is_cancelled (attempt->cancellable))
    return FALSE;

  self = attempt->channel->client;

  /* The user (or the application, for its own server) trusts this very
   * certificate for this server, whatever the trust mode. */
  {
    g_autofree char *peer = lab_url_dup_host_port (soup_message_get_uri (message));
    g_autofree char *fingerprint = lab_tls_dup_fingerprint (certificate);

    if (g_strcmp0 (g_hash_table_lookup (self->trusted, peer), fingerprint) == 0)
      return TRUE;
  }

  g_set_object (&attempt->refused, certificate);
  attempt->refused_errors = errors;

  return FALSE;
}

static void
set_untrusted (LabClient            *self,
               GTlsCertificate      *certificate,
               GTlsCertificateFlags  errors,
               const char           *peer)
{
  if (self->untrusted_certificate == certificate)
    return;

  g_set_object (&self->untrusted_certificate, certificate);
  self->untrusted_errors = errors;
  g_free (self->untrusted_peer);
  self->untrusted_peer = g_strdup (peer);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNTRUSTED_CERTIFICATE]);
}

/* A certificate refused will be refused again: no retries until the user
 * changes something (trusts it, picks another CA file, or connects again). */
static void
channel_refused_certificate (LabClient *self,
                             Channel   *channel,
                             Attempt   *attempt)
{
  g_autofree char *reasons = lab_tls_describe_errors (attempt->refused_errors);
  g_autofree char *why = g_strdup_printf (_("The server’s certificate is not trusted: %s"), reasons);

  g_debug ("%s: %s", channel->name, why);

  if (channel != &self->counter)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  set_last_error (self, why);
  forget_server_state (self);
  set_state (self, LAB_CLIENT_STATE_DISCONNECTED);
  update_retry_in (self);
  {
    g_autofree char *peer = lab_url_dup_host_port (soup_message_get_uri (attempt->message));

    set_untrusted (self, attempt->refused, attempt->refused_errors, peer);
  }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
attempt_free (Attempt *attempt)
{
  g_clear_object (&attempt->cancellable);
  g_clear_object (&attempt->message);
  g_clear_object (&attempt->refused);
  g_free (attempt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attempt, attempt_free)

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Attempt) attempt = user_data;
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabClient) self = NULL;
  Channel *channel;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);

  /* Stopped, or the client is gone: touch nothing of it. */
  if (g_cancellable_is_cancelled (attempt->cancellable))
    {
      if (connection != NULL)
        release_connection (g_steal_pointer (&connection));
      return;
    }

  channel = attempt->channel;
  self = g_object_ref (channel->client);
  g_clear_object (&channel->cancellable);

  if (connection != NULL)
    {
      channel_opened (self, channel, g_steal_pointer (&connection));
    }
  else if (attempt->refused != NULL)
    {
      channel_refused_certificate (self, channel, attempt);
    }
  else
    {
      GUri *uri = soup_message_get_uri (attempt->message);
      guint status = soup_message_get_status (attempt->message);
      g_autofree char *why = lab_close_code_describe_connect_error (error, status,
                                                                    g_uri_get_host (uri),
                                                                    !lab_url_is_secure (uri));

      g_debug ("%s: %s", channel->name, error->message);
      channel_schedule_retry (self, channel, why);
    }
}

static void
channel_connect (LabClient *self,
                 Channel   *channel)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  Attempt *attempt;

  g_assert (channel_is_idle (channel));

  g_clear_handle_id (&channel->retry_source, g_source_remove);

  if (!(uri = lab_url_parse_websocket (channel->url, &error)))
    {
      /* Trying again would not fix the address: wait for a new one. */
      if (channel == &self->counter)
        {
          g_object_freeze_notify (G_OBJECT (self));
          set_last_error (self, error->message);
          forget_server_state (self);
          set_state (self, LAB_CLIENT_STATE_DISCONNECTED);
          update_retry_in (self);
          g_object_thaw_notify (G_OBJECT (self));
        }
      else
        {
          g_message ("Not connecting to the time stream: %s", error->message);
        }
      return;
    }

  message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);

  attempt = g_new0 (Attempt, 1);
  attempt->channel = channel;
  attempt->cancellable = g_cancellable_new ();
  attempt->message = g_object_ref (message);

  g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_certificate_cb), attempt);

  channel->cancellable = g_object_ref (attempt->cancellable);
  channel->got_message = FALSE;
  g_clear_error (&channel->failure);

  g_debug ("%s: connecting to %s", channel->name, channel->url);
  soup_session_websocket_connect_async (self->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        attempt->cancellable, connect_cb, attempt);

  if (channel == &self->counter)
    {
      g_object_freeze_notify (G_OBJECT (self));
      forget_server_state (self);
      set_state (self, LAB_CLIENT_STATE_CONNECTING);
      update_retry_in (self);
      g_object_thaw_notify (G_OBJECT (self));
    }
}

/* GObject */

static void
lab_client_dispose (GObject *object)
{
  LabClient *self = LAB_CLIENT (object);

  self->running = FALSE;
  channel_stop (self, &self->counter);
  channel_stop (self, &self->time);
  g_clear_handle_id (&self->retry_in_source, g_source_remove);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->timestamps);
  g_clear_object (&self->untrusted_certificate);

  G_OBJECT_CLASS (lab_client_parent_class)->dispose (object);
}

static void
lab_client_finalize (GObject *object)
{
  LabClient *self = LAB_CLIENT (object);

  g_clear_pointer (&self->counter.url, g_free);
  g_clear_pointer (&self->time.url, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->trusted, g_hash_table_unref);
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
      g_value_set_string (value, self->counter.url);
      break;

    case PROP_UNTRUSTED_CERTIFICATE:
      g_value_set_object (value, self->untrusted_certificate);
      break;

    case PROP_HAS_VALUE:
      g_value_set_boolean (value, self->has_value);
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
      g_value_set_string (value, self->time.url);
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
  properties[PROP_COUNTER_URL] =
    g_param_spec_string ("counter-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* TRUE once the server sent the counter's value on this connection. */
  properties[PROP_HAS_VALUE] =
    g_param_spec_boolean ("has-value", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Why the counter connection is not up, in words for people; NULL when it is. */
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Seconds until the next try, while waiting to reconnect; 0 otherwise. */
  properties[PROP_RETRY_IN] =
    g_param_spec_uint ("retry-in", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       LAB_TYPE_CLIENT_STATE, LAB_CLIENT_STATE_DISCONNECTED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The certificate that stopped the counter connection, for the user to
   * look at; lab_client_trust_certificate() goes on with it. */
  properties[PROP_UNTRUSTED_CERTIFICATE] =
    g_param_spec_object ("untrusted-certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* NULL or empty: no time stream. */
  properties[PROP_TIME_URL] =
    g_param_spec_string ("time-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* LabTimestamp items, newest first, at most 100. */
  properties[PROP_TIMESTAMPS] =
    g_param_spec_object ("timestamps", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_USERS] =
    g_param_spec_uint ("users", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The last value the server sent; stale while has-value is FALSE. */
  properties[PROP_VALUE] =
    g_param_spec_int64 ("value", NULL, NULL,
                        LAB_COUNTER_MIN, LAB_COUNTER_MAX, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabClient::server-error:
   * @self: a #LabClient
   * @message: what the server said was wrong
   *
   * The counter server answered with `{"type":"error"}`. Nothing changed.
   */
  signals[SERVER_ERROR] =
    g_signal_new ("server-error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lab_client_init (LabClient *self)
{
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "timeout", LAB_CLIENT_HANDSHAKE_TIMEOUT_S,
                                NULL);
  self->timestamps = lab_bounded_list_new (LAB_TYPE_TIMESTAMP, LAB_CLIENT_TIMESTAMPS_CAPACITY,
                                          LAB_BOUNDED_LIST_NEWEST_FIRST);
  self->state = LAB_CLIENT_STATE_DISCONNECTED;
  self->trust_mode = LAB_TRUST_SYSTEM;
  self->keepalive_interval = LAB_CLIENT_KEEPALIVE_DEFAULT_S;
  self->trusted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->counter.client = self;
  self->counter.name = "counter";
  self->time.client = self;
  self->time.name = "time";
}

/* Public API */

/**
 * lab_client_new:
 * @counter_url: (nullable): the counter's WebSocket URL, such as `ws://127.0.0.1:6789/`
 * @time_url: (nullable): the time stream's URL, or %NULL for none
 *
 * Returns: (transfer full): a disconnected client; call lab_client_connect()
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

  return self->counter.url;
}

void
lab_client_set_counter_url (LabClient  *self,
                            const char *url)
{
  g_return_if_fail (LAB_IS_CLIENT (self));

  if (g_strcmp0 (self->counter.url, url) == 0)
    return;

  g_free (self->counter.url);
  self->counter.url = g_strdup (url);

  if (self->running)
    {
      channel_stop (self, &self->counter);
      channel_connect (self, &self->counter);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTER_URL]);
}

const char *
lab_client_get_time_url (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);

  return self->time.url;
}

void
lab_client_set_time_url (LabClient  *self,
                         const char *url)
{
  g_return_if_fail (LAB_IS_CLIENT (self));

  if (g_strcmp0 (self->time.url, url) == 0)
    return;

  g_free (self->time.url);
  self->time.url = g_strdup (url);

  if (self->running)
    {
      channel_stop (self, &self->time);
      if (has_text (url))
        channel_connect (self, &self->time);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_URL]);
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

  if (channel_is_idle (&self->counter))
    channel_connect (self, &self->counter);

  if (has_text (self->time.url) && channel_is_idle (&self->time))
    channel_connect (self, &self->time);
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
  channel_stop (self, &self->counter);
  channel_stop (self, &self->time);

  g_object_freeze_notify (G_OBJECT (self));
  set_untrusted (self, NULL, 0, NULL);
  set_last_error (self, NULL);
  forget_server_state (self);
  set_state (self, LAB_CLIENT_STATE_DISCONNECTED);
  update_retry_in (self);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
send_action (LabClient *self,
             LabAction  action)
{
  g_autofree char *text = NULL;
  SoupWebsocketConnection *connection = self->counter.connection;

  if (self->state != LAB_CLIENT_STATE_CONNECTED || connection == NULL ||
      soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  text = lab_protocol_format_action (action);
  soup_websocket_connection_send_text (connection, text);

  return TRUE;
}

/**
 * lab_client_plus:
 *
 * Asks the server to add one. The new value arrives later as :value.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_plus (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  return send_action (self, LAB_ACTION_PLUS);
}

/**
 * lab_client_minus:
 *
 * Asks the server to take one away. The new value arrives later as :value.
 *
 * Returns: %FALSE, with nothing sent, when not connected
 */
gboolean
lab_client_minus (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  return send_action (self, LAB_ACTION_MINUS);
}

LabClientState
lab_client_get_state (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), LAB_CLIENT_STATE_DISCONNECTED);

  return self->state;
}

gint64
lab_client_get_value (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), 0);

  return self->value;
}

gboolean
lab_client_get_has_value (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), FALSE);

  return self->has_value;
}

guint
lab_client_get_users (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), 0);

  return self->users;
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

/* Trust */

/* Settings that change what is trusted apply to the next connection: make it now. */
static void
reconnect (LabClient *self)
{
  if (!self->running)
    return;

  channel_stop (self, &self->counter);
  channel_stop (self, &self->time);
  lab_client_connect (self);
}

/**
 * lab_client_set_trust:
 * @mode: whom to trust
 * @database: (nullable): for %LAB_TRUST_CA_FILE, the certificates to trust
 *
 * Decides how a wss:// server's certificate is checked, and reconnects.
 */
void
lab_client_set_trust (LabClient    *self,
                      LabTrustMode  mode,
                      GTlsDatabase *database)
{
  g_return_if_fail (LAB_IS_CLIENT (self));
  g_return_if_fail (!database || G_IS_TLS_DATABASE (database));

  self->trust_mode = mode;

  /* Without a file of its own, the client trusts the system's authorities. */
  if (mode == LAB_TRUST_CA_FILE && database != NULL)
    g_object_set (self->session, "tls-database", database, NULL);
  else
    {
      g_autoptr(GTlsDatabase) system = g_tls_backend_get_default_database (g_tls_backend_get_default ());

      g_object_set (self->session, "tls-database", system, NULL);
    }

  set_untrusted (self, NULL, 0, NULL);
  reconnect (self);
}

LabTrustMode
lab_client_get_trust_mode (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), LAB_TRUST_SYSTEM);

  return self->trust_mode;
}

/**
 * lab_client_set_trusted_certificates:
 * @trusted: (element-type utf8 utf8) (nullable): "host:port" → SHA-256 fingerprint
 *
 * The certificates the user accepted, remembered across runs, and any the
 * application vouches for (its own server's). Trusted in every mode.
 */
void
lab_client_set_trusted_certificates (LabClient  *self,
                                     GHashTable *trusted)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (LAB_IS_CLIENT (self));

  g_hash_table_remove_all (self->trusted);

  if (trusted == NULL)
    return;

  g_hash_table_iter_init (&iter, trusted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (self->trusted, g_strdup (key), g_strdup (value));

  /* Trusted meanwhile (from another window, say): go on with it. */
  if (self->untrusted_certificate != NULL)
    {
      g_autofree char *fingerprint = lab_tls_dup_fingerprint (self->untrusted_certificate);

      if (g_strcmp0 (g_hash_table_lookup (self->trusted, self->untrusted_peer), fingerprint) == 0)
        {
          set_untrusted (self, NULL, 0, NULL);
          reconnect (self);
        }
    }
}

/**
 * lab_client_trust_certificate:
 * @peer: "host:port"
 * @fingerprint: the SHA-256 fingerprint the user accepted for it
 *
 * Trusts that certificate for that server from now on, and connects again if
 * the client was stopped by it.
 */
void
lab_client_trust_certificate (LabClient  *self,
                              const char *peer,
                              const char *fingerprint)
{
  g_return_if_fail (LAB_IS_CLIENT (self));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (fingerprint != NULL);

  g_hash_table_insert (self->trusted, g_strdup (peer), g_strdup (fingerprint));

  if (self->untrusted_certificate != NULL)
    {
      set_untrusted (self, NULL, 0, NULL);
      reconnect (self);
    }
}

/**
 * lab_client_get_untrusted_certificate:
 * @errors: (out) (optional): why it is not trusted
 * @peer: (out) (optional) (transfer none): "host:port" it came from
 *
 * Returns: (transfer none) (nullable): the certificate waiting for the user's word
 */
GTlsCertificate *
lab_client_get_untrusted_certificate (LabClient            *self,
                                      GTlsCertificateFlags *errors,
                                      const char          **peer)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);

  if (errors != NULL)
    *errors = self->untrusted_errors;
  if (peer != NULL)
    *peer = self->untrusted_peer;

  return self->untrusted_certificate;
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

/**
 * lab_client_set_keepalive_interval:
 * @seconds: how often to ping the server; 0 for never
 *
 * A server silent for three intervals counts as gone, and the client
 * reconnects. Applies to the next connections.
 */
void
lab_client_set_keepalive_interval (LabClient *self,
                                   guint      seconds)
{
  g_return_if_fail (LAB_IS_CLIENT (self));

  self->keepalive_interval = seconds;
}
