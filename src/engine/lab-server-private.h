/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-counter-room.h"
#include "lab-server.h"
#include "lab-server-limits.h"
#include "lab-time-room.h"

G_BEGIN_DECLS

/* The server's files: lab-server.c holds its state and properties and starts
 * and stops it; lab-server-listeners.c listens, accepts connections (TLS
 * too) and publishes the endpoints; lab-server-peers.c answers HTTP, takes
 * WebSocket upgrades over and follows each connection to its end. */

typedef struct
{
  LabServer       *server;
  SoupServer      *soup;
  LabListenerRole  role;
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

struct _LabServer
{
  GObject          parent_instance;

  LabCounter      *counter;
  LabBoundedList  *event_log;
  GListStore      *peers;
  GListStore      *endpoints;
  GPtrArray       *listeners;
  GTlsCertificate *tls_certificate;

  LabServerLimits *limits;
  LabCounterRoom  *counter_room;
  LabTimeRoom     *time_room;

  GPtrArray       *shutdown_tasks;
  /* Not owned: every socket accepted and not yet finalized (weak references). */
  GHashTable      *sockets;

  /* Every connection's frames, while capture-all is on (the trace) */
  LabBoundedList  *frames;

  guint            stall_timeout_ms;
  guint            ping_interval;
  guint            keepalive_source;
  /* Connections yet to send a request (see lab-server-admission.c) */
  GHashTable      *awaiting_by_socket;
  GHashTable      *awaiting_by_remote;
  guint            deadline_source;
  /* Gives memory back after a burst of joins (see lab-server-peers.c) */
  guint            trim_source;
  guint            joins_since_trim;
  guint            port;
  guint            bound_port;
  guint            next_peer_id;

  guint            allow_lan : 1;
  guint            classic_ports : 1;
  guint            capture_all : 1;
};

void     _lab_server_log_event                 (LabServer         *self,
                                                LabEvent          *event);
gboolean _lab_server_add_listener              (LabServer         *self,
                                                LabListenerRole    role,
                                                guint              port,
                                                guint             *bound_port,
                                                GError           **error);
void     _lab_server_listener_free             (gpointer           listener);
void     _lab_server_publish_endpoints         (LabServer         *self);
void     _lab_server_forget_sockets            (LabServer         *self);
guint    _lab_server_get_n_sockets             (LabServer         *self);
void     _lab_server_request_cb                (SoupServer        *soup,
                                                SoupServerMessage *message,
                                                const char        *path,
                                                GHashTable        *query,
                                                gpointer           listener);
void     _lab_server_complete_shutdown_if_idle (LabServer         *self);
void     _lab_server_restart_keepalive         (LabServer         *self);
void     _lab_server_init_admission            (LabServer         *self);
void     _lab_server_clear_admission           (LabServer         *self);
void     _lab_server_await_request             (LabServer         *self,
                                                GSocket           *socket,
                                                GSocketAddress    *remote);
void     _lab_server_forget_awaiting           (LabServer         *self,
                                                GSocket           *socket);
void     _lab_server_request_read_cb           (SoupServer        *soup,
                                                SoupServerMessage *message,
                                                gpointer           user_data);
gboolean _lab_server_admit_upgrade             (LabServer         *self,
                                                SoupServerMessage *message,
                                                gboolean           tls);
gboolean _lab_server_within_rate               (LabServer         *self,
                                                LabPeer           *peer);

G_END_DECLS
