/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-loadgen"

#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include "lab-loadgen-private.h"

/* Events taken per epoll_wait: many clients become ready at once in a broadcast. */
#define MAX_EVENTS 512
/* The loop wakes at least this often to check its deadline. */
#define MAX_WAIT_MS 100

void
_lab_loadgen_fail (LabLoadgen *self,
                   const char *format,
                   ...)
{
  va_list args;

  /* The first failure explains the rest. */
  if (self->error->len > 0)
    return;
  va_start (args, format);
  g_string_append_vprintf (self->error, format, args);
  va_end (args);
}

static double
thread_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

LabLoadgen *
lab_loadgen_new (guint16 port,
                 guint   n_clients,
                 guint   in_flight)
{
  LabLoadgen *self = g_new0 (LabLoadgen, 1);

  self->port = port;
  self->n_clients = n_clients;
  self->in_flight_max = MAX (in_flight, 1);
  self->clients = g_new0 (Client, n_clients);
  for (guint i = 0; i < n_clients; i++)
    self->clients[i].fd = -1;
  /* Room in front of each read for the previous read's unfinished frame. */
  self->read_buffer = g_malloc (CARRY_SIZE + READ_SIZE);
  self->rng = 0x9e3779b9u ^ (guint32) g_get_monotonic_time ();
  if (self->rng == 0)
    self->rng = 1;
  self->error = g_string_new (NULL);
  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->epoll_fd < 0)
    _lab_loadgen_fail (self, "epoll_create1: %s", g_strerror (errno));
  return self;
}

void
lab_loadgen_free (LabLoadgen *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_clients; i++)
    {
      if (self->clients[i].fd >= 0)
        close (self->clients[i].fd);
      g_free (self->clients[i].carry);
      if (self->clients[i].out != NULL)
        g_byte_array_unref (self->clients[i].out);
    }
  if (self->epoll_fd >= 0)
    close (self->epoll_fd);
  g_free (self->clients);
  g_free (self->read_buffer);
  g_free (self->reach_count);
  g_free (self->reach_time);
  g_free (self->send_time);
  g_string_free (self->error, TRUE);
  g_free (self);
}

const char *
lab_loadgen_get_error (LabLoadgen *self)
{
  return self->error->len > 0 ? self->error->str : "no error";
}

/* CPU seconds this thread spent in the last phase: the generator's own cost. */
double
lab_loadgen_get_phase_cpu (LabLoadgen *self)
{
  return self->phase_cpu;
}

static void
start_more_connections (LabLoadgen *self)
{
  while (self->in_flight < self->in_flight_max && self->next_to_connect < self->n_clients &&
         self->error->len == 0)
    _lab_loadgen_start_connect (self, &self->clients[self->next_to_connect++]);
}

typedef gboolean (*DoneFunc) (LabLoadgen *self, gint64 now, gint64 *next_wake);

static LabLoadgenStatus
run_until (LabLoadgen *self,
           DoneFunc    done,
           gint64      deadline)
{
  struct epoll_event events[MAX_EVENTS];
  double cpu_start = thread_cpu_seconds ();
  LabLoadgenStatus status;

  /* Bounded by the deadline: every turn waits at most MAX_WAIT_MS. */
  while (TRUE)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 next_wake = deadline;
      int wait_ms;
      int n;

      if (self->error->len > 0)
        {
          status = LAB_LOADGEN_FAILED;
          break;
        }
      if (done (self, now, &next_wake))
        {
          status = LAB_LOADGEN_OK;
          break;
        }
      if (now >= deadline)
        {
          status = LAB_LOADGEN_TIMED_OUT;
          break;
        }
      wait_ms = CLAMP ((MIN (next_wake, deadline) - now + 999) / 1000, 0, MAX_WAIT_MS);
      n = epoll_wait (self->epoll_fd, events, MAX_EVENTS, wait_ms);
      if (n < 0 && errno != EINTR)
        {
          _lab_loadgen_fail (self, "epoll_wait: %s", g_strerror (errno));
          continue;
        }
      now = g_get_monotonic_time ();
      for (int i = 0; i < n; i++)
        {
          Client *client = &self->clients[events[i].data.u32];

          if (client->state == CLIENT_CLOSED)
            continue;
          if (client->state == CLIENT_CONNECTING)
            {
              if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                _lab_loadgen_send_upgrade (self, client);
              continue;
            }
          if (events[i].events & EPOLLOUT)
            _lab_loadgen_client_flush (self, client);
          if (client->state != CLIENT_CLOSED && (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
            _lab_loadgen_client_readable (self, client, now);
        }
      start_more_connections (self);
    }
  self->phase_cpu = thread_cpu_seconds () - cpu_start;
  return status;
}

static gint64
deadline_after (double seconds)
{
  return g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
}

static gboolean
joined (LabLoadgen *self,
        gint64      now,
        gint64     *next_wake)
{
  return self->n_state == self->n_clients && self->n_users_done == self->n_clients;
}

/* Connects every client, never more than in_flight upgrades at once, and returns when each
 * has its state and a users count of at least N: everyone knows everyone has joined. */
LabLoadgenStatus
lab_loadgen_join (LabLoadgen *self,
                  double      timeout_s,
                  double     *out_seconds)
{
  gint64 start = g_get_monotonic_time ();
  LabLoadgenStatus status;

  start_more_connections (self);
  status = run_until (self, joined, deadline_after (timeout_s));
  *out_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return status;
}

static gboolean
never (LabLoadgen *self,
       gint64      now,
       gint64     *next_wake)
{
  return FALSE;
}

/* Keeps reading (and answering pings) while nothing is sent. */
LabLoadgenStatus
lab_loadgen_idle (LabLoadgen *self,
                  double      seconds)
{
  LabLoadgenStatus status = run_until (self, never, deadline_after (seconds));

  return status == LAB_LOADGEN_TIMED_OUT ? LAB_LOADGEN_OK : status;
}

static gboolean
start_tracking (LabLoadgen *self,
                guint       sender,
                guint       n_actions)
{
  if (sender >= self->n_clients || self->clients[sender].state != CLIENT_OPEN)
    {
      _lab_loadgen_fail (self, "sender %u is not connected", sender);
      return FALSE;
    }
  g_free (self->reach_count);
  g_free (self->reach_time);
  g_free (self->send_time);
  self->track_base = self->clients[sender].last_value;
  self->track_n = n_actions;
  self->reach_count = g_new0 (guint, n_actions);
  self->reach_time = g_new0 (gint64, n_actions);
  self->send_time = g_new0 (gint64, n_actions);
  self->n_reached = 0;
  /* A client still behind the base catches up through advance_value. */
  for (guint i = 0; i < self->n_clients; i++)
    if (self->clients[i].last_value > self->track_base)
      {
        _lab_loadgen_fail (self, "client %u is ahead of the sender", i);
        return FALSE;
      }
  return TRUE;
}

static gboolean
all_reached (LabLoadgen *self,
             gint64      now,
             gint64     *next_wake)
{
  return self->n_reached == self->track_n;
}

/* The sender sends n_actions plus actions back to back; returns when every client has
 * received the final value. */
LabLoadgenStatus
lab_loadgen_converge (LabLoadgen *self,
                      guint       sender,
                      guint       n_actions,
                      double      timeout_s,
                      double     *out_seconds)
{
  gint64 start;
  LabLoadgenStatus status;
  Client *client;

  if (!start_tracking (self, sender, n_actions))
    return LAB_LOADGEN_FAILED;
  client = &self->clients[sender];
  start = g_get_monotonic_time ();
  for (guint k = 0; k < n_actions && client->state == CLIENT_OPEN; k++)
    _lab_loadgen_send_action (self, client);
  status = run_until (self, all_reached, deadline_after (timeout_s));
  *out_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return status;
}

static gboolean
paced_done (LabLoadgen *self,
            gint64      now,
            gint64     *next_wake)
{
  Client *client = &self->clients[self->pace_sender];

  if (self->pace_sent < self->track_n)
    {
      gint64 due = self->pace_start + self->pace_sent * self->pace_period;

      if (now >= due && client->state == CLIENT_OPEN)
        {
          self->send_time[self->pace_sent++] = now;
          _lab_loadgen_send_action (self, client);
          due += self->pace_period;
        }
      *next_wake = due;
    }
  return self->n_reached == self->track_n;
}

/* Sends `rate` actions a second for `seconds`; appends, for each action, the seconds from
 * its sending until the last client received its value. */
LabLoadgenStatus
lab_loadgen_paced (LabLoadgen *self,
                   guint       sender,
                   guint       rate,
                   double      seconds,
                   double      timeout_s,
                   GArray     *latencies)
{
  LabLoadgenStatus status;
  guint n_actions = MAX (1, (guint) (rate * seconds));

  if (!start_tracking (self, sender, n_actions))
    return LAB_LOADGEN_FAILED;
  self->pace_sender = sender;
  self->pace_sent = 0;
  self->pace_period = G_USEC_PER_SEC / MAX (rate, 1);
  self->pace_start = g_get_monotonic_time ();
  status = run_until (self, paced_done, deadline_after (seconds + timeout_s));
  for (guint k = 0; k < self->track_n; k++)
    if (self->reach_time[k] != 0)
      {
        double latency = (self->reach_time[k] - self->send_time[k]) / (double) G_USEC_PER_SEC;

        g_array_append_val (latencies, latency);
      }
  return status;
}
