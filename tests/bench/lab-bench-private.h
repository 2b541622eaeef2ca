/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-loadgen.h"

G_BEGIN_DECLS

/* lab-bench's files: lab-bench.c reads the command line and measures each server at each
 * N; lab-bench-servers.c starts and stops the servers under test and reads their CPU and
 * RSS; lab-bench-window.c samples the window's main-loop stalls and counts the updates of
 * its users label; lab-bench-report.c computes the figures and prints the tables. */

/* The tutorial's servers and ours, side by side. */
typedef enum
{
  SERVER_HEADLESS,
  SERVER_WINDOW,
  SERVER_PYTHON,
  SERVER_BARE,
  N_SERVERS
} ServerKind;

/* GApplication exports its actions here; answering a call needs a main-loop turn. */
#define APP_BUS_NAME "io.github.wslab.WebSocketLab"
#define APP_OBJECT_PATH "/io/github/wslab/WebSocketLab"


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
  guint         rounds;
} Config;

typedef struct
{
  GSubprocess *process;
  int          pid;
  guint16      port;
  char        *log_path;
} Server;

typedef struct
{
  GDBusConnection *bus;
  GThread         *thread;
  gint             stop;
  GArray          *samples;
} Sampler;

/* A node of the window's accessibility tree: lab-bench-window.c. */
typedef struct _A11yNode A11yNode;

typedef struct
{
  GDBusConnection *a11y;
  A11yNode        *label;
  GThread         *thread;
  gint             stop;
  GArray          *changes;
} UsersWatch;

/* lab-bench-servers.c */
gboolean  server_start          (const Config     *config,
                                 ServerKind        kind,
                                 GDBusConnection  *bus,
                                 Server           *server,
                                 char            **error_out);
void      server_clear          (Server           *server);
gboolean  app_answers           (GDBusConnection  *bus);
double    process_cpu_seconds   (int               pid);
double    process_rss_kib       (int               pid);

/* lab-bench-window.c */
void      sampler_start         (Sampler          *sampler,
                                 GDBusConnection  *bus);
void      sampler_stop          (Sampler          *sampler);
void      sampler_report        (Sampler          *sampler,
                                 gint64            join_start,
                                 gint64            join_end,
                                 Result           *result);
gboolean  users_watch_start     (UsersWatch       *watch,
                                 GDBusConnection  *bus,
                                 int               pid);
void      users_watch_stop      (UsersWatch       *watch,
                                 gint64            join_start,
                                 gint64            join_end,
                                 Result           *result);

/* lab-bench-report.c */
int       compare_doubles       (gconstpointer     a,
                                 gconstpointer     b);
double    percentile            (const GArray     *sorted,
                                 double            fraction);
void      print_table           (guint             n,
                                 const Result    **rounds,
                                 guint             n_rounds,
                                 GString          *summary);

G_END_DECLS
