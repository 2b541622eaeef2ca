/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-bench"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "lab-loadgen.h"

/* lab-bench: starts each server under test, drives it with lab-loadgen and prints, for each
 * number of clients, join time, convergence of pipelined actions, server CPU, RSS per idle
 * connection, paced latency and (for the window) main-loop stalls, with ratios and targets.
 * It prints figures; it asserts nothing and is no test. Every phase gives up after
 * --timeout seconds and says "timed out". */

/* The tutorial's servers and ours, side by side. */
typedef enum
{
  SERVER_HEADLESS,
  SERVER_WINDOW,
  SERVER_PYTHON,
  SERVER_BARE,
  N_SERVERS
} ServerKind;

static const char *server_names[N_SERVERS] = { "headless", "window", "python", "bare" };
static const char *server_titles[N_SERVERS] = {
  "ours headless", "ours window", "Python tutorial", "bare epoll"
};

/* GApplication exports its actions here; answering a call needs a main-loop turn. */
#define APP_BUS_NAME "io.github.wslab.WebSocketLab"
#define APP_OBJECT_PATH "/io/github/wslab/WebSocketLab"
/* The issue's sampling period for main-loop stalls. */
#define STALL_PERIOD_US (50 * 1000)
/* A stalled loop still answers eventually; past this the sample counts as this long. */
#define STALL_CALL_TIMEOUT_MS 30000
/* Bounds the sampler's memory: 50 ms samples for an hour. */
#define MAX_STALL_SAMPLES 72000
/* How long a server may take to start listening (the window opens first). */
#define START_TIMEOUT_S 30.0
/* How long a server may take to exit on SIGTERM before it is killed. */
#define STOP_TIMEOUT_S 5.0
/* Quiet time after a join before RSS is read: queued messages drain first. */
#define SETTLE_S 0.5
/* The window's own client connects once it is shown: let it settle before measuring. */
#define WINDOW_SETTLE_S 1.5
/* Lines the app prints under LAB_BENCH_REPORT_USERS=1 (see README, "Performance"). */
#define USERS_LINE_PREFIX "LAB_BENCH_USERS "

typedef struct
{
  gboolean          ran;
  char             *note;
  LabLoadgenStatus  join_status;
  double            join_s;
  double            join_loadgen_cpu_s;
  LabLoadgenStatus  converge_status;
  double            converge_s;
  double            cpu_s;
  gboolean          cpu_valid;
  double            rss_kib_per_conn;
  gboolean          rss_valid;
  LabLoadgenStatus  paced_status;
  double            p50_ms;
  double            p99_ms;
  gboolean          paced_valid;
  /* The window only */
  gboolean          stall_valid;
  double            stall_max_ms;
  double            stall_p99_ms;
  guint             stall_samples;
  double            loop_answers_per_s;
  gboolean          users_valid;
  double            users_updates_per_s;
} Result;

typedef struct
{
  char         *build_dir;
  char         *source_dir;
  guint        *sizes;
  guint         n_sizes;
  gboolean      wanted[N_SERVERS];
  guint         python_max;
  guint         actions;
  guint         rate;
  double        paced_seconds;
  double        timeout_s;
  guint         in_flight;
} Config;

/* ---- processes ---------------------------------------------------------------------- */

typedef struct
{
  GSubprocess *process;
  int          pid;
  guint16      port;
  char        *log_path;
} Server;

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

static void
server_clear (Server *server)
{
  server_stop (server);
  if (server->log_path != NULL)
    g_unlink (server->log_path);
  g_clear_pointer (&server->log_path, g_free);
}

static gboolean
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

static gboolean
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
  g_autofree char *script = g_build_filename (config->source_dir, "counter_server.py", NULL);
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
      g_subprocess_launcher_setenv (launcher, "LAB_BENCH_REPORT_USERS", "1", TRUE);
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

static double
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

static double
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

/* ---- main-loop stalls ----------------------------------------------------------------- */

typedef struct
{
  gint64  sent;
  double  rtt_ms;
} StallSample;

typedef struct
{
  GDBusConnection *bus;
  GThread         *thread;
  gint             stop;
  GArray          *samples;
} Sampler;

/* Calls the app every 50 ms from its own thread, so the load generator's loop never
 * waits for it. A call that blocks for k periods stands for the k calls a fixed-rate
 * sampler would have made meanwhile: they are counted too, each answered when it ends. */
static gpointer
sampler_thread (gpointer data)
{
  Sampler *sampler = data;

  while (!g_atomic_int_get (&sampler->stop) && sampler->samples->len < MAX_STALL_SAMPLES)
    {
      g_autoptr(GVariant) reply = NULL;
      gint64 sent = g_get_monotonic_time ();
      gint64 now;
      StallSample sample;

      reply = g_dbus_connection_call_sync (sampler->bus, APP_BUS_NAME, APP_OBJECT_PATH,
                                           "org.gtk.Actions", "List", NULL,
                                           G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE,
                                           STALL_CALL_TIMEOUT_MS, NULL, NULL);
      now = g_get_monotonic_time ();
      sample.sent = sent;
      sample.rtt_ms = (now - sent) / 1000.0;
      g_array_append_val (sampler->samples, sample);
      for (gint64 missed = sent + STALL_PERIOD_US; missed + STALL_PERIOD_US <= now;
           missed += STALL_PERIOD_US)
        {
          StallSample late = { missed, (now - missed) / 1000.0 };

          g_array_append_val (sampler->samples, late);
        }
      if (now < sent + STALL_PERIOD_US)
        g_usleep (sent + STALL_PERIOD_US - now);
    }
  return NULL;
}

static void
sampler_start (Sampler         *sampler,
               GDBusConnection *bus)
{
  sampler->bus = bus;
  sampler->stop = FALSE;
  sampler->samples = g_array_new (FALSE, FALSE, sizeof (StallSample));
  sampler->thread = g_thread_new ("lab-bench-stalls", sampler_thread, sampler);
}

static void
sampler_stop (Sampler *sampler)
{
  g_atomic_int_set (&sampler->stop, TRUE);
  g_thread_join (sampler->thread);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double
percentile (const GArray *sorted,
            double        fraction)
{
  guint rank;

  if (sorted->len == 0)
    return NAN;
  rank = (guint) ceil (fraction * sorted->len);
  return g_array_index (sorted, double, CLAMP (rank, 1, sorted->len) - 1);
}

static void
sampler_report (Sampler *sampler,
                gint64   join_start,
                gint64   join_end,
                Result  *result)
{
  g_autoptr(GArray) rtts = g_array_new (FALSE, FALSE, sizeof (double));
  guint answered_in_join = 0;

  for (guint i = 0; i < sampler->samples->len; i++)
    {
      StallSample *sample = &g_array_index (sampler->samples, StallSample, i);
      gint64 answered = sample->sent + (gint64) (sample->rtt_ms * 1000);

      g_array_append_val (rtts, sample->rtt_ms);
      if (answered >= join_start && answered <= join_end)
        answered_in_join++;
    }
  g_array_sort (rtts, compare_doubles);
  result->stall_samples = rtts->len;
  result->stall_valid = rtts->len > 0;
  result->stall_max_ms = percentile (rtts, 1.0);
  result->stall_p99_ms = percentile (rtts, 0.99);
  result->loop_answers_per_s = join_end > join_start
                               ? answered_in_join / ((join_end - join_start) / 1e6) : NAN;
  g_array_unref (sampler->samples);
}

/* The fallback when the accessibility tree is out of reach: needs the app to
 * print USERS_LINE_PREFIX "<g_get_monotonic_time ()> <count>" whenever the label's text
 * changes while LAB_BENCH_REPORT_USERS=1; without that the figure stays "not measured". */
static void
read_users_updates (Server *server,
                    gint64  join_start,
                    gint64  join_end,
                    Result *result)
{
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  guint lines_seen = 0;
  guint updates = 0;

  if (!g_file_get_contents (server->log_path, &log, NULL, NULL))
    return;
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint64 when;

      if (!g_str_has_prefix (lines[i], USERS_LINE_PREFIX))
        continue;
      lines_seen++;
      when = g_ascii_strtoll (lines[i] + strlen (USERS_LINE_PREFIX), NULL, 10);
      if (when >= join_start && when <= join_end)
        updates++;
    }
  result->users_valid = lines_seen > 0 && join_end > join_start;
  if (result->users_valid)
    result->users_updates_per_s = updates / ((join_end - join_start) / 1e6);
}

/* ---- what the window shows, through its accessibility tree ------------------------------ */

/* Bounds the walk of the app's accessible tree: the window has a few hundred widgets. */
#define A11Y_MAX_NODES 5000
/* The server half's row whose suffix label shows the users count (C locale). */
#define USERS_ROW_TITLE "Counter clients online"

typedef struct
{
  char *bus_name;
  char *path;
} A11yNode;

static void
a11y_node_free (gpointer data)
{
  A11yNode *node = data;

  g_free (node->bus_name);
  g_free (node->path);
  g_free (node);
}

static char *
a11y_get_name (GDBusConnection *a11y,
               const char      *bus_name,
               const char      *path,
               int              timeout_ms)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;

  reply = g_dbus_connection_call_sync (a11y, bus_name, path, "org.freedesktop.DBus.Properties",
                                       "Get", g_variant_new ("(ss)", "org.a11y.atspi.Accessible",
                                                             "Name"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                                       timeout_ms, NULL, NULL);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(v)", &value);
  return g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
         ? g_variant_dup_string (value, NULL) : NULL;
}

static GPtrArray *
a11y_get_children (GDBusConnection *a11y,
                   const char      *bus_name,
                   const char      *path)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  GPtrArray *children = g_ptr_array_new_with_free_func (a11y_node_free);
  const char *child_name;
  const char *child_path;

  reply = g_dbus_connection_call_sync (a11y, bus_name, path, "org.a11y.atspi.Accessible",
                                       "GetChildren", NULL, G_VARIANT_TYPE ("(a(so))"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply == NULL)
    return children;
  g_variant_get (reply, "(a(so))", &iter);
  while (g_variant_iter_next (iter, "(&s&o)", &child_name, &child_path))
    {
      A11yNode *node = g_new0 (A11yNode, 1);

      node->bus_name = g_strdup (child_name);
      node->path = g_strdup (child_path);
      g_ptr_array_add (children, node);
    }
  return children;
}

static gboolean
is_count (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Finds the accessible of the label showing the server's users count: a label whose text is
 * a number, under the node named USERS_ROW_TITLE. LAB_BENCH_DUMP_A11Y=1 prints the walk. */
static A11yNode *
a11y_find_users_label (GDBusConnection *a11y,
                       int              pid)
{
  g_autoptr(GPtrArray) apps = a11y_get_children (a11y, "org.a11y.atspi.Registry",
                                                 "/org/a11y/atspi/accessible/root");
  g_autoptr(GQueue) queue = g_queue_new ();
  gboolean dump = g_getenv ("LAB_BENCH_DUMP_A11Y") != NULL;
  A11yNode *found = NULL;
  guint visited = 0;

  for (guint i = 0; i < apps->len; i++)
    {
      A11yNode *app = g_ptr_array_index (apps, i);
      g_autoptr(GVariant) reply = NULL;
      guint app_pid = 0;

      reply = g_dbus_connection_call_sync (a11y, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus",
                                           "GetConnectionUnixProcessID",
                                           g_variant_new ("(s)", app->bus_name),
                                           G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE,
                                           5000, NULL, NULL);
      if (reply != NULL)
        g_variant_get (reply, "(u)", &app_pid);
      if ((int) app_pid == pid)
        {
          /* Each entry: the node and whether it lies under the users row. */
          g_queue_push_tail (queue, g_ptr_array_steal_index (apps, i));
          g_queue_push_tail (queue, GINT_TO_POINTER (FALSE));
          break;
        }
    }

  while (!g_queue_is_empty (queue) && found == NULL && visited < A11Y_MAX_NODES)
    {
      A11yNode *node = g_queue_pop_head (queue);
      gboolean under_row = GPOINTER_TO_INT (g_queue_pop_head (queue));
      g_autofree char *name = a11y_get_name (a11y, node->bus_name, node->path, 5000);
      g_autoptr(GPtrArray) children = NULL;

      visited++;
      if (dump)
        printf ("a11y %s %s “%s”%s\n", node->bus_name, node->path, name ? name : "",
                under_row ? " (under the users row)" : "");
      if (under_row && is_count (name))
        {
          found = node;
          break;
        }
      under_row = under_row || g_strcmp0 (name, USERS_ROW_TITLE) == 0;
      children = a11y_get_children (a11y, node->bus_name, node->path);
      for (guint i = 0; i < children->len; i++)
        {
          g_queue_push_tail (queue, g_ptr_array_steal_index (children, i--));
          g_queue_push_tail (queue, GINT_TO_POINTER (under_row));
        }
      a11y_node_free (node);
    }
  while (!g_queue_is_empty (queue))
    {
      a11y_node_free (g_queue_pop_head (queue));
      g_queue_pop_head (queue);
    }
  return found;
}

static GDBusConnection *
a11y_connect (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  const char *address;

  reply = g_dbus_connection_call_sync (bus, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus",
                                       "GetAddress", NULL, G_VARIANT_TYPE ("(s)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(&s)", &address);
  return g_dbus_connection_new_for_address_sync (address,
                                                 G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                 NULL, NULL, NULL);
}

typedef struct
{
  gint64 when;
  gint64 count;
} UsersChange;

typedef struct
{
  GDBusConnection *a11y;
  A11yNode        *label;
  GThread         *thread;
  gint             stop;
  GArray          *changes;
} UsersWatch;

/* Reads the label every 50 ms and keeps each change of the count it shows. */
static gpointer
users_watch_thread (gpointer data)
{
  UsersWatch *watch = data;
  gint64 last = -1;

  while (!g_atomic_int_get (&watch->stop) && watch->changes->len < MAX_STALL_SAMPLES)
    {
      gint64 sent = g_get_monotonic_time ();
      g_autofree char *name = a11y_get_name (watch->a11y, watch->label->bus_name,
                                             watch->label->path, STALL_CALL_TIMEOUT_MS);
      gint64 now = g_get_monotonic_time ();

      if (is_count (name) && g_ascii_strtoll (name, NULL, 10) != last)
        {
          UsersChange change = { now, g_ascii_strtoll (name, NULL, 10) };

          g_array_append_val (watch->changes, change);
          last = change.count;
        }
      if (now < sent + STALL_PERIOD_US)
        g_usleep (sent + STALL_PERIOD_US - now);
    }
  return NULL;
}

static gboolean
users_watch_start (UsersWatch      *watch,
                   GDBusConnection *bus,
                   int              pid)
{
  watch->a11y = a11y_connect (bus);
  if (watch->a11y == NULL)
    return FALSE;
  watch->label = a11y_find_users_label (watch->a11y, pid);
  if (watch->label == NULL)
    {
      g_clear_object (&watch->a11y);
      return FALSE;
    }
  watch->changes = g_array_new (FALSE, FALSE, sizeof (UsersChange));
  watch->thread = g_thread_new ("lab-bench-users", users_watch_thread, watch);
  return TRUE;
}

static void
users_watch_stop (UsersWatch *watch,
                  gint64      join_start,
                  gint64      join_end,
                  Result     *result)
{
  guint updates = 0;

  g_atomic_int_set (&watch->stop, TRUE);
  g_thread_join (watch->thread);
  for (guint i = 0; i < watch->changes->len; i++)
    {
      UsersChange *change = &g_array_index (watch->changes, UsersChange, i);

      if (change->when >= join_start && change->when <= join_end)
        updates++;
    }
  result->users_valid = join_end > join_start;
  result->users_updates_per_s = updates / ((join_end - join_start) / 1e6);
  g_array_unref (watch->changes);
  a11y_node_free (watch->label);
  g_clear_object (&watch->a11y);
}

/* ---- one server, one N ---------------------------------------------------------------- */

static void
measure (const Config    *config,
         ServerKind       kind,
         guint            n,
         GDBusConnection *bus,
         Result          *result)
{
  g_autoptr(LabLoadgen) loadgen = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *error = NULL;
  Server server = { 0 };
  Sampler sampler = { 0 };
  UsersWatch users_watch = { 0 };
  gboolean sampling = FALSE;
  gboolean watching_users = FALSE;
  double rss_before, rss_after, cpu_before, cpu_joined, cpu_converge_start, cpu_converged;
  gint64 join_start, join_end;

  result->ran = TRUE;
  if (!server_start (config, kind, bus, &server, &error))
    {
      result->note = g_strdup_printf ("%s: %s", server_names[kind], error);
      server_clear (&server);
      return;
    }
  if (kind == SERVER_WINDOW)
    {
      g_usleep (WINDOW_SETTLE_S * G_USEC_PER_SEC);
      watching_users = users_watch_start (&users_watch, bus, server.pid);
      sampler_start (&sampler, bus);
      sampling = TRUE;
    }
  else
    g_usleep (SETTLE_S * G_USEC_PER_SEC);

  loadgen = lab_loadgen_new (server.port, n, config->in_flight);
  rss_before = process_rss_kib (server.pid);
  cpu_before = process_cpu_seconds (server.pid);
  join_start = g_get_monotonic_time ();
  result->join_status = lab_loadgen_join (loadgen, config->timeout_s, &result->join_s);
  join_end = g_get_monotonic_time ();
  result->join_loadgen_cpu_s = lab_loadgen_get_phase_cpu (loadgen);
  cpu_joined = process_cpu_seconds (server.pid);
  if (result->join_status != LAB_LOADGEN_OK)
    {
      result->note = g_strdup_printf ("%s, N=%u: join %s: %s", server_names[kind], n,
                                      result->join_status == LAB_LOADGEN_TIMED_OUT
                                      ? "timed out" : "failed",
                                      lab_loadgen_get_error (loadgen));
      result->converge_status = result->paced_status = result->join_status;
      goto out;
    }

  lab_loadgen_idle (loadgen, SETTLE_S);
  rss_after = process_rss_kib (server.pid);
  result->rss_kib_per_conn = (rss_after - rss_before) / n;
  result->rss_valid = !isnan (result->rss_kib_per_conn);

  cpu_converge_start = process_cpu_seconds (server.pid);
  result->converge_status = lab_loadgen_converge (loadgen, 0, config->actions, config->timeout_s,
                                                  &result->converge_s);
  cpu_converged = process_cpu_seconds (server.pid);
  result->cpu_s = (cpu_joined - cpu_before) + (cpu_converged - cpu_converge_start);
  result->cpu_valid = result->converge_status == LAB_LOADGEN_OK && !isnan (result->cpu_s);
  if (result->converge_status != LAB_LOADGEN_OK)
    {
      result->note = g_strdup_printf ("%s, N=%u: convergence %s: %s", server_names[kind], n,
                                      result->converge_status == LAB_LOADGEN_TIMED_OUT
                                      ? "timed out" : "failed",
                                      lab_loadgen_get_error (loadgen));
      result->paced_status = result->converge_status;
      goto out;
    }

  lab_loadgen_idle (loadgen, SETTLE_S);
  /* A second sender: the first one's rate budget went on the pipelined burst. */
  result->paced_status = lab_loadgen_paced (loadgen, n > 1 ? 1 : 0, config->rate,
                                            config->paced_seconds, config->timeout_s,
                                            latencies);
  if (result->paced_status == LAB_LOADGEN_OK)
    {
      g_array_sort (latencies, compare_doubles);
      result->p50_ms = percentile (latencies, 0.50) * 1000;
      result->p99_ms = percentile (latencies, 0.99) * 1000;
      result->paced_valid = TRUE;
    }
  else
    result->note = g_strdup_printf ("%s, N=%u: paced actions %s: %s", server_names[kind], n,
                                    result->paced_status == LAB_LOADGEN_TIMED_OUT
                                    ? "timed out" : "failed",
                                    lab_loadgen_get_error (loadgen));

out:
  if (sampling)
    {
      sampler_stop (&sampler);
      sampler_report (&sampler, join_start, join_end, result);
      if (watching_users)
        users_watch_stop (&users_watch, join_start, join_end, result);
      else
        read_users_updates (&server, join_start, join_end, result);
    }
  /* The server goes first: closing N clients would make it broadcast N leaves. */
  server_clear (&server);
}

/* ---- the report ----------------------------------------------------------------------- */

#define COLUMN_WIDTH 16
#define METRIC_WIDTH 28

static void
append_padded (GString    *string,
               const char *text,
               int         width)
{
  /* printf pads by bytes; "—", "≤" and "×" are several. */
  g_string_append_printf (string, "%s%*s", text,
                          MAX (width - (int) g_utf8_strlen (text, -1), 0) + 1, "");
}

static void
print_cell (const char *text,
            int         width)
{
  int len = g_utf8_strlen (text, -1);

  /* printf pads by bytes; "—" and "×" are several. */
  printf ("%s%*s", text, MAX (width - len, 0) + 1, "");
}

typedef enum
{
  METRIC_JOIN,
  METRIC_CONVERGE,
  METRIC_CPU,
  METRIC_RSS,
  METRIC_P50,
  METRIC_P99,
  METRIC_LOADGEN_CPU,
  METRIC_STALL_MAX,
  METRIC_STALL_P99,
  METRIC_LOOP_ANSWERS,
  METRIC_USERS_UPDATES,
  N_METRICS
} Metric;

static const char *metric_names[N_METRICS] = {
  "join (s)", "M actions reach all (s)", "server CPU join+M (s)", "RSS / idle conn (KiB)",
  "paced latency p50 (ms)", "paced latency p99 (ms)", "load generator CPU join (s)",
  "main-loop stall max (ms)",
  "main-loop stall p99 (ms)", "loop answers/s in join", "users label updates/s"
};

/* The value, or NAN with why in *why ("—" when not run). */
static double
metric_value (const Result *result,
              Metric        metric,
              const char  **why)
{
  *why = "—";
  if (!result->ran)
    return NAN;
  switch (metric)
    {
    case METRIC_JOIN:
      if (result->join_status != LAB_LOADGEN_OK)
        *why = result->join_status == LAB_LOADGEN_TIMED_OUT ? "timed out" : "failed";
      return result->join_status == LAB_LOADGEN_OK ? result->join_s : NAN;
    case METRIC_CONVERGE:
      if (result->converge_status != LAB_LOADGEN_OK)
        *why = result->converge_status == LAB_LOADGEN_TIMED_OUT ? "timed out" : "failed";
      return result->converge_status == LAB_LOADGEN_OK ? result->converge_s : NAN;
    case METRIC_CPU:
      return result->cpu_valid ? result->cpu_s : NAN;
    case METRIC_RSS:
      return result->rss_valid ? result->rss_kib_per_conn : NAN;
    case METRIC_P50:
    case METRIC_P99:
      if (result->paced_status != LAB_LOADGEN_OK)
        *why = result->paced_status == LAB_LOADGEN_TIMED_OUT ? "timed out" : "failed";
      if (!result->paced_valid)
        return NAN;
      return metric == METRIC_P50 ? result->p50_ms : result->p99_ms;
    case METRIC_LOADGEN_CPU:
      return result->join_status == LAB_LOADGEN_OK ? result->join_loadgen_cpu_s : NAN;
    case METRIC_STALL_MAX:
      return result->stall_valid ? result->stall_max_ms : NAN;
    case METRIC_STALL_P99:
      return result->stall_valid ? result->stall_p99_ms : NAN;
    case METRIC_LOOP_ANSWERS:
      return result->stall_valid ? result->loop_answers_per_s : NAN;
    case METRIC_USERS_UPDATES:
      *why = "not measured";
      return result->users_valid ? result->users_updates_per_s : NAN;
    case N_METRICS:
    default:
      g_assert_not_reached ();
    }
}

static char *
format_value (double      value,
              Metric      metric,
              const char *why)
{
  if (isnan (value))
    return g_strdup (why);
  switch (metric)
    {
    case METRIC_JOIN:
    case METRIC_CONVERGE:
      return g_strdup_printf ("%.3f", value);
    case METRIC_CPU:
    case METRIC_LOADGEN_CPU:
      return g_strdup_printf ("%.2f", value);
    case METRIC_RSS:
    case METRIC_P50:
    case METRIC_P99:
    case METRIC_STALL_MAX:
    case METRIC_STALL_P99:
    case METRIC_LOOP_ANSWERS:
    case METRIC_USERS_UPDATES:
    case N_METRICS:
    default:
      return g_strdup_printf ("%.1f", value);
    }
}

static char *
format_ratio (double numerator,
              double denominator)
{
  if (isnan (numerator) || isnan (denominator) || denominator <= 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.2f×", numerator / denominator);
}

typedef enum
{
  VERDICT_NONE,
  VERDICT_MET,
  VERDICT_NOT_MET,
  VERDICT_UNKNOWN,
} Verdict;

typedef struct
{
  GString *text;
  GString *summary;
  guint    n;
  Metric   metric;
} Verdicts;

static void
add_verdict (Verdicts   *verdicts,
             const char *target,
             double      value,
             gboolean    at_least,
             double      bound)
{
  const char *word;

  if (isnan (value))
    word = "not measured";
  else if (at_least ? value >= bound : value <= bound)
    word = "met";
  else
    word = "NOT met";
  if (verdicts->text->len > 0)
    g_string_append (verdicts->text, "; ");
  g_string_append_printf (verdicts->text, "%s: %s", target, word);
  g_string_append_printf (verdicts->summary, "  N=%-5u ", verdicts->n);
  append_padded (verdicts->summary, metric_names[verdicts->metric], METRIC_WIDTH);
  append_padded (verdicts->summary, target, METRIC_WIDTH);
  g_string_append_printf (verdicts->summary, "%s\n", word);
}

static double
ratio (double numerator,
       double denominator)
{
  if (isnan (numerator) || isnan (denominator) || denominator <= 0)
    return NAN;
  return numerator / denominator;
}

/* The issue's targets, each on the row and N it speaks of. */
static void
judge (Verdicts      *verdicts,
       const Result  *results,
       double         values[N_SERVERS])
{
  Metric metric = verdicts->metric;
  guint n = verdicts->n;
  double python_ratio = ratio (values[SERVER_PYTHON], values[SERVER_HEADLESS]);
  double bare_ratio = ratio (values[SERVER_HEADLESS], values[SERVER_BARE]);
  double window_ratio = ratio (values[SERVER_WINDOW], values[SERVER_HEADLESS]);

  if (n == 1000 && (metric == METRIC_JOIN || metric == METRIC_CONVERGE))
    add_verdict (verdicts, "Python/ours ≥ 20×", python_ratio, TRUE, 20);
  if (n == 1000 && metric == METRIC_CPU)
    add_verdict (verdicts, "Python/ours ≥ 10×", python_ratio, TRUE, 10);
  if (n == 5000 && metric == METRIC_JOIN)
    add_verdict (verdicts, "ours/bare ≤ 3×", bare_ratio, FALSE, 3);
  if (metric == METRIC_RSS && results[SERVER_HEADLESS].ran)
    add_verdict (verdicts, "headless ≤ 8 KiB", values[SERVER_HEADLESS], FALSE, 8);
  if (results[SERVER_WINDOW].ran)
    {
      if (metric == METRIC_JOIN || metric == METRIC_CONVERGE || metric == METRIC_P99)
        add_verdict (verdicts, "window/headless ≤ 1.5×", window_ratio, FALSE, 1.5);
      if (metric == METRIC_STALL_MAX)
        add_verdict (verdicts, "≤ 100 ms", values[SERVER_WINDOW], FALSE, 100);
      if (metric == METRIC_STALL_P99)
        add_verdict (verdicts, "≤ 32 ms", values[SERVER_WINDOW], FALSE, 32);
      if (metric == METRIC_USERS_UPDATES)
        add_verdict (verdicts, "≥ 4/s", values[SERVER_WINDOW], TRUE, 4);
    }
}

static void
print_table (guint         n,
             const Result *results,
             GString      *summary)
{
  static const char *headers[] = {
    "metric", "ours headless", "ours window", "Python tutorial", "bare epoll",
    "Python/ours", "ours/bare", "window/headless", "target"
  };

  printf ("\nN = %u clients\n", n);
  print_cell (headers[0], METRIC_WIDTH);
  for (guint i = 1; i < G_N_ELEMENTS (headers) - 1; i++)
    print_cell (headers[i], COLUMN_WIDTH);
  printf ("%s\n", headers[G_N_ELEMENTS (headers) - 1]);

  for (Metric metric = 0; metric < N_METRICS; metric++)
    {
      double values[N_SERVERS];
      Verdicts verdicts = { g_string_new (NULL), summary, n, metric };
      gboolean window_only = metric >= METRIC_STALL_MAX;
      /* The generator's cost is context for the row above it, not a contest. */
      gboolean no_ratios = window_only || metric == METRIC_LOADGEN_CPU;
      g_autofree char *python_ratio = NULL;
      g_autofree char *bare_ratio = NULL;
      g_autofree char *window_ratio = NULL;

      print_cell (metric_names[metric], METRIC_WIDTH);
      for (ServerKind kind = 0; kind < N_SERVERS; kind++)
        {
          const char *why;
          g_autofree char *cell = NULL;

          values[kind] = metric_value (&results[kind], metric, &why);
          if (window_only && kind != SERVER_WINDOW)
            cell = g_strdup ("—");
          else
            cell = format_value (values[kind], metric, why);
          print_cell (cell, COLUMN_WIDTH);
        }
      python_ratio = no_ratios ? g_strdup ("—")
                                 : format_ratio (values[SERVER_PYTHON], values[SERVER_HEADLESS]);
      bare_ratio = no_ratios ? g_strdup ("—")
                               : format_ratio (values[SERVER_HEADLESS], values[SERVER_BARE]);
      window_ratio = no_ratios ? g_strdup ("—")
                                 : format_ratio (values[SERVER_WINDOW], values[SERVER_HEADLESS]);
      print_cell (python_ratio, COLUMN_WIDTH);
      print_cell (bare_ratio, COLUMN_WIDTH);
      print_cell (window_ratio, COLUMN_WIDTH);
      judge (&verdicts, results, values);
      printf ("%s\n", verdicts.text->str);
      g_string_free (verdicts.text, TRUE);
    }
}

/* ---- options -------------------------------------------------------------------------- */

static gboolean
parse_sizes (Config      *config,
             const char  *text,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  config->n_sizes = g_strv_length (parts);
  config->sizes = g_new0 (guint, config->n_sizes);
  for (guint i = 0; i < config->n_sizes; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, 100000, &value, error))
        return FALSE;
      config->sizes[i] = value;
    }
  return config->n_sizes > 0;
}

static gboolean
parse_servers (Config      *config,
               const char  *text,
               GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      ServerKind kind;

      for (kind = 0; kind < N_SERVERS; kind++)
        if (g_str_equal (parts[i], server_names[kind]))
          break;
      if (kind == N_SERVERS)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "unknown server “%s” (headless, window, python, bare)", parts[i]);
          return FALSE;
        }
      config->wanted[kind] = TRUE;
    }
  return TRUE;
}

/* Other work on the machine shows in wall times: the report says how busy it was. */
static char *
load_average (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("unknown");
  fields = g_strsplit (text, " ", 4);
  if (g_strv_length (fields) < 3)
    return g_strdup ("unknown");
  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

static void
raise_file_limit (void)
{
  struct rlimit limit;

  /* One descriptor per client: 5000 is past the usual soft limit of 1024. */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  /* GOption replaces a string without freeing it: defaults are applied after parsing. */
  g_autofree char *sizes = NULL;
  g_autofree char *servers = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  Config config = {
    .build_dir = NULL,
    .source_dir = g_strdup (LAB_BENCH_SOURCE_DIR),
    .python_max = 1000,
    .actions = 400,
    .rate = 100,
    .paced_seconds = 3,
    .timeout_s = 120,
    .in_flight = 64,
  };
  int python_max = config.python_max, actions = config.actions, rate = config.rate;
  int in_flight = config.in_flight;
  GOptionEntry entries[] = {
    { "sizes", 'n', 0, G_OPTION_ARG_STRING, &sizes, "Numbers of clients (100,1000,5000)", "N,…" },
    { "servers", 's', 0, G_OPTION_ARG_STRING, &servers,
      "Servers to measure (headless,window,python,bare)", "LIST" },
    { "python-max", 0, 0, G_OPTION_ARG_INT, &python_max,
      "Skip the Python server above this N (1000): it takes very long", "N" },
    { "actions", 0, 0, G_OPTION_ARG_INT, &actions, "Pipelined actions M (400)", "M" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Paced actions per second (100)", "R" },
    { "paced-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &config.paced_seconds,
      "Duration of the paced phase (3)", "S" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &config.timeout_s,
      "Give up on a phase after this many seconds (120)", "S" },
    { "in-flight", 0, 0, G_OPTION_ARG_INT, &in_flight,
      "Upgrades in progress at once during a join (64)", "K" },
    { "build-dir", 0, 0, G_OPTION_ARG_FILENAME, &config.build_dir,
      "The meson build directory holding src/websocket-lab", "DIR" },
    { NULL }
  };
  Result (*results)[N_SERVERS];

  setvbuf (stdout, NULL, _IOLBF, 0);
  context = g_option_context_new ("— measure our server against the tutorial's and a bare one");
  g_option_context_add_main_entries (context, entries, NULL);
  if (g_option_context_parse (context, &argc, &argv, &error))
    {
      if (sizes == NULL)
        sizes = g_strdup ("100,1000,5000");
      if (servers == NULL)
        servers = g_strdup ("headless,window,python,bare");
      if (config.build_dir == NULL)
        config.build_dir = g_strdup (LAB_BUILD_ROOT);
    }
  if (error != NULL ||
      !parse_sizes (&config, sizes, &error) || !parse_servers (&config, servers, &error))
    {
      g_printerr ("lab-bench: %s\n", error ? error->message : "no sizes");
      return 2;
    }
  if (actions < 1 || rate < 1 || in_flight < 1 || config.paced_seconds <= 0 ||
      config.timeout_s <= 0)
    {
      g_printerr ("lab-bench: --actions, --rate, --in-flight, --paced-seconds and --timeout "
                  "must be positive\n");
      return 2;
    }
  config.python_max = MAX (python_max, 0);
  config.actions = actions;
  config.rate = rate;
  config.in_flight = in_flight;
  raise_file_limit ();
  signal (SIGPIPE, SIG_IGN);

  if (config.wanted[SERVER_WINDOW])
    {
      const char *why = NULL;

      if (g_getenv ("DISPLAY") == NULL)
        why = "no DISPLAY: run under xvfb-run";
      else if ((bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL)) == NULL)
        why = "no session bus: run under dbus-run-session";
      else if (app_answers (bus))
        why = "another " APP_BUS_NAME " is on this session bus: use dbus-run-session";
      if (why != NULL)
        {
          g_ptr_array_add (notes, g_strdup_printf ("window not measured: %s", why));
          config.wanted[SERVER_WINDOW] = FALSE;
        }
    }

  printf ("lab-bench: build %s (%s), %ld cores, M = %u, paced %u/s for %.1f s, "
           "join %u upgrades in flight, phase timeout %.0f s\n",
           config.build_dir, LAB_BUILD_TYPE, sysconf (_SC_NPROCESSORS_ONLN), config.actions,
           config.rate, config.paced_seconds, config.in_flight, config.timeout_s);

  {
    g_autofree char *load = load_average ();

    printf ("lab-bench: load average at start %s\n", load);
  }
  results = g_malloc0_n (config.n_sizes, sizeof *results);
  for (guint i = 0; i < config.n_sizes; i++)
    for (ServerKind kind = 0; kind < N_SERVERS; kind++)
      {
        Result *result = &results[i][kind];

        if (!config.wanted[kind] || (kind == SERVER_PYTHON && config.sizes[i] > config.python_max))
          continue;
        fprintf (stderr, "lab-bench: %s, N = %u ...\n", server_titles[kind], config.sizes[i]);
        measure (&config, kind, config.sizes[i], bus, result);
        if (result->note != NULL)
          g_ptr_array_add (notes, g_strdup (result->note));
      }

  for (guint i = 0; i < config.n_sizes; i++)
    print_table (config.sizes[i], results[i], summary);

  printf ("\nTargets (2 cores, release build, ratios from this run):\n%s", summary->str);
  for (guint i = 0; i < config.n_sizes; i++)
    if (results[i][SERVER_WINDOW].ran && !results[i][SERVER_WINDOW].users_valid)
      {
        printf ("Users label updates: not measured — the window's users label was not found in "
                "its accessibility tree (no AT-SPI bus?) and the app printed no "
                USERS_LINE_PREFIX "lines under LAB_BENCH_REPORT_USERS=1; \"loop answers/s in "
                "join\" is how often its main loop answered D-Bus calls meanwhile.\n");
        break;
      }
  {
    g_autofree char *load = load_average ();

    printf ("Load average at the end: %s (other work on the machine lengthens wall times)\n",
            load);
  }
  if (notes->len > 0)
    {
      printf ("\nNotes:\n");
      for (guint i = 0; i < notes->len; i++)
        printf ("  %s\n", (char *) g_ptr_array_index (notes, i));
    }

  for (guint i = 0; i < config.n_sizes; i++)
    for (ServerKind kind = 0; kind < N_SERVERS; kind++)
      g_free (results[i][kind].note);
  g_free (results);
  g_free (config.sizes);
  g_free (config.build_dir);
  g_free (config.source_dir);
  return 0;
}
