/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-client-channel.h"
#include "lab-close-record.h"
#include "lab-trust-store.h"

G_BEGIN_DECLS

/* The channel's instance, shared by its files: lab-client-channel.c (connect,
 * reconnect, keepalive) and lab-client-channel-close.c (closing with a code
 * the user chose, and what each side said). */
struct _LabClientChannel
{
  GObject                  parent_instance;

  char                    *name;         /* for logs */
  char                    *url;
  SoupSession             *session;
  LabTrustStore           *trust_store;
  guint                    keepalive_interval;

  GCancellable            *cancellable;  /* the connect attempt in flight, if any */
  SoupWebsocketConnection *connection;   /* open */
  GError                  *failure;      /* what ::error said about @connection */
  gint64                   last_heard;   /* monotonic time of the last message or pong */
  guint                    watchdog_source;

  /* Waiting to try again */
  guint                    failures;     /* since a connection last worked */
  gint64                   retry_at;     /* monotonic time of the next try */
  guint                    retry_source;
  guint                    retry_in;
  guint                    retry_in_source;

  /* How the last connection's closing handshake went */
  LabCloseRecord           close;
  /* Closing as the user asked, until the server answers */
  SoupWebsocketConnection *closing;

  guint                    got_message : 1;
};

void _lab_client_channel_watch_close  (LabClientChannel        *self,
                                       SoupWebsocketConnection *connection);
void _lab_client_channel_record_end   (LabClientChannel        *self,
                                       SoupWebsocketConnection *connection);
void _lab_client_channel_drop_closing (LabClientChannel        *self);

G_END_DECLS
