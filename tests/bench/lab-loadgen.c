/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-loadgen"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "lab-loadgen.h"

/* Bytes of a frame (or of the 101 response) kept between two reads; the counter's
 * messages are a few dozen bytes, and larger frames are skipped unread. */
#define CARRY_SIZE 1024
/* One read per ready client per turn: big enough for a burst of small frames. */
#define READ_SIZE (64 * 1024)
/* Events taken per epoll_wait: many clients become ready at once in a broadcast. */
#define MAX_EVENTS 512
/* The loop wakes at least this often to check its deadline. */
#define MAX_WAIT_MS 100
/* Any fixed key works: the servers must answer it with the derived accept value. */
#define UPGRADE_KEY "dGhlIHNhbXBsZSBub25jZQ=="

typedef enum
{
  CLIENT_NEW,
  CLIENT_CONNECTING,
  CLIENT_UPGRADING,
  CLIENT_OPEN,
  CLIENT_CLOSED,
} ClientState;

typedef struct
{
  int          fd;
  ClientState  state;
  guint        got_state : 1;
  guint        users_done : 1;
  guint        writable_wanted : 1;
  guint16      carry_len;
  gint64       last_value;
  guint64      skip;
  char        *carry;
  GByteArray  *out;
} Client;

struct _LabLoadgen
{
  int           epoll_fd;
  guint16       port;
  guint         n_clients;
  guint         in_flight_max;
  Client       *clients;
  guint8       *read_buffer;
  guint32       rng;
  GString      *error;
  double        phase_cpu;

  /* Join progress */
  guint         next_to_connect;
  guint         in_flight;
  guint         n_open;
  guint         n_state;
  guint         n_users_done;

  /* Actions being followed: value base + k + 1 is action k's result */
  gint64        track_base;
  guint         track_n;
  guint        *reach_count;
  gint64       *reach_time;
  guint         n_reached;

  /* Paced sending */
  guint         pace_sender;
  guint         pace_sent;
  gint64        pace_start;
  gint64        pace_period;
  gint64       *send_time;
};

static void
fail (LabLoadgen *self,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
fail (LabLoadgen *self,
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

static guint32
next_random (LabLoadgen *self)
{
  /* xorshift32: masking keys need not be secret here, only not constant. */
  self->rng ^= self->rng << 13;
  self->rng ^= self->rng >> 17;
  self->rng ^= self->rng << 5;
  return self->rng;
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
    fail (self, "epoll_create1: %s", g_strerror (errno));
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
watch (LabLoadgen *self,
       Client     *client,
       int         op,
       guint32     events)
{
  struct epoll_event event = { .events = events, .data.u32 = client - self->clients };

  if (epoll_ctl (self->epoll_fd, op, client->fd, &event) < 0)
    fail (self, "epoll_ctl: %s", g_strerror (errno));
}

static void
close_client (LabLoadgen *self,
              Client     *client,
              const char *why)
{
  if (client->state == CLIENT_CLOSED)
    return;
  if (client->state == CLIENT_CONNECTING || client->state == CLIENT_UPGRADING)
    self->in_flight--;
  if (client->state == CLIENT_OPEN)
    self->n_open--;
  client->state = CLIENT_CLOSED;
  if (client->fd >= 0)
    {
      close (client->fd);
      client->fd = -1;
    }
  fail (self, "client %u: %s", (guint) (client - self->clients), why);
}

static void
client_write (LabLoadgen  *self,
              Client      *client,
              const void  *data,
              gsize        len)
{
  gssize written = 0;

  if (client->out == NULL || client->out->len == 0)
    {
      written = send (client->fd, data, len, MSG_NOSIGNAL);
      if (written < 0)
        {
          if (errno != EAGAIN)
            {
              close_client (self, client, g_strerror (errno));
              return;
            }
          written = 0;
        }
    }
  if ((gsize) written == len)
    return;
  if (client->out == NULL)
    client->out = g_byte_array_new ();
  g_byte_array_append (client->out, (const guint8 *) data + written, len - written);
  if (!client->writable_wanted)
    {
      client->writable_wanted = TRUE;
      watch (self, client, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
    }
}

static void
client_flush (LabLoadgen *self,
              Client     *client)
{
  gssize written;

  if (client->out == NULL || client->out->len == 0)
    return;
  written = send (client->fd, client->out->data, client->out->len, MSG_NOSIGNAL);
  if (written < 0)
    {
      if (errno != EAGAIN)
        close_client (self, client, g_strerror (errno));
      return;
    }
  g_byte_array_remove_range (client->out, 0, written);
  if (client->out->len == 0 && client->writable_wanted)
    {
      client->writable_wanted = FALSE;
      watch (self, client, EPOLL_CTL_MOD, EPOLLIN);
    }
}

/* A client frame: FIN set, masked as RFC 6455 section 5.3 requires of clients. */
static gsize
encode_frame (LabLoadgen *self,
              guint8     *out,
              guint8      opcode,
              const void *payload,
              gsize       len)
{
  guint32 key = next_random (self);
  const guint8 *mask = (const guint8 *) &key;

  g_assert (len <= 125);
  out[0] = 0x80 | opcode;
  out[1] = 0x80 | (guint8) len;
  memcpy (out + 2, mask, 4);
  for (gsize i = 0; i < len; i++)
    out[6 + i] = ((const guint8 *) payload)[i] ^ mask[i % 4];
  return 6 + len;
}

static void
send_action (LabLoadgen *self,
             Client     *client)
{
  static const char action[] = "{\"action\":\"plus\"}";
  guint8 frame[6 + sizeof action];
  gsize len = encode_frame (self, frame, 0x1, action, sizeof action - 1);

  client_write (self, client, frame, len);
}

static void
start_connect (LabLoadgen *self,
               Client     *client)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (self->port) };
  int one = 1;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  client->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (client->fd < 0)
    {
      fail (self, "socket: %s", g_strerror (errno));
      client->state = CLIENT_CLOSED;
      return;
    }
  /* Actions must leave at once, not wait for Nagle's timer. */
  setsockopt (client->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  client->carry = g_malloc (CARRY_SIZE);
  client->state = CLIENT_CONNECTING;
  self->in_flight++;
  if (connect (client->fd, (struct sockaddr *) &address, sizeof address) < 0 &&
      errno != EINPROGRESS)
    {
      close_client (self, client, g_strerror (errno));
      return;
    }
  /* Writable once connected: then the upgrade request goes out. */
  watch (self, client, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT);
}

static void
send_upgrade (LabLoadgen *self,
              Client     *client)
{
  g_autofree char *request = NULL;
  int error = 0;
  socklen_t error_len = sizeof error;

  getsockopt (client->fd, SOL_SOCKET, SO_ERROR, &error, &error_len);
  if (error != 0)
    {
      close_client (self, client, g_strerror (error));
      return;
    }
  request = g_strdup_printf ("GET / HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: " UPGRADE_KEY "\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "\r\n",
                             self->port);
  client->state = CLIENT_UPGRADING;
  watch (self, client, EPOLL_CTL_MOD, EPOLLIN);
  client_write (self, client, request, strlen (request));
}

static void
advance_value (LabLoadgen *self,
               Client     *client,
               gint64      value,
               gint64      now)
{
  gint64 from = MAX (client->last_value, self->track_base);
  gint64 to = MIN (value, self->track_base + (gint64) self->track_n);

  /* A value skipped by a server that coalesces updates still counts as reached. */
  for (gint64 v = from + 1; v <= to; v++)
    {
      guint k = v - self->track_base - 1;

      if (++self->reach_count[k] == self->n_clients)
        {
          self->reach_time[k] = now;
          self->n_reached++;
        }
    }
  client->last_value = value;
}

static gboolean
parse_number (const char *start,
              const char *end,
              gint64     *out)
{
  gboolean negative = FALSE;
  gint64 value = 0;
  const char *p = start;

  while (p < end && *p == ' ')
    p++;
  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (p >= end || !g_ascii_isdigit (*p))
    return FALSE;
  while (p < end && g_ascii_isdigit (*p))
    value = value * 10 + (*p++ - '0');
  *out = negative ? -value : value;
  return TRUE;
}

/* Reads `{"type":"users","count":N}` and `{"type":"state","value":V}` in the compact
 * form and in Python's json.dumps form (a space after each separator). */
static void
handle_text (LabLoadgen *self,
             Client     *client,
             const char *payload,
             gsize       len,
             gint64      now)
{
  const char *colon = memrchr (payload, ':', len);
  gint64 number;

  if (colon == NULL || !parse_number (colon + 1, payload + len, &number))
    return;
  if (memmem (payload, len, "\"users\"", 7) != NULL)
    {
      if (!client->users_done && number >= (gint64) self->n_clients)
        {
          client->users_done = TRUE;
          self->n_users_done++;
        }
    }
  else if (memmem (payload, len, "\"state\"", 7) != NULL)
    {
      if (!client->got_state)
        {
          client->got_state = TRUE;
          client->last_value = number;
          self->n_state++;
        }
      else if (number > client->last_value)
        advance_value (self, client, number, now);
      else
        client->last_value = number;
    }
}

static void
handle_frame (LabLoadgen   *self,
              Client       *client,
              guint8        opcode,
              const guint8 *payload,
              gsize         len,
              gint64        now)
{
  switch (opcode)
    {
    case 0x1:
      handle_text (self, client, (const char *) payload, len, now);
      break;
    case 0x8:
      {
        guint code = len >= 2 ? (payload[0] << 8 | payload[1]) : 1005;
        g_autofree char *why = g_strdup_printf ("server closed the connection (%u)", code);

        close_client (self, client, why);
      }
      break;
    case 0x9:
      {
        guint8 frame[6 + 125];

        /* Servers close a client that does not answer its pings. */
        if (len <= 125)
          client_write (self, client, frame, encode_frame (self, frame, 0xA, payload, len));
      }
      break;
    default:
      break;
    }
}

/* Parses frames in data[0..len); returns how many bytes were used. */
static gsize
parse_frames (LabLoadgen   *self,
              Client       *client,
              guint8       *data,
              gsize         len,
              gint64        now)
{
  gsize pos = 0;

  while (pos < len && client->state == CLIENT_OPEN)
    {
      guint8 *p = data + pos;
      gsize left = len - pos;
      gsize header = 2;
      guint64 payload_len;
      gboolean masked;

      if (client->skip > 0)
        {
          gsize n = MIN (client->skip, left);

          client->skip -= n;
          pos += n;
          continue;
        }
      if (left < 2)
        break;
      masked = (p[1] & 0x80) != 0;
      payload_len = p[1] & 0x7f;
      if (payload_len == 126)
        header += 2;
      else if (payload_len == 127)
        header += 8;
      if (masked)
        header += 4;
      if (left < header)
        break;
      if (payload_len == 126)
        payload_len = (guint64) p[2] << 8 | p[3];
      else if (payload_len == 127)
        {
          payload_len = 0;
          for (int i = 0; i < 8; i++)
            payload_len = payload_len << 8 | p[2 + i];
        }
      if (payload_len > CARRY_SIZE - 14)
        {
          /* Not a counter message: skip it without keeping it. */
          client->skip = payload_len;
          pos += header;
          continue;
        }
      if (left < header + payload_len)
        break;
      if (masked)
        {
          guint8 *key = p + header - 4;

          for (guint64 i = 0; i < payload_len; i++)
            p[header + i] ^= key[i % 4];
        }
      handle_frame (self, client, p[0] & 0x0f, p + header, payload_len, now);
      pos += header + payload_len;
    }
  return pos;
}

static void
client_readable (LabLoadgen *self,
                 Client     *client,
                 gint64      now)
{
  guint8 *start = self->read_buffer + CARRY_SIZE - client->carry_len;
  gssize n;
  gsize len;
  gsize used = 0;

  n = recv (client->fd, self->read_buffer + CARRY_SIZE, READ_SIZE, 0);
  if (n == 0)
    {
      close_client (self, client, "server closed the socket");
      return;
    }
  if (n < 0)
    {
      if (errno != EAGAIN)
        close_client (self, client, g_strerror (errno));
      return;
    }
  memcpy (start, client->carry, client->carry_len);
  len = client->carry_len + n;

  if (client->state == CLIENT_UPGRADING)
    {
      guint8 *end = memmem (start, len, "\r\n\r\n", 4);

      if (end == NULL)
        {
          if (len > CARRY_SIZE)
            close_client (self, client, "upgrade response too long");
          else
            {
              memcpy (client->carry, start, len);
              client->carry_len = len;
            }
          return;
        }
      if (len < 12 || memcmp (start, "HTTP/1.1 101", 12) != 0)
        {
          g_autofree char *line = g_strndup ((char *) start, MIN (len, 40));

          close_client (self, client, line);
          return;
        }
      used = end + 4 - start;
      client->state = CLIENT_OPEN;
      self->in_flight--;
      self->n_open++;
    }

  used += parse_frames (self, client, start + used, len - used, now);
  if (client->state == CLIENT_CLOSED)
    return;
  if (len - used > CARRY_SIZE)
    {
      close_client (self, client, "frame header split too far");
      return;
    }
  memcpy (client->carry, start + used, len - used);
  client->carry_len = len - used;
}

static void
start_more_connections (LabLoadgen *self)
{
  while (self->in_flight < self->in_flight_max && self->next_to_connect < self->n_clients &&
         self->error->len == 0)
    start_connect (self, &self->clients[self->next_to_connect++]);
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
          fail (self, "epoll_wait: %s", g_strerror (errno));
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
                send_upgrade (self, client);
              continue;
            }
          if (events[i].events & EPOLLOUT)
            client_flush (self, client);
          if (client->state != CLIENT_CLOSED && (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
            client_readable (self, client, now);
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
      fail (self, "sender %u is not connected", sender);
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
        fail (self, "client %u is ahead of the sender", i);
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
    send_action (self, client);
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
          send_action (self, client);
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
