/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-bounded-list.h"
#include "lab-event.h"
#include "lab-metered-output-stream.h"
#include "lab-peer.h"

G_BEGIN_DECLS

/* What a peer may have waiting while its reader is backed up: at most the
 * newest message of each kind, sent in the order they were last replaced. */
typedef enum
{
  LAB_PEER_SLOT_USERS,
  LAB_PEER_SLOT_STATE,
  LAB_PEER_SLOT_ERROR,
  LAB_PEER_SLOT_TIME,
  LAB_PEER_SLOT_REPLY,
  LAB_PEER_N_SLOTS
} LabPeerSlot;

/* Largest text message a client may send, fragments added up. */
#define LAB_PEER_MESSAGE_LIMIT 4096

/* libsoup's private queue may hold this much before the peer counts as backed
 * up and only the newest message of each kind is kept. The kernel's socket
 * buffer has already absorbed more by then. */
#define LAB_PEER_HIGH_WATER (16 * 1024)

/* The kernel's send buffer per connection (Linux doubles it), set by the
 * server on each socket it accepts. Autotuned, it grows to 4 MiB: 1000 slow
 * phones could pin gigabytes, and a backlog would hide there, out of sight of
 * the per-connection bound above. */
#define LAB_PEER_SOCKET_SEND_BUFFER (64 * 1024)

/* A peer backed up for this long without draining is closed with 1008. */
#define LAB_PEER_DEFAULT_STALL_TIMEOUT_MS 30000

/* Who hears of a peer's messages and its end without a signal connection:
 * three closures per connection cost a class of thousands real memory. The
 * signals are still emitted, for anyone else. */
typedef struct
{
  void (*message) (gpointer data, const char *text, LabPeer *peer);
  void (*closing) (gpointer data, guint code, const char *reason, LabPeer *peer);
  void (*closed)  (gpointer data, LabPeer *peer);
} LabPeerObserver;

void      _lab_peer_set_observer      (LabPeer               *self,
                                       const LabPeerObserver *observer,
                                       gpointer               data);
LabPeer  *_lab_peer_new               (guint               id,
                                       LabRoute            route,
                                       SoupServerMessage  *message,
                                       guint               stall_timeout_ms);
void      _lab_peer_send              (LabPeer            *self,
                                       LabPeerSlot         slot,
                                       const char         *text);
void      _lab_peer_close             (LabPeer            *self,
                                       gushort             code,
                                       const char         *reason);
gboolean  _lab_peer_take_token        (LabPeer            *self,
                                       guint               rate,
                                       guint               burst);
gboolean  _lab_peer_get_newcomer      (LabPeer            *self);
void      _lab_peer_set_newcomer      (LabPeer            *self,
                                       gboolean            newcomer);
guint     _lab_peer_get_users_heard   (LabPeer            *self);
void      _lab_peer_set_users_heard   (LabPeer            *self,
                                       guint               users);
SoupWebsocketConnection *_lab_peer_get_connection (LabPeer *self);
LabMeteredOutputStream  *_lab_peer_get_output     (LabPeer *self);
void                     _lab_peer_notify_backed_up (LabPeer *self);
gboolean  _lab_peer_get_state_heard   (LabPeer            *self,
                                       gint64             *value);
void      _lab_peer_set_state_heard   (LabPeer            *self,
                                       gint64              value);
void      _lab_peer_set_capture_sink  (LabPeer            *self,
                                       LabBoundedList     *sink);
void      _lab_peer_set_ping_interval (LabPeer            *self,
                                       guint               seconds);
void      _lab_peer_stop_keepalive    (LabPeer            *self);
void      _lab_peer_keepalive_tick    (LabPeer            *self);
void      _lab_peer_watch_connection  (LabPeer            *self);
void      _lab_peer_record_closed     (LabPeer            *self);
const char *_lab_peer_get_close_failure (LabPeer          *self);
void      _lab_peer_notify_pong_rtt   (LabPeer            *self);
LabEvent *_lab_peer_new_event         (LabPeer            *self,
                                       LabEventKind        kind,
                                       const char         *detail);

G_END_DECLS
