/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-bench"

#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <glib/gstdio.h>

#include "lab-bench-private.h"

/* How long a server may take to start listening (the window opens first). */
#define START_TIMEOUT_S 30.0
/* How long a server may take to exit on SIGTERM before it is killed. */
#define STOP_TIMEOUT_S 5.0

/* ---- processes ---------------------------------------------------------------------- */

static guint16
free_port (void)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = 0 };
  socklen_t len = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  guint16 port = 0;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (bind (fd, (struct sockaddr *) &address, sizeof address) == 0 &&
      getsockname (fd, (struct sockaddr *) &address, &len) == 0)
    port = ntohs (address.sin_port);
  close (fd);
  return port;
}

static gboolean
port_accepts (guint16 port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  ok = connect (fd, (struct sockaddr *) &address, sizeof address) == 0;
  close (fd);
  return ok;
}

static gboolean
server_alive (Server *server)
{
  return g_subprocess_get_identifier (server->process) != NULL;
}

static void
server_stop (Server *server)
{
  gint64 deadline;

  if (server->process == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGTERM);
  /* GSubprocess reaps its child on GLib's worker thread: polling is enough. */
  deadline = g_get_monotonic_time () + STOP_TIMEOUT_S * G_USEC_PER_SEC;
  while (server_alive (server) && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  if (server_alive (server))
    {
      g_subprocess_force_exit (server->process);
      deadline = g_get_monotonic_time () + STOP_TIMEOUT_S * G_USEC_PER_SEC;
      while (server_alive (server) && g_get_monotonic_time () < deadline)
        g_usleep (20 * 1000);
    }
  g_clear_object (&server->process);
}

void
server_clear (Server *server)
{
  server_stop (server);
  if (server->log_path != NULL)
    g_unlink (server->log_path);
  g_clear_pointer (&server->log_path, g_free);
}

gboolean
app_answers (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;

  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, APP_BUS_NAME, APP_OBJECT_PATH, "org.gtk.Actions",
                                       "List", NULL, G_VARIANT_TYPE ("(as)"),
                                       G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
  return reply != NULL;
}

gboolean
server_start (const Config     *config,
              ServerKind        kind,
              GDBusConnection  *bus,
              Server           *server,
              char            **error_out)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *app = g_build_filename (config->build_dir, "src", "websocket-lab", NULL);
  g_autofree char *bare = g_build_filename (config->build_dir, "tests", "bench",
                                            "lab-bare-server", NULL);
  /* The interop tests' copy of the tutorial's server, told another port than 6789. */
  g_autofree char *script = g_build_filename (config->source_dir, "..", "interop",
                                              "counter_server.py", NULL);
  g_autofree char *schemas = g_build_filename (config->build_dir, "data", NULL);
  gint64 deadline;
  int log_fd;

  server->port = free_port ();
  port_text = g_strdup_printf ("%u", server->port);
  log_fd = g_file_open_tmp ("lab-bench-XXXXXX.log", &server->log_path, &error);
  if (log_fd < 0)
    {
      *error_out = g_strdup (error->message);
      return FALSE;
    }
  close (log_fd);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* A file, not a pipe: the headless server logs a line per event and must never block. */
  g_subprocess_launcher_set_stdout_file_path (launcher, server->log_path);
  /* The app's settings stay out of the user's: the build's schema, kept in memory. */
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", schemas, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);

  switch (kind)
    {
    case SERVER_HEADLESS:
      server->process = g_subprocess_launcher_spawn (launcher, &error, app, "--headless",
                                                     "--port", port_text, NULL);
      break;
    case SERVER_WINDOW:
      g_subprocess_launcher_setenv (launcher, "GDK_BACKEND", "x11", TRUE);
      /* Xvfb has no GPU: software GL would measure Mesa, not us. */
      g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
      server->process = g_subprocess_launcher_spawn (launcher, &error, app,
                                                     "--port", port_text, NULL);
      break;
    case SERVER_PYTHON:
      server->process = g_subprocess_launcher_spawn (launcher, &error, LAB_PYTHON3, script,
                                                     port_text, NULL);
      break;
    case SERVER_BARE:
      server->process = g_subprocess_launcher_spawn (launcher, &error, bare, port_text, NULL);
      break;
    case N_SERVERS:
    default:
      g_assert_not_reached ();
    }
  if (server->process == NULL)
    {
      *error_out = g_strdup (error->message);
      return FALSE;
    }
  server->pid = atoi (g_subprocess_get_identifier (server->process));

  deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && server_alive (server) &&
         (!port_accepts (server->port) || (kind == SERVER_WINDOW && !app_answers (bus))))
    g_usleep (50 * 1000);
  if (!server_alive (server))
    {
      g_autofree char *log = NULL;

      g_file_get_contents (server->log_path, &log, NULL, NULL);
      *error_out = g_strdup_printf ("exited at start: %.300s", log ? log : "");
      return FALSE;
    }
  if (g_get_monotonic_time () >= deadline)
    {
      *error_out = g_strdup ("did not start listening in time");
      return FALSE;
    }
  return TRUE;
}

/* ---- /proc ---------------------------------------------------------------------------- */

double
process_cpu_seconds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NAN;
  /* The command name may hold spaces: fields are counted after its closing parenthesis. */
  after_name = strrchr (text, ')');
  if (after_name == NULL)
    return NAN;
  fields = g_strsplit (after_name + 2, " ", -1);
  /* Fields 14 and 15 of proc(5), utime and stime, are the 12th and 13th after the name. */
  if (g_strv_length (fields) < 13)
    return NAN;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

double
process_rss_kib (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NAN;
  line = strstr (text, "\nVmRSS:");
  if (line == NULL)
    return NAN;
  return g_ascii_strtod (line + strlen ("\nVmRSS:"), NULL);
}
