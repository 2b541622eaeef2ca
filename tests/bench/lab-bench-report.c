/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-bench"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "lab-bench-private.h"

/* ---- figures -------------------------------------------------------------------------- */

int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
double
percentile (const GArray *sorted,
            double        fraction)
{
  guint rank;

  if (sorted->len == 0)
    return NAN;
  rank = (guint) ceil (fraction * sorted->len);
  return g_array_index (sorted, double, CLAMP (rank, 1, sorted->len) - 1);
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

/* The median of a figure over the rounds, or NAN with why if a round did not measure it
 * (a phase that failed once is reported failed). */
static double
median_value (const Result **rounds,
              guint          n_rounds,
              ServerKind     kind,
              Metric         metric,
              const char   **why)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  *why = "—";
  for (guint r = 0; r < n_rounds; r++)
    {
      const char *round_why;
      double value = metric_value (&rounds[r][kind], metric, &round_why);

      if (isnan (value))
        {
          *why = round_why;
          return NAN;
        }
      g_array_append_val (values, value);
    }
  g_array_sort (values, compare_doubles);
  return percentile (values, 0.5);
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

/* A join storm a person could watch the users count move in: ten 50 ms samples. */
#define USERS_JOIN_MIN_S 0.5

/* The targets, each on the row and N it speaks of. */
static void
judge (Verdicts      *verdicts,
       const Result  *results,
       double         values[N_SERVERS],
       double         window_join_s)
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
      /* Sampled every 50 ms: a join over in a few samples shows no rate. */
      if (metric == METRIC_USERS_UPDATES && window_join_s >= USERS_JOIN_MIN_S)
        add_verdict (verdicts, "≥ 4/s", values[SERVER_WINDOW], TRUE, 4);
      else if (metric == METRIC_USERS_UPDATES)
        g_string_append_printf (verdicts->text, "≥ 4/s: not judged, the join lasted under %.1f s",
                                USERS_JOIN_MIN_S);
    }
}

/* @rounds: for each round, the results of each server at this N */
void
print_table (guint          n,
             const Result **rounds,
             guint          n_rounds,
             GString       *summary)
{
  const Result *results = rounds[0];
  const char *join_why;
  double window_join_s = median_value (rounds, n_rounds, SERVER_WINDOW, METRIC_JOIN, &join_why);
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

          values[kind] = median_value (rounds, n_rounds, kind, metric, &why);
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
      judge (&verdicts, results, values, window_join_s);
      printf ("%s\n", verdicts.text->str);
      g_string_free (verdicts.text, TRUE);
    }
}
