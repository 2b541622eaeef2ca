/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a server is asked to be, applied all at once or not at all. */
typedef struct
{
  guint     port;              /* the preferred port; 0 picks a free one */
  gboolean  allow_lan;
  gboolean  classic_ports;
  gboolean  tls;
  char     *certificate_file;  /* for TLS; it may hold the key too */
  char     *key_file;          /* NULL or "": the key is in the certificate file */
  guint     ping_interval;     /* seconds; 0: no keepalive pings */
  /* Limits (see LabServerLimits); 0 turns each off */
  guint     max_clients;
  guint     max_rate;          /* messages a second per connection */
  guint     request_timeout;   /* seconds to send a complete HTTP request */
  gboolean  allow_any_origin;
  char    **allowed_origins;   /* besides the ones always allowed; NULL for none */
} LabServerConfig;

#define LAB_TYPE_SERVER_CONFIG (lab_server_config_get_type ())

GType            lab_server_config_get_type          (void) G_GNUC_CONST;
LabServerConfig *lab_server_config_new               (void);
LabServerConfig *lab_server_config_copy              (const LabServerConfig  *config);
void             lab_server_config_free              (LabServerConfig        *config);
gboolean         lab_server_config_wants_certificate (const LabServerConfig  *config,
                                                      GError                **error);
const char      *lab_server_config_get_key_file      (const LabServerConfig  *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabServerConfig, lab_server_config_free)

G_END_DECLS
