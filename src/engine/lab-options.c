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
}

void
lab_options_clear (LabOptions *options)
{
  g_return_if_fail (options != NULL);

  g_clear_pointer (&options->tls_cert, g_free);
  g_clear_pointer (&options->tls_key, g_free);
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
