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
#include <sys/socket.h>

#include "lab-loadgen-private.h"

/* Any fixed key works: the servers must answer it with the derived accept value. */
#define UPGRADE_KEY "dGhlIHNhbXBsZSBub25jZQ=="

static guint32
next_random (LabLoadgen *self)
{
  /* xorshift32: masking keys need not be secret here, only not constant. */
  self->rng ^= self->rng << 13;
  self->rng ^= self->rng >> 17;
  self->rng ^= self->rng << 5;
  return self->rng;
}

static void
watch (LabLoadgen *self,
       Client     *client,
       int         op,
       guint32     events)
{
  struct epoll_event event = { .events = events, .data.u32 = client - self->clients };

  if (epoll_ctl (self->epoll_fd, op, client->fd, &event) < 0)
    _lab_loadgen_fail (self, "epoll_ctl: %s", g_strerror (errno));
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
  _lab_loadgen_fail (self, "client %u: %s", (guint) (client - self->clients), why);
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

void
_lab_loadgen_client_flush (LabLoadgen *self,
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

void
_lab_loadgen_send_action (LabLoadgen *self,
                          Client     *client)
{
  static const char action[] = "{\"action\":\"plus\"}";
  guint8 frame[6 + sizeof action];
  gsize len = encode_frame (self, frame, 0x1, action, sizeof action - 1);

  client_write (self, client, frame, len);
}

void
_lab_loadgen_start_connect (LabLoadgen *self,
                            Client     *client)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (self->port) };
  int one = 1;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  client->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (client->fd < 0)
    {
      _lab_loadgen_fail (self, "socket: %s", g_strerror (errno));
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

void
_lab_loadgen_send_upgrade (LabLoadgen *self,
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

void
_lab_loadgen_client_readable (LabLoadgen *self,
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
