/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-bench"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lab-bench-private.h"

/* The sampling period for main-loop stalls. */
#define STALL_PERIOD_US (50 * 1000)
/* A stalled loop still answers eventually; past this the sample counts as this long. */
#define STALL_CALL_TIMEOUT_MS 30000
/* Bounds the sampler's memory: 50 ms samples for an hour. */
#define MAX_STALL_SAMPLES 72000

/* ---- main-loop stalls ----------------------------------------------------------------- */

typedef struct
{
  gint64  sent;
  double  rtt_ms;
} StallSample;

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

void
sampler_start (Sampler         *sampler,
               GDBusConnection *bus)
{
  sampler->bus = bus;
  sampler->stop = FALSE;
  sampler->samples = g_array_new (FALSE, FALSE, sizeof (StallSample));
  sampler->thread = g_thread_new ("lab-bench-stalls", sampler_thread, sampler);
}

void
sampler_stop (Sampler *sampler)
{
  g_atomic_int_set (&sampler->stop, TRUE);
  g_thread_join (sampler->thread);
}

void
sampler_report (Sampler *sampler,
                gint64   join_start,
                gint64   join_end,
                Result  *result)
{
  g_autoptr(GArray) rtts = g_array_new (FALSE, FALSE, sizeof (double));
  guint answered_in_join = 0;

  gboolean dump = g_getenv ("LAB_BENCH_DUMP_STALLS") != NULL;

  for (guint i = 0; i < sampler->samples->len; i++)
    {
      StallSample *sample = &g_array_index (sampler->samples, StallSample, i);
      gint64 answered = sample->sent + (gint64) (sample->rtt_ms * 1000);

      if (dump)
        g_printerr ("stall sample: sent %+.3f s after the join began, %.1f ms\n",
                    (sample->sent - join_start) / 1e6, sample->rtt_ms);

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

/* ---- what the window shows, through its accessibility tree ------------------------------ */

/* Bounds the walk of the app's accessible tree: the window has a few hundred widgets. */
#define A11Y_MAX_NODES 5000
/* The server half's row whose suffix label shows the users count (C locale). */
#define USERS_ROW_TITLE "Counter clients online"

struct _A11yNode
{
  char *bus_name;
  char *path;
};

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

gboolean
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

void
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
