/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <gio/gio.h>

/* What a long-running server keeps per connection: starts `websocket-lab
 * --headless` on a free loopback port, opens and closes connections one after
 * another as clients joining and leaving would, and prints the server's
 * resident memory before and after, per connection. Run by hand on an
 * optimised build, not by `meson test`:
 *
 *   meson setup _build-release --buildtype=release -Dtests=true
 *   meson compile -C _build-release
 *   _build-release/tests/bench/lab-bench-cycles --cycles 30000
 *
 * --server may be given several times (another build of websocket-lab, say):
 * each gets the same cycles, one after the other, so the lines compare. */

/* The event log's capacity is reached after this many joins and leaves: RSS
 * grows until then by design, so the per-connection figure starts after it. */
#define WARM_UP_CYCLES 1000
/* The server has answered the last close well before this. */
#define SETTLE_MS 500
/* No step of one cycle takes this long on loopback; more is a hang. */
#define IO_TIMEOUT_S 10

typedef enum
{
  KIND_WEBSOCKET,  /* WebSocket, closed with a closing handshake */
  KIND_RESET,      /* WebSocket, dropped with a TCP reset */
  KIND_PAGE,       /* the counter page over plain HTTP */
} Kind;

static const char * const kind_names[] = {
  [KIND_WEBSOCKET] = "ws",
  [KIND_RESET] = "reset",
  [KIND_PAGE] = "http",
};

static gsize
rss_bytes (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/statm", pid);
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents (path, &statm, NULL, NULL))
    g_error ("Cannot read %s", path);

  fields = g_strsplit (statm, " ", -1);
  return g_ascii_strtoull (fields[1], NULL, 10) * sysconf (_SC_PAGESIZE);
}

static guint
pick_free_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  if (!(socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_TCP, &error)) ||
      !g_socket_bind (socket, any_port, TRUE, &error) ||
      !(bound = g_socket_get_local_address (socket, &error)))
    g_error ("Cannot find a free port: %s", error->message);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static GSocket *
connect_to (guint     port,
            GError  **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocket) socket = NULL;

  if (!(socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_TCP, error)))
    return NULL;

  g_socket_set_timeout (socket, IO_TIMEOUT_S);
  if (!g_socket_connect (socket, address, NULL, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static void
send_all (GSocket    *socket,
          const void *data,
          gsize       length)
{
  g_autoptr(GError) error = NULL;
  gsize done = 0;

  while (done < length)
    {
      gssize n = g_socket_send (socket, (const char *) data + done, length - done, NULL, &error);

      if (n < 0)
        g_error ("Cannot send: %s", error->message);
      done += n;
    }
}

/* Reads until @text has come (or, with @text NULL, until the end of the stream). */
static void
receive_until (GSocket    *socket,
               const char *text)
{
  g_autoptr(GString) received = g_string_new (NULL);

  while (text == NULL || strstr (received->str, text) == NULL)
    {
      g_autoptr(GError) error = NULL;
      char buffer[4096];
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);

      if (n == 0 && text == NULL)
        return;
      if (n <= 0)
        g_error ("Connection ended before %s: %s", text ? text : "its end",
                 error ? error->message : "end of stream");
      g_string_append_len (received, buffer, n);
    }
}

static void
upgrade (GSocket *socket,
         guint    port)
{
  g_autofree char *request = g_strdup_printf ("GET / HTTP/1.1\r\n"
                                              "Host: 127.0.0.1:%u\r\n"
                                              "Upgrade: websocket\r\n"
                                              "Connection: Upgrade\r\n"
                                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                              "Sec-WebSocket-Version: 13\r\n"
                                              "\r\n", port);

  send_all (socket, request, strlen (request));
  /* The users count follows the 101 at once: the server has taken the connection over. */
  receive_until (socket, "\"users\"");
}

static void
run_cycle (Kind  kind,
           guint port)
{
  /* A close frame with code 1000, masked as a client's must be (mask 0). */
  static const guint8 close_frame[] = { 0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8 };
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  if (!(socket = connect_to (port, &error)))
    g_error ("Cannot connect: %s", error->message);

  switch (kind)
    {
    case KIND_WEBSOCKET:
      upgrade (socket, port);
      send_all (socket, close_frame, sizeof close_frame);
      /* The server answers the close and ends the connection. */
      receive_until (socket, NULL);
      break;

    case KIND_RESET:
      {
        struct linger reset = { .l_onoff = 1, .l_linger = 0 };

        upgrade (socket, port);
        setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      }
      break;

    case KIND_PAGE:
      {
        g_autofree char *request = g_strdup_printf ("GET / HTTP/1.1\r\n"
                                                    "Host: 127.0.0.1:%u\r\n"
                                                    "Connection: close\r\n"
                                                    "\r\n", port);

        send_all (socket, request, strlen (request));
        receive_until (socket, NULL);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  g_socket_close (socket, NULL);
}

static GSubprocess *
spawn_server (const char *server,
              guint       port)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + IO_TIMEOUT_S * G_USEC_PER_SEC;

  /* One line per join and leave: nobody reads them here. */
  subprocess = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                 server, "--headless", "--port", port_text, NULL);
  if (subprocess == NULL)
    g_error ("Cannot start %s: %s", server, error->message);

  for (;;)
    {
      g_autoptr(GSocket) probe = connect_to (port, NULL);

      if (probe != NULL)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s did not listen on port %u", server, port);
      g_usleep (10 * 1000);
    }

  return g_steal_pointer (&subprocess);
}

static void
bench (const char *server,
       Kind        kind,
       guint       cycles)
{
  guint port = pick_free_port ();
  g_autoptr(GSubprocess) subprocess = spawn_server (server, port);
  GPid pid = g_ascii_strtoll (g_subprocess_get_identifier (subprocess), NULL, 10);
  guint warm_up = MIN (WARM_UP_CYCLES, cycles / 2);
  gsize start, warm = 0, end;
  gint64 started;
  double seconds;

  g_usleep (SETTLE_MS * 1000);
  start = rss_bytes (pid);
  started = g_get_monotonic_time ();

  for (guint i = 0; i < cycles; i++)
    {
      run_cycle (kind, port);

      if (i + 1 == warm_up)
        {
          g_usleep (SETTLE_MS * 1000);
          warm = rss_bytes (pid);
        }
    }

  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_usleep (SETTLE_MS * 1000);
  end = rss_bytes (pid);

  g_print ("%s: %u %s cycles in %.1f s: RSS %.2f MiB at start, %.2f MiB after %u, "
           "%.2f MiB after %u (%+.2f MiB since start); "
           "%.1f bytes per connection after the first %u\n",
           server, cycles, kind_names[kind], seconds,
           start / 1048576.0, warm / 1048576.0, warm_up, end / 1048576.0, cycles,
           ((double) end - start) / 1048576.0,
           ((double) end - warm) / (cycles - warm_up), warm_up);

  g_subprocess_send_signal (subprocess, SIGTERM);
  g_subprocess_wait (subprocess, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) servers = NULL;
  g_autofree char *kind_name = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int cycles = 30000;
  Kind kind = KIND_WEBSOCKET;
  const GOptionEntry entries[] = {
    { "cycles", 'n', 0, G_OPTION_ARG_INT, &cycles, "Connections to open and close (30000)", "N" },
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_name, "ws (default), reset or http", "KIND" },
    { "server", 's', 0, G_OPTION_ARG_FILENAME_ARRAY, &servers,
      "A websocket-lab to measure (this build's by default); may be repeated", "PATH" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "Resident memory of websocket-lab --headless per connection");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (kind_name != NULL)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (kind_names); i++)
        if (g_str_equal (kind_name, kind_names[i]))
          break;

      if (i == G_N_ELEMENTS (kind_names))
        {
          g_printerr ("Unknown kind %s: ws, reset or http\n", kind_name);
          return 2;
        }
      kind = i;
    }

  if (cycles < 2)
    {
      g_printerr ("--cycles must be at least 2\n");
      return 2;
    }

  if (servers == NULL)
    {
      servers = g_new0 (char *, 2);
      servers[0] = g_strdup (LAB_BENCH_WEBSOCKET_LAB);
    }

  for (guint i = 0; servers[i] != NULL; i++)
    bench (servers[i], kind, cycles);

  return 0;
}
