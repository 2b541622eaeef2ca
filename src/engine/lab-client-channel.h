/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-handshake.h"
#include "lab-trust-store.h"
#include "lab-types.h"

G_BEGIN_DECLS

/* Private to the client: not installed, not for the UI. */

/* Enough to see the waits grow to their longest, and to fit a small list. */
#define LAB_CLIENT_CHANNEL_ATTEMPTS 20

#define LAB_TYPE_CLIENT_CHANNEL (lab_client_channel_get_type ())

G_DECLARE_FINAL_TYPE (LabClientChannel, lab_client_channel, LAB, CLIENT_CHANNEL, GObject)

LabClientChannel *lab_client_channel_new                    (const char       *name,
                                                             LabTrustStore    *trust_store);
const char       *lab_client_channel_get_url                (LabClientChannel *self);
void              lab_client_channel_set_url                (LabClientChannel *self,
                                                             const char       *url);
void              lab_client_channel_set_trust_store        (LabClientChannel *self,
                                                             LabTrustStore    *trust_store);
void              lab_client_channel_set_keepalive_interval (LabClientChannel *self,
                                                             guint             seconds);
void              lab_client_channel_connect                (LabClientChannel *self);
void              lab_client_channel_stop                   (LabClientChannel *self);
gboolean          lab_client_channel_is_busy                (LabClientChannel *self);
guint             lab_client_channel_get_retry_in           (LabClientChannel *self);
GListModel       *lab_client_channel_get_attempts           (LabClientChannel *self);
gboolean          lab_client_channel_drop                   (LabClientChannel *self);
gboolean          lab_client_channel_send_text              (LabClientChannel *self,
                                                             const char       *text);
gboolean          lab_client_channel_close                  (LabClientChannel *self,
                                                             gushort           code,
                                                             const char       *reason);
char             *lab_client_channel_describe_close         (LabClientChannel *self);
gushort           lab_client_channel_get_close_code_received (LabClientChannel *self);
const char       *lab_client_channel_get_close_reason_received (LabClientChannel *self);
LabHandshake     *lab_client_channel_get_handshake          (LabClientChannel *self);
void              lab_client_channel_set_capture            (LabClientChannel *self,
                                                             gboolean          capture);
gboolean          lab_client_channel_get_capture            (LabClientChannel *self);
GListModel       *lab_client_channel_get_frames             (LabClientChannel *self);
int               lab_client_channel_get_pong_rtt           (LabClientChannel *self);
gboolean          lab_client_channel_ping_now               (LabClientChannel *self);
void              lab_client_channel_set_skip_pongs         (LabClientChannel *self,
                                                             gboolean          skip_pongs);
gboolean          lab_client_channel_get_skip_pongs         (LabClientChannel *self);
gboolean          lab_client_channel_send_fragmented        (LabClientChannel *self,
                                                             const char       *text,
                                                             guint             n_fragments);
gboolean          lab_client_channel_send_protocol_error    (LabClientChannel *self,
                                                             LabProtocolFault  kind,
                                                             const char       *text);
gboolean          lab_client_channel_send_binary            (LabClientChannel *self,
                                                             GBytes           *data);
void              lab_client_channel_add_network_objects    (LabClientChannel *self,
                                                             GPtrArray        *objects);

G_END_DECLS
