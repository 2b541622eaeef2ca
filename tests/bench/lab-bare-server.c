/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-bare-server"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <glib.h>

/* `lab-bare-server PORT`: the counter protocol on one epoll loop with no library between
 * it and the sockets — the floor the benchmark compares our server with. Minimal
 * RFC 6455: the opening handshake, unmasking, text frames, ping, close. Loopback only. */

/* The kernel may queue this many finished handshakes before accept(): a join storm. */
#define LISTEN_BACKLOG 4096
/* An HTTP request or a client's frame longer than this closes the connection. */
#define MAX_MESSAGE 8192
#define MAX_EVENTS 512
#define READ_SIZE (64 * 1024)
/* RFC 6455 section 1.3: appended to the key before hashing. */
#define WEBSOCKET_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC11B85"

typedef struct
{
  int          fd;
  guint        index;        /* in open_conns, when upgraded */
  gboolean     upgraded;
  gboolean     dead;
  gboolean     writable_wanted;
  GByteArray  *in;
  GByteArray  *out;
} Conn;

static int epoll_fd = -1;
static GPtrArray *open_conns;  /* upgraded connections, the broadcast's audience */
static GPtrArray *dead_conns;  /* closed at the end of the turn, never mid-broadcast */
static gint64 counter_value;
/* Broadcasts wait for the end of the epoll turn: one users count and one state per turn,
 * however many joins or actions it handled — the cheapest correct server, our floor. */
static gboolean users_dirty;
static gboolean state_dirty;

static void
watch (Conn    *conn,
       int      op,
       guint32  events)
{
  struct epoll_event event = { .events = events, .data.ptr = conn };

  epoll_ctl (epoll_fd, op, conn->fd, &event);
}

static void
mark_dead (Conn *conn)
{
  if (conn->dead)
    return;
  conn->dead = TRUE;
  g_ptr_array_add (dead_conns, conn);
}

static void
conn_send (Conn       *conn,
           const void *data,
           gsize       len)
{
  gssize written = 0;

  if (conn->dead)
    return;
  if (conn->out->len == 0)
    {
      written = send (conn->fd, data, len, MSG_NOSIGNAL);
      if (written < 0)
        {
          if (errno != EAGAIN)
            {
              mark_dead (conn);
              return;
            }
          written = 0;
        }
    }
  if ((gsize) written == len)
    return;
  /* Unbounded on purpose: the benchmark's clients always read. */
  g_byte_array_append (conn->out, (const guint8 *) data + written, len - written);
  if (!conn->writable_wanted)
    {
      conn->writable_wanted = TRUE;
      watch (conn, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
    }
}

static void
conn_flush (Conn *conn)
{
  gssize written;

  if (conn->out->len == 0)
    return;
  written = send (conn->fd, conn->out->data, conn->out->len, MSG_NOSIGNAL);
  if (written < 0)
    {
      if (errno != EAGAIN)
        mark_dead (conn);
      return;
    }
  g_byte_array_remove_range (conn->out, 0, written);
  if (conn->out->len == 0)
    {
      conn->writable_wanted = FALSE;
      watch (conn, EPOLL_CTL_MOD, EPOLLIN);
    }
}

/* A server frame, unmasked; our messages are short. */
static gsize
encode_frame (guint8     *out,
              guint8      opcode,
              const char *payload,
              gsize       len)
{
  g_assert (len <= 125);
  out[0] = 0x80 | opcode;
  out[1] = (guint8) len;
  memcpy (out + 2, payload, len);
  return 2 + len;
}

static void
broadcast (const char *text)
{
  guint8 frame[2 + 125];
  gsize len = encode_frame (frame, 0x1, text, strlen (text));

  for (guint i = 0; i < open_conns->len; i++)
    conn_send (g_ptr_array_index (open_conns, i), frame, len);
}

static void
broadcast_users (void)
{
  char text[64];

  g_snprintf (text, sizeof text, "{\"type\":\"users\",\"count\":%u}", open_conns->len);
  broadcast (text);
}

static void
send_state (Conn *conn)
{
  char text[64];
  guint8 frame[2 + 125];

  g_snprintf (text, sizeof text, "{\"type\":\"state\",\"value\":%" G_GINT64_FORMAT "}",
              counter_value);
  conn_send (conn, frame, encode_frame (frame, 0x1, text, strlen (text)));
}

static void
broadcast_state (void)
{
  char text[64];

  g_snprintf (text, sizeof text, "{\"type\":\"state\",\"value\":%" G_GINT64_FORMAT "}",
              counter_value);
  broadcast (text);
}

static void
conn_free (Conn *conn)
{
  close (conn->fd);
  g_byte_array_unref (conn->in);
  g_byte_array_unref (conn->out);
  g_free (conn);
}

/* Closes the turn's dead connections; the users count goes out once per turn. */
static void
reap_dead (void)
{
  gboolean users_changed = FALSE;

  for (guint i = 0; i < dead_conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (dead_conns, i);

      if (conn->upgraded)
        {
          Conn *last = g_ptr_array_index (open_conns, open_conns->len - 1);

          last->index = conn->index;
          g_ptr_array_index (open_conns, conn->index) = last;
          g_ptr_array_set_size (open_conns, open_conns->len - 1);
          users_changed = TRUE;
        }
      conn_free (conn);
    }
  g_ptr_array_set_size (dead_conns, 0);
  if (users_changed)
    users_dirty = TRUE;
}

static char *
find_header (const char *request,
             const char *name)
{
  const char *line = strstr (request, "\r\n");
  gsize name_len = strlen (name);

  while (line != NULL && line[2] != '\r')
    {
      const char *start = line + 2;
      const char *end = strstr (start, "\r\n");

      if (end == NULL)
        break;
      if (g_ascii_strncasecmp (start, name, name_len) == 0 && start[name_len] == ':')
        {
          const char *value = start + name_len + 1;

          while (*value == ' ' || *value == '\t')
            value++;
          return g_strndup (value, end - value);
        }
      line = end;
    }
  return NULL;
}

static char *
accept_value (const char *key)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof digest;

  g_checksum_update (sha1, (const guchar *) key, -1);
  g_checksum_update (sha1, (const guchar *) WEBSOCKET_GUID, -1);
  g_checksum_get_digest (sha1, digest, &digest_len);
  return g_base64_encode (digest, digest_len);
}

static void
handle_request (Conn *conn)
{
  guint8 *end = memmem (conn->in->data, conn->in->len, "\r\n\r\n", 4);
  g_autofree char *request = NULL;
  g_autofree char *key = NULL;
  g_autofree char *accept = NULL;
  g_autofree char *response = NULL;
  gsize used;

  if (end == NULL)
    {
      if (conn->in->len > MAX_MESSAGE)
        mark_dead (conn);
      return;
    }
  used = end + 4 - conn->in->data;
  request = g_strndup ((char *) conn->in->data, used);
  key = find_header (request, "Sec-WebSocket-Key");
  if (key == NULL || strncmp (request, "GET ", 4) != 0)
    {
      static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";

      conn_send (conn, bad, sizeof bad - 1);
      mark_dead (conn);
      return;
    }
  accept = accept_value (key);
  response = g_strdup_printf ("HTTP/1.1 101 Switching Protocols\r\n"
                              "Upgrade: websocket\r\n"
                              "Connection: Upgrade\r\n"
                              "Sec-WebSocket-Accept: %s\r\n"
                              "\r\n",
                              accept);
  conn_send (conn, response, strlen (response));
  g_byte_array_remove_range (conn->in, 0, used);
  conn->upgraded = TRUE;
  conn->index = open_conns->len;
  g_ptr_array_add (open_conns, conn);
  users_dirty = TRUE;
  send_state (conn);
}

static void
handle_frames (Conn *conn)
{
  gsize pos = 0;

  while (!conn->dead)
    {
      guint8 *p = conn->in->data + pos;
      gsize left = conn->in->len - pos;
      guint64 len;
      gsize header = 6;
      guint8 *key;
      guint8 opcode;

      if (left < 2)
        break;
      if (!(p[1] & 0x80))
        {
          /* RFC 6455 section 5.1: a server must close on an unmasked client frame. */
          mark_dead (conn);
          break;
        }
      len = p[1] & 0x7f;
      if (len == 126)
        header += 2;
      else if (len == 127)
        header += 8;
      if (left < header)
        break;
      if (len == 126)
        len = (guint64) p[2] << 8 | p[3];
      else if (len == 127)
        {
          mark_dead (conn);
          break;
        }
      if (len > MAX_MESSAGE)
        {
          mark_dead (conn);
          break;
        }
      if (left < header + len)
        break;
      key = p + header - 4;
      for (guint64 i = 0; i < len; i++)
        p[header + i] ^= key[i % 4];
      opcode = p[0] & 0x0f;
      if (opcode == 0x1)
        {
          if (memmem (p + header, len, "\"plus\"", 6) != NULL)
            {
              counter_value++;
              state_dirty = TRUE;
            }
          else if (memmem (p + header, len, "\"minus\"", 7) != NULL)
            {
              counter_value--;
              state_dirty = TRUE;
            }
        }
      else if (opcode == 0x8)
        {
          guint8 frame[2 + 125];

          conn_send (conn, frame, encode_frame (frame, 0x8, (char *) p + header, MIN (len, 125)));
          mark_dead (conn);
        }
      else if (opcode == 0x9)
        {
          guint8 frame[2 + 125];

          conn_send (conn, frame, encode_frame (frame, 0xA, (char *) p + header, MIN (len, 125)));
        }
      pos += header + len;
    }
  g_byte_array_remove_range (conn->in, 0, MIN (pos, conn->in->len));
}

static void
conn_readable (Conn   *conn,
               guint8 *buffer)
{
  gssize n = recv (conn->fd, buffer, READ_SIZE, 0);

  if (n == 0 || (n < 0 && errno != EAGAIN))
    {
      mark_dead (conn);
      return;
    }
  if (n < 0)
    return;
  g_byte_array_append (conn->in, buffer, n);
  if (!conn->upgraded)
    handle_request (conn);
  if (conn->upgraded)
    handle_frames (conn);
}

static int
open_listener (guint16 port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
  socklen_t len = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &address, sizeof address) < 0 ||
      listen (fd, LISTEN_BACKLOG) < 0)
    {
      g_printerr ("lab-bare-server: port %u: %s\n", port, g_strerror (errno));
      exit (1);
    }
  getsockname (fd, (struct sockaddr *) &address, &len);
  g_print ("lab-bare-server: Listening on ws://127.0.0.1:%u/\n", ntohs (address.sin_port));
  return fd;
}

static void
raise_file_limit (void)
{
  struct rlimit limit;

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
  struct epoll_event events[MAX_EVENTS];
  struct epoll_event listen_event = { .events = EPOLLIN, .data.ptr = NULL };
  guint8 *buffer = g_malloc (READ_SIZE);
  int listen_fd;

  if (argc != 2)
    {
      g_printerr ("usage: lab-bare-server PORT\n");
      return 2;
    }
  raise_file_limit ();
  setvbuf (stdout, NULL, _IOLBF, 0);
  open_conns = g_ptr_array_new ();
  dead_conns = g_ptr_array_new ();
  epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  listen_fd = open_listener (atoi (argv[1]));
  epoll_ctl (epoll_fd, EPOLL_CTL_ADD, listen_fd, &listen_event);

  /* Runs until killed: the benchmark ends it with SIGTERM. */
  while (TRUE)
    {
      int n = epoll_wait (epoll_fd, events, MAX_EVENTS, -1);

      for (int i = 0; i < n; i++)
        {
          Conn *conn = events[i].data.ptr;

          if (conn == NULL)
            {
              int fd;

              while ((fd = accept4 (listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
                {
                  int one = 1;

                  conn = g_new0 (Conn, 1);
                  conn->fd = fd;
                  conn->in = g_byte_array_new ();
                  conn->out = g_byte_array_new ();
                  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                  watch (conn, EPOLL_CTL_ADD, EPOLLIN);
                }
              continue;
            }
          if (conn->dead)
            continue;
          if (events[i].events & EPOLLOUT)
            conn_flush (conn);
          if (!conn->dead && (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
            conn_readable (conn, buffer);
        }
      reap_dead ();
      if (users_dirty)
        broadcast_users ();
      if (state_dirty)
        broadcast_state ();
      users_dirty = state_dirty = FALSE;
      /* A broadcast may have found a peer gone. */
      reap_dead ();
    }
  return 0;
}
