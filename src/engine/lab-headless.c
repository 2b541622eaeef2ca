/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-headless"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "lab-headless.h"
#include "lab-endpoint.h"
#include "lab-qr-code.h"
#include "lab-options.h"
#include "lab-server-supervisor.h"
#include "lab-tls.h"
#include "lab-trace.h"

/* `websocket-lab --headless`: the same server with no window and no display,
 * one line on standard output per event, until SIGINT or SIGTERM. */

typedef struct
{
  GMainLoop           *loop;
  LabServer           *server;
  LabServerSupervisor *supervisor;
  int                  status;
  guint      stopping : 1;
} Headless;

static void
print_events_cb (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (model, i);
      g_autoptr(GDateTime) when = lab_event_dup_time (event);
      g_autofree char *time = g_date_time_format_iso8601 (when);
      g_autofree char *text = lab_event_describe (event);

      g_print ("%s %s\n", time, text);
    }

  /* Lines reach a pipe (a log collector, a test) as they happen. */
  fflush (stdout);
}

static void
shutdown_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Headless *headless = user_data;

  lab_server_shutdown_finish (LAB_SERVER (object), result, NULL);
  g_main_loop_quit (headless->loop);
}

static gboolean
quit_signal_cb (gpointer user_data)
{
  Headless *headless = user_data;

  if (!headless->stopping)
    {
      headless->stopping = TRUE;
      lab_server_supervisor_shutdown (headless->supervisor);
      lab_server_shutdown_async (headless->server, NULL, shutdown_cb, headless);
    }

  return G_SOURCE_CONTINUE;
}

/* What to compare with the browser's certificate viewer. */
static void
print_certificate (GTlsCertificate *certificate)
{
  g_autoptr(LabTlsSummary) summary = lab_tls_summary_new (certificate);
  g_autofree char *expires = g_date_time_format_iso8601 (summary->not_after);

  g_print (_("TLS certificate: %s, for %s, expires %s, SHA-256 %s\n"),
           summary->subject, summary->names, expires, summary->fingerprint);
  fflush (stdout);
}

/* With other devices allowed, what a class needs to join: each address's
 * counter page, and the first one as a QR code to scan off the terminal. */
static void
print_join_addresses (LabServer *server)
{
  GListModel *endpoints = lab_server_get_endpoints (server);
  g_autoptr(LabQrCode) code = NULL;
  g_autofree char *drawing = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      if (lab_endpoint_get_kind (endpoint) != LAB_ENDPOINT_COUNTER_PAGE ||
          lab_endpoint_is_loopback (endpoint))
        continue;

      g_print (_("Join from other devices: %s\n"), lab_endpoint_get_url (endpoint));
      if (code == NULL)
        code = lab_qr_code_new (lab_endpoint_get_url (endpoint), NULL);
    }

  if (code == NULL)
    {
      g_print (_("No network address other devices could join at was found\n"));
      fflush (stdout);
      return;
    }

  drawing = lab_qr_code_format_terminal (code);
  g_print ("%s", drawing);
  fflush (stdout);
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Headless *headless = user_data;
  g_autoptr(GError) error = NULL;

  /* The port asked for or nothing: a service manager wants to know. */
  if (!lab_server_supervisor_start_finish (LAB_SERVER_SUPERVISOR (object), result, &error))
    {
      g_printerr ("websocket-lab: %s\n", error->message);
      headless->status = 1;
      g_main_loop_quit (headless->loop);
      return;
    }

  if (lab_server_get_tls_certificate (headless->server) != NULL)
    print_certificate (lab_server_get_tls_certificate (headless->server));

  if (lab_server_get_allow_lan (headless->server))
    print_join_addresses (headless->server);
}

int
lab_headless_main (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabServer) server = NULL;
  g_autoptr(LabServerSupervisor) supervisor = NULL;
  g_autoptr(LabServerConfig) config = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree GOptionEntry *entries = NULL;
  g_autoptr(LabTrace) trace = NULL;
  LabOptions options;
  Headless headless = { 0 };
  guint sigint_source;
  guint sigterm_source;

  lab_options_init (&options);
  entries = lab_options_dup_entries (&options);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("WebSocket Lab: a WebSocket server and client to learn with"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("websocket-lab: %s\n", error->message);
      lab_options_clear (&options);
      return 2;
    }

  if (options.version)
    {
      g_print ("websocket-lab %s\n", PACKAGE_VERSION);
      lab_options_clear (&options);
      return 0;
    }

  if (!lab_options_validate (&options, &error))
    {
      g_printerr ("websocket-lab: %s\n", error->message);
      lab_options_clear (&options);
      return 2;
    }

  server = lab_server_new ();
  supervisor = lab_server_supervisor_new (server, LAB_SUPERVISION_STRICT);
  config = lab_server_config_new ();
  lab_options_apply_to_config (&options, config);
  g_signal_connect (lab_server_get_event_log (server), "items-changed",
                    G_CALLBACK (print_events_cb), NULL);
  if (options.trace)
    trace = lab_trace_start (server);

  loop = g_main_loop_new (NULL, FALSE);
  headless.loop = loop;
  headless.server = server;
  headless.supervisor = supervisor;

  /* Before the first line: whoever reads "Listening on" may stop the server at once. */
  sigint_source = g_unix_signal_add (SIGINT, quit_signal_cb, &headless);
  sigterm_source = g_unix_signal_add (SIGTERM, quit_signal_cb, &headless);

  lab_server_supervisor_start_async (supervisor, config, NULL, started_cb, &headless);

  g_main_loop_run (loop);

  g_source_remove (sigint_source);
  g_source_remove (sigterm_source);
  g_signal_handlers_disconnect_by_func (lab_server_get_event_log (server), print_events_cb, NULL);
  g_clear_pointer (&trace, lab_trace_stop);
  lab_options_clear (&options);

  return headless.status;
}
