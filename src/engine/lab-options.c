/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-options"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-options.h"

void
lab_options_init (LabOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->port = -1;
  options->ping_interval = -1;
  options->max_clients = -1;
  options->max_rate = -1;
  options->request_timeout = -1;
}

void
lab_options_clear (LabOptions *options)
{
  g_return_if_fail (options != NULL);

  g_clear_pointer (&options->tls_cert, g_free);
  g_clear_pointer (&options->tls_key, g_free);
  g_clear_pointer (&options->allow_origins, g_strfreev);
}

/**
 * lab_options_dup_entries:
 *
 * Returns: (transfer full): entries that store into @options, for a
 * GOptionContext or g_application_add_main_option_entries(); free with g_free()
 */
GOptionEntry *
lab_options_dup_entries (LabOptions *options)
{
  const GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &options->headless,
      N_("Run the server without a window, logging events to standard output"), NULL },
    { "port", 'p', 0, G_OPTION_ARG_INT, &options->port,
      N_("Listen on PORT (default 6789; 0 picks a free port)"), N_("PORT") },
    { "lan", 0, 0, G_OPTION_ARG_NONE, &options->lan,
      N_("Accept connections from other devices (default: this computer only)"), NULL },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &options->tls_cert,
      N_("Serve wss:// and https:// with this PEM certificate (may hold the key too)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options->tls_key,
      N_("The PEM private key for --tls-cert"), N_("FILE") },
    { "classic-ports", 0, 0, G_OPTION_ARG_NONE, &options->classic_ports,
      N_("Also serve the tutorial's time server on 5678 and hello server on 8765"), NULL },
    { "ping-interval", 0, 0, G_OPTION_ARG_INT, &options->ping_interval,
      N_("Ping every connection every SECONDS and close it if no pong comes within as long (default 20; 0 turns pings off)"),
      N_("SECONDS") },
    { "max-clients", 0, 0, G_OPTION_ARG_INT, &options->max_clients,
      N_("Accept at most N WebSocket connections at once; past that, HTTP 503 (default 10000; 0: no limit)"),
      N_("N") },
    { "max-rate", 0, 0, G_OPTION_ARG_INT, &options->max_rate,
      N_("Close with 1008 a connection sending more than N messages a second, with bursts of 5 s worth (default 100; 0: no limit)"),
      N_("N") },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &options->request_timeout,
      N_("Close a connection that sends no complete HTTP request within SECONDS (default 10; 0: never)"),
      N_("SECONDS") },
    { "allow-origin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->allow_origins,
      N_("Also accept WebSockets from pages of ORIGIN, like https://example.org (repeatable)"),
      N_("ORIGIN") },
    { "allow-any-origin", 0, 0, G_OPTION_ARG_NONE, &options->allow_any_origin,
      N_("Accept WebSockets from pages of any site"), NULL },
    { "trace", 0, 0, G_OPTION_ARG_NONE, &options->trace,
      N_("With --headless: print each opening handshake and every frame, both ways"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version,
      N_("Show the version and exit"), NULL },
    { NULL }
  };

  g_return_val_if_fail (options != NULL, NULL);

  return g_memdup2 (entries, sizeof entries);
}

/* Decided before anything else runs, so the headless path never initialises GTK. */
gboolean
lab_options_wants_headless (int    argc,
                            char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (g_str_equal (argv[i], "--headless"))
        return TRUE;
    }

  return FALSE;
}

static gboolean
check_range (int          value,
             int          max,
             const char  *option,
             GError     **error)
{
  if (value == -1 || (value >= 0 && value <= max))
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("%s must be between 0 and %d, not %d"), option, max, value);
  return FALSE;
}

gboolean
lab_options_validate (LabOptions  *options,
                      GError     **error)
{
  g_return_val_if_fail (options != NULL, FALSE);

  if (options->port != -1 && (options->port < 0 || options->port > G_MAXUINT16))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The port must be between 0 and 65535, not %d"), options->port);
      return FALSE;
    }

  if (options->ping_interval != -1 &&
      (options->ping_interval < 0 || options->ping_interval > LAB_PING_INTERVAL_MAX))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The ping interval must be between 0 and %d seconds, not %d"),
                   LAB_PING_INTERVAL_MAX, options->ping_interval);
      return FALSE;
    }

  if (!check_range (options->max_clients, LAB_MAX_CLIENTS_MAX, "--max-clients", error) ||
      !check_range (options->max_rate, LAB_MAX_RATE_MAX, "--max-rate", error) ||
      !check_range (options->request_timeout, LAB_REQUEST_TIMEOUT_MAX, "--request-timeout", error))
    return FALSE;

  for (guint i = 0; options->allow_origins != NULL && options->allow_origins[i] != NULL; i++)
    if (!lab_server_limits_check_origin_text (options->allow_origins[i], error))
      {
        g_prefix_error_literal (error, "--allow-origin: ");
        return FALSE;
      }

  if (options->trace && !options->headless)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--trace needs --headless: the window will show frames in its Inspector"));
      return FALSE;
    }

  if (options->tls_key != NULL && options->tls_cert == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--tls-key needs --tls-cert"));
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_options_apply_to_config:
 *
 * The command line over a configuration (the defaults, or the settings):
 * options given win for this run, options not given leave @config alone.
 */
void
lab_options_apply_to_config (LabOptions      *options,
                             LabServerConfig *config)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (config != NULL);

  if (options->port != -1)
    config->port = options->port;
  if (options->ping_interval != -1)
    config->ping_interval = options->ping_interval;
  if (options->max_clients != -1)
    config->max_clients = options->max_clients;
  if (options->max_rate != -1)
    config->max_rate = options->max_rate;
  if (options->request_timeout != -1)
    config->request_timeout = options->request_timeout;
  config->allow_any_origin = config->allow_any_origin || options->allow_any_origin;
  if (options->allow_origins != NULL)
    {
      g_autoptr(GStrvBuilder) origins = g_strv_builder_new ();

      if (config->allowed_origins != NULL)
        g_strv_builder_addv (origins, (const char **) config->allowed_origins);
      g_strv_builder_addv (origins, (const char **) options->allow_origins);
      g_strfreev (config->allowed_origins);
      config->allowed_origins = g_strv_builder_end (origins);
    }
  config->allow_lan = config->allow_lan || options->lan;
  config->classic_ports = config->classic_ports || options->classic_ports;

  if (options->tls_cert != NULL)
    {
      g_free (config->certificate_file);
      g_free (config->key_file);
      config->tls = TRUE;
      config->certificate_file = g_strdup (options->tls_cert);
      config->key_file = g_strdup (options->tls_key);
    }
}
