/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server-config"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-server-config.h"
#include "lab-server.h"

/* What a server is asked to be, as the settings or the command line say it. */

G_DEFINE_BOXED_TYPE (LabServerConfig, lab_server_config, lab_server_config_copy, lab_server_config_free)

LabServerConfig *
lab_server_config_new (void)
{
  LabServerConfig *config = g_new0 (LabServerConfig, 1);

  config->port = LAB_DEFAULT_PORT;
  config->ping_interval = LAB_PING_INTERVAL_DEFAULT;
  config->max_clients = LAB_MAX_CLIENTS_DEFAULT;
  config->max_rate = LAB_MAX_RATE_DEFAULT;
  config->request_timeout = LAB_REQUEST_TIMEOUT_DEFAULT;

  return config;
}

LabServerConfig *
lab_server_config_copy (const LabServerConfig *config)
{
  LabServerConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_memdup2 (config, sizeof *config);
  copy->certificate_file = g_strdup (config->certificate_file);
  copy->key_file = g_strdup (config->key_file);
  copy->allowed_origins = g_strdupv (config->allowed_origins);

  return copy;
}

void
lab_server_config_free (LabServerConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->certificate_file);
  g_free (config->key_file);
  g_strfreev (config->allowed_origins);
  g_free (config);
}

/**
 * lab_server_config_wants_certificate:
 *
 * Returns: whether @config asks for TLS; no certificate file at all is an
 * error at once, with %TRUE
 */
gboolean
lab_server_config_wants_certificate (const LabServerConfig  *config,
                                     GError                **error)
{
  if (!config->tls)
    return FALSE;

  if (config->certificate_file == NULL || config->certificate_file[0] == '\0')
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         _("TLS needs a certificate: choose one, or generate a self-signed one"));

  return TRUE;
}

/* Returns: (nullable): the key file, or %NULL when the key is in the certificate file */
const char *
lab_server_config_get_key_file (const LabServerConfig *config)
{
  return config->key_file != NULL && config->key_file[0] != '\0' ? config->key_file : NULL;
}
