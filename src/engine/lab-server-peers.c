/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server"

#include "config.h"

#include <string.h>
#if HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "lab-hello.h"
#include "lab-peer-private.h"
#include "lab-server-private.h"
#include "lab-web-pages.h"

/* What comes in on a listener: plain HTTP gets the pages; a WebSocket upgrade
 * is answered here rather than by soup_server_add_websocket_handler(), so
 * that each connection runs over a metered stream (see LabPeer), and goes to
 * the counter room, the time stream or hello by its route; each peer is
 * followed until it is gone. */

typedef struct
{
  LabServer *server;
  LabRoute   route;
} Upgrade;

/* Takes @event into the server's log. */
void
_lab_server_log_event (LabServer *self,
                       LabEvent  *event)
{
  lab_bounded_list_add (self->event_log, event);
  g_object_unref (event);
}

static void
peer_message_cb (gpointer    data,
                 const char *text,
                 LabPeer    *peer)
{
  LabServer *self = data;
  LabEvent *event;

  if (!_lab_server_within_rate (self, peer))
    return;

  event = _lab_peer_new_event (peer, LAB_EVENT_MESSAGE_IN, text);

  lab_event_set_size (event, strlen (text));
  _lab_server_log_event (self, event);

  switch (lab_peer_get_route (peer))
    {
    case LAB_ROUTE_COUNTER:
      lab_counter_room_receive (self->counter_room, peer, text);
      break;

    case LAB_ROUTE_HELLO:
      lab_hello_answer (peer, text, self->event_log);
      break;

    case LAB_ROUTE_TIME:
      /* The tutorial's time server never reads what the browser sends. */
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
peer_closing_cb (gpointer    data,
                 guint       code,
                 const char *reason,
                 LabPeer    *peer)
{
  LabServer *self = data;
  LabEvent *event;

  /* A normal close after hello is part of the conversation, not news. */
  if (code == SOUP_WEBSOCKET_CLOSE_NORMAL)
    return;

  event = _lab_peer_new_event (peer, LAB_EVENT_CLOSE, reason);
  lab_event_set_code (event, code);
  _lab_server_log_event (self, event);
}

void
_lab_server_complete_shutdown_if_idle (LabServer *self)
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
peer_closed_cb (gpointer  data,
                LabPeer  *peer)
{
  LabServer *self = data;
  LabEvent *event;
  guint position;
  gushort code;

  /* With no close frame from the client: 1006, and what happened instead. */
  code = lab_peer_get_close_code_received (peer);
  event = _lab_peer_new_event (peer, LAB_EVENT_LEAVE,
                               code == SOUP_WEBSOCKET_CLOSE_ABNORMAL
                                 ? _lab_peer_get_close_failure (peer)
                                 : lab_peer_get_close_reason (peer));
  lab_event_set_code (event, code);
  _lab_server_log_event (self, event);

  lab_time_room_leave (self->time_room, peer);
  lab_counter_room_leave (self->counter_room, peer);

  _lab_peer_set_observer (peer, NULL, NULL);

  if (g_list_store_find (self->peers, peer, &position))
    g_list_store_remove (self->peers, position);

  _lab_server_complete_shutdown_if_idle (self);
}

static const LabPeerObserver peer_observer = {
  .message = peer_message_cb,
  .closing = peer_closing_cb,
  .closed = peer_closed_cb,
};

/* A burst of joins leaves the memory its HTTP requests and handshakes used
 * free but scattered between the connections that stay; malloc keeps it.
 * When the joins stop for a moment, it goes back to the system: an idle
 * class costs what its connections hold, not what their arrival took. */
#define TRIM_AFTER_JOINS 64
#define TRIM_QUIET_MS    100

static gboolean
trim_cb (gpointer user_data)
{
  LabServer *self = user_data;

  self->trim_source = 0;
  self->joins_since_trim = 0;
#if HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif

  return G_SOURCE_REMOVE;
}

static void
note_join (LabServer *self)
{
  if (++self->joins_since_trim < TRIM_AFTER_JOINS)
    return;

  g_clear_handle_id (&self->trim_source, g_source_remove);
  self->trim_source = g_timeout_add (TRIM_QUIET_MS, trim_cb, self);
}

static void
upgrade_written_cb (SoupServerMessage *message,
                    gpointer           user_data)
{
  Upgrade *upgrade = user_data;
  LabServer *self = upgrade->server;
  g_autoptr(LabPeer) peer = NULL;

  peer = _lab_peer_new (++self->next_peer_id, upgrade->route, message, self->stall_timeout_ms);
  /* Before anything is sent to it, so the trace misses no frame. */
  if (self->capture_all)
    _lab_peer_set_capture_sink (peer, self->frames);
  _lab_peer_set_ping_interval (peer, self->ping_interval);

  /* Dropped when the peer closes, or by the server's dispose. */
  _lab_peer_set_observer (peer, &peer_observer, self);

  g_list_store_append (self->peers, peer);
  _lab_server_log_event (self, _lab_peer_new_event (peer, LAB_EVENT_JOIN, lab_peer_get_origin (peer)));
  note_join (self);

  switch (upgrade->route)
    {
    case LAB_ROUTE_COUNTER:
      lab_counter_room_join (self->counter_room, peer);
      break;

    case LAB_ROUTE_TIME:
      lab_time_room_join (self->time_room, peer);
      break;

    case LAB_ROUTE_HELLO:
      break;

    default:
      g_assert_not_reached ();
    }
}

void
_lab_server_request_cb (SoupServer        *soup,
                        SoupServerMessage *message,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data)
{
  Listener *listener = user_data;
  const char *page = lab_web_find_page (listener->role, path);
  LabRoute route;

  if (lab_web_find_route (listener->role, path, &route))
    {
      g_autoptr(GError) error = NULL;
      Upgrade *upgrade;

      if (soup_websocket_server_check_handshake (message, NULL, NULL, NULL, &error))
        {
          if (!_lab_server_admit_upgrade (listener->server, message,
                                          listener->tls_certificate != NULL))
            return;

          /* It sets the error response itself when it refuses. */
          if (!soup_websocket_server_process_handshake (message, NULL, NULL, NULL, NULL))
            return;

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
          lab_web_respond_text (message, SOUP_STATUS_BAD_REQUEST, error->message);
          return;
        }

      if (page == NULL)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                        "Upgrade", "websocket");
          lab_web_respond_text (message, 426 /* Upgrade Required */,
                             "This address is a WebSocket endpoint: connect with ws:// or wss://.\n");
          return;
        }
    }

  if (page != NULL)
    lab_web_serve_page (message, page);
  else
    lab_web_respond_text (message, SOUP_STATUS_NOT_FOUND, "Not found.\n");
}

