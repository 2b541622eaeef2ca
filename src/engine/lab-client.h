/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-handshake.h"
#include "lab-trust-store.h"
#include "lab-types.h"

G_BEGIN_DECLS

/* What the counter connection is doing; the time stream never changes it. */
typedef enum
{
  LAB_CLIENT_STATE_DISCONNECTED,
  LAB_CLIENT_STATE_CONNECTING,
  LAB_CLIENT_STATE_CONNECTED,
  LAB_CLIENT_STATE_WAITING_TO_RECONNECT,
} LabClientState;

#define LAB_TYPE_CLIENT_STATE (lab_client_state_get_type ())
#define LAB_TYPE_CLIENT (lab_client_get_type ())

GType lab_client_state_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (LabClient, lab_client, LAB, CLIENT, GObject)

gboolean        lab_client_check_url       (const char  *url,
                                            GError     **error);
LabClient      *lab_client_new             (const char *counter_url,
                                            const char *time_url);
const char     *lab_client_get_counter_url (LabClient  *self);
void            lab_client_set_counter_url (LabClient  *self,
                                            const char *url);
const char     *lab_client_get_time_url    (LabClient  *self);
void            lab_client_set_time_url    (LabClient  *self,
                                            const char *url);
void            lab_client_connect         (LabClient  *self);
void            lab_client_disconnect      (LabClient  *self);
gboolean        lab_client_plus            (LabClient  *self);
gboolean        lab_client_minus           (LabClient  *self);
LabClientState  lab_client_get_state       (LabClient  *self);
gint64          lab_client_get_value       (LabClient  *self);
gboolean        lab_client_get_has_value   (LabClient  *self);
guint           lab_client_get_users       (LabClient  *self);
guint           lab_client_get_retry_in    (LabClient  *self);
const char     *lab_client_get_last_error  (LabClient  *self);
GListModel     *lab_client_get_timestamps  (LabClient  *self);
void            lab_client_set_keepalive_interval
                                           (LabClient    *self,
                                            guint         seconds);
LabTrustStore  *lab_client_get_trust_store (LabClient     *self);
void            lab_client_set_trust_store (LabClient     *self,
                                            LabTrustStore *trust_store);
GTlsCertificate *lab_client_get_untrusted_certificate
                                           (LabClient            *self,
                                            GTlsCertificateFlags *errors,
                                            const char          **peer);
gboolean        lab_client_close                 (LabClient     *self,
                                                  gushort        code,
                                                  const char    *reason,
                                                  GError       **error);
char           *lab_client_describe_close        (LabClient     *self);
gushort         lab_client_get_close_code_received (LabClient   *self);
const char     *lab_client_get_close_reason_received (LabClient *self);
LabHandshake   *lab_client_get_handshake         (LabClient     *self);
void            lab_client_set_capture           (LabClient     *self,
                                                  gboolean       capture);
gboolean        lab_client_get_capture           (LabClient     *self);
GListModel     *lab_client_get_frames            (LabClient     *self);
int             lab_client_get_pong_rtt          (LabClient     *self);
gboolean        lab_client_ping_now              (LabClient     *self);
gboolean        lab_client_drop_connection       (LabClient     *self);
GListModel     *lab_client_get_attempts          (LabClient     *self);
void            lab_client_set_skip_pongs        (LabClient     *self,
                                                  gboolean       skip_pongs);
gboolean        lab_client_get_skip_pongs        (LabClient     *self);
gboolean        lab_client_send_fragmented       (LabClient     *self,
                                                  const char    *text,
                                                  guint          n_fragments);
gboolean        lab_client_plus_fragmented       (LabClient     *self,
                                                  guint          n_fragments);
gboolean        lab_client_send_protocol_error   (LabClient     *self,
                                                  LabProtocolFault kind);
gboolean        lab_client_send_oversized        (LabClient     *self);
gboolean        lab_client_send_binary           (LabClient     *self);

G_END_DECLS
