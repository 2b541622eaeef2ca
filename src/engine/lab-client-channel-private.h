/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-bounded-list.h"
#include "lab-client-channel.h"
#include "lab-close-record.h"
#include "lab-frame-capture.h"
#include "lab-handshake.h"
#include "lab-keepalive.h"
#include "lab-reconnect-attempt.h"
#include "lab-trust-store.h"

G_BEGIN_DECLS

/* The channel's instance, shared by its files: lab-client-channel.c (connect,
 * reconnect), lab-client-channel-retry.c (the wait, the countdown and the
 * record of reconnect attempts), lab-client-channel-inspect.c (handshake,
 * frames, keepalive) and lab-client-channel-close.c (closing with a code the
 * user chose or dropping the socket, and what each side said). */
struct _LabClientChannel
{
  GObject                  parent_instance;

  char                    *name;         /* for logs */
  char                    *url;
  GUri                    *uri;          /* @url as the attempt in flight or the connection uses it */
  GSocketClient           *socket_client;
  LabTrustStore           *trust_store;
  guint                    keepalive_interval;

  GCancellable            *cancellable;  /* the connect attempt in flight, if any */
  SoupWebsocketConnection *connection;   /* open */
  GError                  *failure;      /* what ::error said about @connection */

  /* For the Inspector: the latest connection's handshake, the frames of
   * every connection while capture is on, and the keepalive */
  LabHandshake            *handshake;
  guint                    n_connections; /* numbers each connection's frames */
  LabFrameCapture          capture;
  LabBoundedList          *frames;
  LabKeepalive             keepalive;
  guint                    keepalive_source;
  guint                    capturing : 1;
  guint                    skip_pongs : 1; /* a fault: libsoup's pongs never leave */

  /* Waiting to try again */
  guint                    failures;     /* since a connection last worked */
  gint64                   failed_at;    /* monotonic time of the latest failure */
  gint64                   retry_at;     /* monotonic time of the next try */
  guint                    retry_wait_ms;
  guint                    retry_source;
  guint                    retry_in;
  guint                    retry_in_source;

  /* The reconnect attempts of the latest outage, and the one in flight */
  LabBoundedList          *attempts;
  GDateTime               *attempt_started; /* NULL unless a reconnect attempt is in flight */
  gint64                   attempt_started_at;
  guint                    attempt_delay_ms;
  guint                    in_outage : 1;

  /* How the last connection's closing handshake went */
  LabCloseRecord           close;
  /* Closing as the user asked, until the server answers */
  SoupWebsocketConnection *closing;

  guint                    got_message : 1;
};

typedef enum
{
  LAB_CLIENT_CHANNEL_PROP_0,
  LAB_CLIENT_CHANNEL_PROP_RETRY_IN,
  LAB_CLIENT_CHANNEL_PROP_HANDSHAKE,
  LAB_CLIENT_CHANNEL_PROP_PONG_RTT,
  LAB_CLIENT_CHANNEL_N_PROPS
} LabClientChannelProp;

void _lab_client_channel_notify       (LabClientChannel        *self,
                                       LabClientChannelProp     prop);
void _lab_client_channel_give_up      (LabClientChannel        *self,
                                       const char              *why);
void _lab_client_channel_inspect_opened  (LabClientChannel     *self,
                                          GIOStream            *stream,
                                          LabHandshake         *handshake);
void _lab_client_channel_inspect_watch   (LabClientChannel     *self,
                                          SoupWebsocketConnection *connection);
void _lab_client_channel_inspect_dropped (LabClientChannel     *self);
void _lab_client_channel_inspect_clear   (LabClientChannel     *self);
void _lab_client_channel_watch_close  (LabClientChannel        *self,
                                       SoupWebsocketConnection *connection);
void _lab_client_channel_record_end   (LabClientChannel        *self,
                                       SoupWebsocketConnection *connection);
void _lab_client_channel_drop_closing (LabClientChannel        *self);
void _lab_client_channel_update_retry_in (LabClientChannel     *self);
void _lab_client_channel_schedule_retry  (LabClientChannel     *self,
                                          const char           *why);
void _lab_client_channel_retry_stop      (LabClientChannel     *self);
void _lab_client_channel_attempt_started (LabClientChannel     *self);
void _lab_client_channel_attempt_ended   (LabClientChannel     *self,
                                          gboolean              connected,
                                          const char           *why);

G_END_DECLS
