/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-bench"

#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/resource.h>

#include "lab-bench-private.h"

/* lab-bench: starts each server under test, drives it with lab-loadgen and prints, for each
 * number of clients, join time, convergence of pipelined actions, server CPU, RSS per idle
 * connection, paced latency and (for the window) main-loop stalls, with ratios and targets.
 * It prints figures; it asserts nothing and is no test. Every phase gives up after
 * --timeout seconds and says "timed out". */

static const char *server_names[N_SERVERS] = { "headless", "window", "python", "bare" };
static const char *server_titles[N_SERVERS] = {
  "ours headless", "ours window", "Python tutorial", "bare epoll"
};

/* ---- one server, one N ---------------------------------------------------------------- */

/* Quiet time after a join before RSS is read: queued messages drain first. */
#define SETTLE_S 0.5
/* The window's own client connects once it is shown: let it settle before measuring. */
#define WINDOW_SETTLE_S 1.5
/* A burst of M actions lasts milliseconds at small N: one frame of the window, or another
 * program's moment on the CPU, doubles it. Its figure is the median of this many bursts,
 * each after the same rest as the first, each from another client (a client sending them
 * all would pass the server's rate limit and be closed with 1008). */
#define CONVERGE_BURSTS 5

/* One client comes, clicks and leaves before anything is measured: what a server builds
 * once (types registered, code paged in from disk, tables made) is no cost of a
 * connection, and a class never joins a server that has not served anyone yet. Every
 * server under test gets the same. */
static void
warm_up (guint16 port,
         double  timeout_s)
{
  g_autoptr(LabLoadgen) loadgen = lab_loadgen_new (port, 1, 1);
  double seconds;

  if (lab_loadgen_join (loadgen, timeout_s, &seconds) == LAB_LOADGEN_OK)
    lab_loadgen_converge (loadgen, 0, 1, timeout_s, &seconds);
}

/* A join of 100 lasts 20 ms, and one busy moment doubles it too: its figure is the median
 * of this many joins. After the first (which RSS and CPU are measured after) the clients
 * leave, the server rests, and N clients join again; the rest runs on the last ones. */
#define JOINS 3
/* Leaving thousands is a storm of its own for the server to finish first. */
#define REJOIN_REST_S 1.0

static LabLoadgenStatus
join_again (LabLoadgen   **loadgen,
            const Config  *config,
            guint16        port,
            guint          n,
            GArray        *durations)
{
  LabLoadgenStatus status = LAB_LOADGEN_OK;

  for (guint i = 1; i < JOINS && status == LAB_LOADGEN_OK; i++)
    {
      double seconds;

      g_clear_pointer (loadgen, lab_loadgen_free);
      g_usleep (REJOIN_REST_S * G_USEC_PER_SEC);
      *loadgen = lab_loadgen_new (port, n, config->in_flight);
      status = lab_loadgen_join (*loadgen, config->timeout_s, &seconds);
      if (status == LAB_LOADGEN_OK)
        g_array_append_val (durations, seconds);
    }
  return status;
}

/* The paced phase sends from client 1: the bursts leave it alone. */
#define PACED_SENDER 1

static guint
burst_sender (guint burst,
              guint n)
{
  return (burst == 0 ? 0 : burst + PACED_SENDER) % n;
}

static LabLoadgenStatus
converge_bursts (LabLoadgen   *loadgen,
                 const Config *config,
                 guint         n,
                 double       *median_s)
{
  g_autoptr(GArray) durations = g_array_new (FALSE, FALSE, sizeof (double));
  LabLoadgenStatus status = LAB_LOADGEN_OK;

  for (guint i = 0; i < CONVERGE_BURSTS && status == LAB_LOADGEN_OK; i++)
    {
      double seconds;

      if (i > 0)
        lab_loadgen_idle (loadgen, SETTLE_S);
      status = lab_loadgen_converge (loadgen, burst_sender (i, n), config->actions,
                                     config->timeout_s, &seconds);
      if (status == LAB_LOADGEN_OK)
        g_array_append_val (durations, seconds);
    }
  g_array_sort (durations, compare_doubles);
  *median_s = durations->len > 0 ? percentile (durations, 0.5) : NAN;
  return status;
}

static char *
phase_note (ServerKind        kind,
            guint             n,
            const char       *phase,
            LabLoadgenStatus  status,
            LabLoadgen       *loadgen)
{
  return g_strdup_printf ("%s, N=%u: %s %s: %s", server_names[kind], n, phase,
                          status == LAB_LOADGEN_TIMED_OUT ? "timed out" : "failed",
                          lab_loadgen_get_error (loadgen));
}

static void
measure (const Config    *config,
         ServerKind       kind,
         guint            n,
         GDBusConnection *bus,
         Result          *result)
{
  g_autoptr(LabLoadgen) loadgen = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) joins = g_array_new (FALSE, FALSE, sizeof (double));
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
  warm_up (server.port, config->timeout_s);
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
      result->note = phase_note (kind, n, "join", result->join_status, loadgen);
      result->converge_status = result->paced_status = result->join_status;
      goto out;
    }

  lab_loadgen_idle (loadgen, SETTLE_S);
  rss_after = process_rss_kib (server.pid);
  result->rss_kib_per_conn = (rss_after - rss_before) / n;
  result->rss_valid = !isnan (result->rss_kib_per_conn);

  g_array_append_val (joins, result->join_s);
  result->join_status = join_again (&loadgen, config, server.port, n, joins);
  if (result->join_status != LAB_LOADGEN_OK)
    {
      result->note = phase_note (kind, n, "joining again", result->join_status, loadgen);
      result->converge_status = result->paced_status = result->join_status;
      goto out;
    }
  g_array_sort (joins, compare_doubles);
  result->join_s = percentile (joins, 0.5);
  lab_loadgen_idle (loadgen, SETTLE_S);

  cpu_converge_start = process_cpu_seconds (server.pid);
  result->converge_status = converge_bursts (loadgen, config, n, &result->converge_s);
  cpu_converged = process_cpu_seconds (server.pid);
  result->cpu_s = (cpu_joined - cpu_before) +
                  (cpu_converged - cpu_converge_start) / CONVERGE_BURSTS;
  result->cpu_valid = result->converge_status == LAB_LOADGEN_OK && !isnan (result->cpu_s);
  if (result->converge_status != LAB_LOADGEN_OK)
    {
      result->note = phase_note (kind, n, "convergence", result->converge_status, loadgen);
      result->paced_status = result->converge_status;
      goto out;
    }

  lab_loadgen_idle (loadgen, SETTLE_S);
  /* A sender of its own: the bursts' senders spent their rate budget. */
  result->paced_status = lab_loadgen_paced (loadgen, n > PACED_SENDER ? PACED_SENDER : 0,
                                            config->rate, config->paced_seconds,
                                            config->timeout_s, latencies);
  if (result->paced_status == LAB_LOADGEN_OK)
    {
      g_array_sort (latencies, compare_doubles);
      result->p50_ms = percentile (latencies, 0.50) * 1000;
      result->p99_ms = percentile (latencies, 0.99) * 1000;
      result->paced_valid = TRUE;
    }
  else
    result->note = phase_note (kind, n, "paced actions", result->paced_status, loadgen);

out:
  if (sampling)
    {
      sampler_stop (&sampler);
      sampler_report (&sampler, join_start, join_end, result);
      if (watching_users)
        users_watch_stop (&users_watch, join_start, join_end, result);
    }
  /* The server goes first: closing N clients would make it broadcast N leaves. */
  server_clear (&server);
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
    /* A thousand actions: their p99 is the tenth worst, not the third. */
    .paced_seconds = 10,
    .timeout_s = 120,
    .in_flight = 64,
    .rounds = 3,
  };
  int python_max = config.python_max, actions = config.actions, rate = config.rate;
  int in_flight = config.in_flight;
  int rounds = config.rounds;
  GOptionEntry entries[] = {
    { "sizes", 'n', 0, G_OPTION_ARG_STRING, &sizes, "Numbers of clients (100,1000,5000)", "N,…" },
    { "servers", 's', 0, G_OPTION_ARG_STRING, &servers,
      "Servers to measure (headless,window,python,bare)", "LIST" },
    { "python-max", 0, 0, G_OPTION_ARG_INT, &python_max,
      "Skip the Python server above this N (1000): it takes very long", "N" },
    { "actions", 0, 0, G_OPTION_ARG_INT, &actions, "Pipelined actions M (400)", "M" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Paced actions per second (100)", "R" },
    { "paced-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &config.paced_seconds,
      "Duration of the paced phase (10)", "S" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &config.timeout_s,
      "Give up on a phase after this many seconds (120)", "S" },
    { "in-flight", 0, 0, G_OPTION_ARG_INT, &in_flight,
      "Upgrades in progress at once during a join (64)", "K" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds,
      "Measure every server at every N this many times in turn; show medians (3)", "R" },
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
  if (actions < 1 || rate < 1 || in_flight < 1 || rounds < 1 || config.paced_seconds <= 0 ||
      config.timeout_s <= 0)
    {
      g_printerr ("lab-bench: --actions, --rate, --in-flight, --rounds, --paced-seconds and "
                  "--timeout must be positive\n");
      return 2;
    }
  config.python_max = MAX (python_max, 0);
  config.actions = actions;
  config.rate = rate;
  config.in_flight = in_flight;
  config.rounds = rounds;
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

  printf ("lab-bench: build %s (%s), %ld cores, join: median of %u with %u upgrades in "
           "flight, M = %u: median of %u bursts, paced %u/s for %.1f s, phase timeout %.0f s; "
           "each server has served one client before it is measured; each figure is the "
           "median of %u rounds\n",
           config.build_dir, LAB_BUILD_TYPE, sysconf (_SC_NPROCESSORS_ONLN), JOINS,
           config.in_flight, config.actions, CONVERGE_BURSTS, config.rate,
           config.paced_seconds, config.timeout_s, config.rounds);

  {
    g_autofree char *load = load_average ();

    printf ("lab-bench: load average at start %s\n", load);
  }
  /* Round by round, so that a busy minute on the machine falls into one round of each. */
  results = g_malloc0_n (config.rounds * config.n_sizes, sizeof *results);
  for (guint r = 0; r < config.rounds; r++)
    for (guint i = 0; i < config.n_sizes; i++)
      for (ServerKind kind = 0; kind < N_SERVERS; kind++)
        {
          Result *result = &results[r * config.n_sizes + i][kind];

          if (!config.wanted[kind] ||
              (kind == SERVER_PYTHON && config.sizes[i] > config.python_max))
            continue;
          fprintf (stderr, "lab-bench: round %u of %u, %s, N = %u ...\n", r + 1, config.rounds,
                   server_titles[kind], config.sizes[i]);
          measure (&config, kind, config.sizes[i], bus, result);
          if (result->note != NULL)
            g_ptr_array_add (notes, g_strdup_printf ("round %u: %s", r + 1, result->note));
        }

  for (guint i = 0; i < config.n_sizes; i++)
    {
      g_autofree const Result **rounds_at_n = g_new (const Result *, config.rounds);

      for (guint r = 0; r < config.rounds; r++)
        rounds_at_n[r] = results[r * config.n_sizes + i];
      print_table (config.sizes[i], rounds_at_n, config.rounds, summary);
    }

  printf ("\nTargets (2 cores, release build, ratios of the medians above, from this run):\n%s",
          summary->str);
  for (guint i = 0; i < config.n_sizes; i++)
    if (results[i][SERVER_WINDOW].ran && !results[i][SERVER_WINDOW].users_valid)
      {
        printf ("Users label updates: not measured — the window's users label was not found in "
                "its accessibility tree (no AT-SPI bus?); \"loop answers/s in join\" is how often "
                "its main loop answered D-Bus calls meanwhile.\n");
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

  for (guint i = 0; i < config.rounds * config.n_sizes; i++)
    for (ServerKind kind = 0; kind < N_SERVERS; kind++)
      g_free (results[i][kind].note);
  g_free (results);
  g_free (config.sizes);
  g_free (config.build_dir);
  g_free (config.source_dir);
  return 0;
}
