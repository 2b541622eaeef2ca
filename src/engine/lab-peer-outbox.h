/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-peer-private.h"

G_BEGIN_DECLS

/* A peer's outgoing side: what libsoup has been handed and not yet written,
 * and, while the reader is backed up, the newest message of each kind. */
typedef struct
{
  LabPeer *peer;                            /* back pointer, unowned */
  /* Bytes of data frames handed to libsoup; minus those written, the backlog. */
  guint64  handed_bytes;
  char    *pending[LAB_PEER_N_SLOTS];
  guint64  pending_order[LAB_PEER_N_SLOTS];
  guint64  next_order;
  guint64  messages_dropped;
  guint    stall_timeout_ms;
  guint    stall_source;
  guint    drain_source;
  guint    backed_up : 1;
} LabPeerOutbox;

void    lab_peer_outbox_init            (LabPeerOutbox *outbox,
                                         LabPeer       *peer,
                                         guint          stall_timeout_ms);
void    lab_peer_outbox_clear           (LabPeerOutbox *outbox);
void    lab_peer_outbox_send            (LabPeerOutbox *outbox,
                                         LabPeerSlot    slot,
                                         const char    *text);
void    lab_peer_outbox_wrote           (LabPeerOutbox *outbox);
guint64 lab_peer_outbox_get_buffered    (LabPeerOutbox *outbox);

G_END_DECLS
