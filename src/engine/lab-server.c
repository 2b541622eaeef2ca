/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-endpoint.h"
#include "lab-counter-room.h"
#include "lab-peer-private.h"
#include "lab-server-private.h"
#include "lab-time-room.h"

/* The WebSocket Lab server: one counter shared by every port and path, the
 * rooms (counter, time stream, hello), the peers as a list model, the event
 * log and the endpoints; started, stopped and shut down here. */

/* Enough history to scroll back through a lesson; the oldest drop off. */
#define LAB_EVENT_LOG_CAPACITY 1000

enum {
  PROP_0,
  PROP_ALLOW_LAN,
  PROP_BOUND_PORT,
  PROP_CAPTURE_ALL,
  PROP_CLASSIC_PORTS,
  PROP_COUNTER,
  PROP_EVENT_LOG,
  PROP_PEERS,
  PROP_PING_INTERVAL,
  PROP_PORT,
  PROP_RUNNING,
  PROP_STALL_TIMEOUT,
  PROP_TIME_INTERVAL_MAX,
  PROP_TLS_CERTIFICATE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabServer, lab_server, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* The web pages' resource bundle, linked into this library. */
GResource *lab_web_get_resource (void);

static void
lab_server_dispose (GObject *object)
{
  LabServer *self = LAB_SERVER (object);

  g_clear_handle_id (&self->keepalive_source, g_source_remove);
  g_clear_handle_id (&self->trim_source, g_source_remove);
  g_clear_object (&self->time_room);
  g_clear_object (&self->counter_room);
  g_clear_pointer (&self->listeners, g_ptr_array_unref);

  if (self->peers != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(LabPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);

          _lab_peer_set_observer (peer, NULL, NULL);
        }
    }

  g_clear_object (&self->peers);
  g_clear_object (&self->endpoints);
  g_clear_object (&self->limits);
  g_clear_object (&self->counter);
  g_clear_object (&self->event_log);
  g_clear_object (&self->frames);
  g_clear_object (&self->tls_certificate);

  /* Sockets that outlive the server (a peer someone still holds) must not
   * call back into it. */
  if (self->sockets != NULL)
    _lab_server_forget_sockets (self);
  g_clear_pointer (&self->sockets, g_hash_table_unref);
  _lab_server_clear_admission (self);

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

    case PROP_CAPTURE_ALL:
      g_value_set_boolean (value, self->capture_all);
      break;

    case PROP_PING_INTERVAL:
      g_value_set_uint (value, self->ping_interval);
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
      g_value_set_double (value, lab_time_room_get_interval_max (self->time_room));
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

    case PROP_CAPTURE_ALL:
      lab_server_set_capture_all (self, g_value_get_boolean (value));
      break;

    case PROP_PING_INTERVAL:
      lab_server_set_ping_interval (self, g_value_get_uint (value));
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
                         LAB_TYPE_BOUNDED_LIST,
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

  /* Every connection's frames go to lab_server_get_frames(). */
  properties[PROP_CAPTURE_ALL] =
    g_param_spec_boolean ("capture-all", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Seconds between pings to each connection, and to wait for its pong; 0: off. */
  properties[PROP_PING_INTERVAL] =
    g_param_spec_uint ("ping-interval", NULL, NULL,
                       0, LAB_PING_INTERVAL_MAX, LAB_PING_INTERVAL_DEFAULT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

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
  self->event_log = lab_bounded_list_new (LAB_TYPE_EVENT, LAB_EVENT_LOG_CAPACITY,
                                         LAB_BOUNDED_LIST_OLDEST_FIRST);
  self->peers = g_list_store_new (LAB_TYPE_PEER);
  self->endpoints = g_list_store_new (LAB_TYPE_ENDPOINT);
  self->listeners = g_ptr_array_new_with_free_func (_lab_server_listener_free);
  self->counter_room = lab_counter_room_new (self->counter, self->event_log);
  self->time_room = lab_time_room_new ();
  self->shutdown_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->sockets = g_hash_table_new (NULL, NULL);
  _lab_server_init_admission (self);
  self->port = LAB_DEFAULT_PORT;
  self->stall_timeout_ms = LAB_PEER_DEFAULT_STALL_TIMEOUT_MS;
  self->ping_interval = LAB_PING_INTERVAL_DEFAULT;
  self->limits = lab_server_limits_new ();
  _lab_server_restart_keepalive (self);
  self->frames = lab_bounded_list_new (LAB_TYPE_FRAME, LAB_SERVER_CAPTURE_FRAMES,
                                      LAB_BOUNDED_LIST_OLDEST_FIRST);
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

  if (!_lab_server_add_listener (self, LAB_LISTENER_MAIN, self->port, &bound_port, error) ||
      (self->classic_ports &&
       (!_lab_server_add_listener (self, LAB_LISTENER_CLASSIC_TIME, LAB_CLASSIC_TIME_PORT, &ignored, error) ||
        !_lab_server_add_listener (self, LAB_LISTENER_CLASSIC_HELLO, LAB_CLASSIC_HELLO_PORT, &ignored, error))))
    {
      g_ptr_array_set_size (self->listeners, 0);
      return FALSE;
    }

  self->bound_port = bound_port;
  _lab_server_publish_endpoints (self);

  urls = lab_server_dup_urls (self);
  for (guint i = 0; urls[i] != NULL; i++)
    _lab_server_log_event (self, lab_event_new (LAB_EVENT_LISTENING, 0, NULL, NULL, urls[i]));

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
  _lab_server_publish_endpoints (self);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);

      _lab_peer_close (peer, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "Server stopped");
    }

  _lab_server_log_event (self, lab_event_new (LAB_EVENT_STOPPED, 0, NULL, NULL, NULL));

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
  _lab_server_complete_shutdown_if_idle (self);
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

LabBoundedList *
lab_server_get_event_log (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), NULL);
  return self->event_log;
}

double
lab_server_get_time_interval_max (LabServer *self)
{
  g_return_val_if_fail (LAB_IS_SERVER (self), 0);
  return lab_time_room_get_interval_max (self->time_room);
}

void
lab_server_set_time_interval_max (LabServer *self,
                                  double     seconds)
{
  g_return_if_fail (LAB_IS_SERVER (self));
  g_return_if_fail (seconds >= 0);

  if (lab_time_room_get_interval_max (self->time_room) == seconds)
    return;

  lab_time_room_set_interval_max (self->time_room, seconds);
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
