/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-bounded-list.h"
#include "lab-client.h"
#include "lab-client-channel.h"

G_BEGIN_DECLS

/* LabClient is written in six files: lab-client.c (the channels' lifecycle
 * and the status), lab-client-counter.c (what the counter server says and
 * what the client asks of it), lab-client-trust.c (following the trust
 * store), lab-client-close.c (keepalive and closing), lab-client-inspect.c
 * (the counter connection's handshake, frames and pings, for the Inspector)
 * and lab-client-faults.c (faults on demand). They share what is below; tests only call the last function. */

struct _LabClient
{
  GObject               parent_instance;

  LabClientChannel     *counter;
  LabClientChannel     *time;
  LabTrustStore        *trust_store;
  LabBoundedList       *timestamps;
  char                 *last_error;

  /* What the counter server said */
  gint64                value;
  guint                 users;

  /* The certificate that stopped the counter channel, waiting for the user's word */
  GTlsCertificate      *untrusted_certificate;
  GTlsCertificateFlags  untrusted_errors;
  char                 *untrusted_peer;

  LabClientState        state;
  guint                 retry_in;

  guint                 running : 1;
  guint                 has_value : 1;
};

enum {
  PROP_0,
  PROP_UNTRUSTED_CERTIFICATE,
  PROP_COUNTER_URL,
  PROP_HANDSHAKE,
  PROP_HAS_VALUE,
  PROP_LAST_ERROR,
  PROP_PONG_RTT,
  PROP_RETRY_IN,
  PROP_STATE,
  PROP_TIME_URL,
  PROP_TIMESTAMPS,
  PROP_TRUST_STORE,
  PROP_USERS,
  PROP_VALUE,
  N_PROPS
};

enum {
  SERVER_ERROR,
  CLOSE_ANSWERED,
  N_SIGNALS
};

extern GParamSpec *_lab_client_properties[N_PROPS];
extern guint _lab_client_signals[N_SIGNALS];

void       _lab_client_close_answered_cb            (LabClient            *self);
void       _lab_client_watch_inspect                (LabClient            *self);
void       _lab_client_forget_server_state          (LabClient            *self);
void       _lab_client_counter_message_cb           (LabClient            *self,
                                                     const char           *text);
void       _lab_client_time_message_cb              (LabClient            *self,
                                                     const char           *text);
void       _lab_client_time_failed_cb               (LabClient            *self,
                                                     const char           *why,
                                                     gboolean              will_retry);
void       _lab_client_set_untrusted                (LabClient            *self,
                                                     GTlsCertificate      *certificate,
                                                     GTlsCertificateFlags  errors,
                                                     const char           *peer);
void       _lab_client_refused_certificate_cb       (LabClient            *self,
                                                     GTlsCertificate      *certificate,
                                                     GTlsCertificateFlags  errors,
                                                     const char           *peer);

GPtrArray *_lab_client_dup_network_objects          (LabClient            *self);

G_END_DECLS
