/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "lab-test-utils.h"

/* `websocket-lab --headless --trace` with Debian's python3-websockets running
 * the tutorial's hello client: the handshake header by header with a checked
 * derivation, and the frames both ways, as a class sees them in a terminal. */

static void
test_python_hello_session (void)
{
  g_autofree char *script = lab_test_interop_script ("hello_client.py");
  g_autofree char *url = NULL;
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(LabTestProcess) client = NULL;
  guint port;

  if (!lab_test_require_python_websockets ())
    return;

  server = lab_test_headless_start (&port, "--trace", "--ping-interval", "1", NULL);
  url = g_strdup_printf ("ws://127.0.0.1:%u/hello", port);

  {
    const char *argv[] = { lab_test_python (), script, url, NULL };

    client = lab_test_process_spawn (argv, "Ada\n");
  }
  g_assert_cmpint (lab_test_process_wait_exit (client), ==, 0);

  /* The opening handshake as the client sent it, and the server's answer */
  lab_test_process_wait_line (server, "#1 → GET /hello HTTP/1.1");
  lab_test_process_wait_line (server, "#1 →   Sec-WebSocket-Key: ");
  lab_test_process_wait_line (server, "#1 →   User-Agent: Python/");
  lab_test_process_wait_line (server, "#1 ← HTTP/1.1 101 Switching Protocols");
  lab_test_process_wait_line (server, "#1 ←   Sec-WebSocket-Accept: ");
  /* The derivation, step by step, checked */
  lab_test_process_wait_line (server, "#1 accept key + GUID: ");
  lab_test_process_wait_line (server, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  lab_test_process_wait_line (server, "#1 accept SHA-1: ");
  lab_test_process_wait_line (server, "#1 accept ✓ Sec-WebSocket-Accept ");
  g_assert_false (lab_test_process_has_line (server, "✗"));

  /* The frames both ways: the client's masked, the server's not */
  lab_test_process_wait_line (server, "#1 client→server FIN=1 opcode=1 (text) MASK=1 key=");
  lab_test_process_wait_line (server, "length=3 (7-bit) “Ada”");
  lab_test_process_wait_line (server,
                              "#1 server→client FIN=1 opcode=1 (text) MASK=0 length=10 (7-bit) “Hello Ada!”");
  lab_test_process_wait_line (server, "#1 server→client FIN=1 opcode=8 (close) MASK=0 length=2 (7-bit) code=1000");
  lab_test_process_wait_line (server, "#1 client→server FIN=1 opcode=8 (close) MASK=1");
  /* And the event log's own lines among them */
  lab_test_process_wait_line (server, "#1 left /hello (close code 1000");

  lab_test_headless_stop (server);
}

/* The server's keepalive shows: its pings, and the answers of a libsoup client. */
static void
test_pings_show (void)
{
  g_autoptr(LabTestProcess) server = NULL;
  g_autoptr(SoupWebsocketConnection) client = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  server = lab_test_headless_start (&port, "--trace", "--ping-interval", "1", NULL);
  url = g_strdup_printf ("ws://127.0.0.1:%u/counter", port);
  client = lab_test_connect (url, &error);
  g_assert_no_error (error);

  lab_test_process_wait_line (server, "#1 server→client FIN=1 opcode=9 (ping) MASK=0");
  lab_test_process_wait_line (server, "“lab-ping 1”");
  lab_test_process_wait_line (server, "#1 client→server FIN=1 opcode=10 (pong) MASK=1");

  lab_test_close_and_wait (client);
  lab_test_headless_stop (server);
}

static void
test_bad_ping_interval (void)
{
  const char *argv[] = {
    lab_test_websocket_lab (), "--headless", "--port", "0", "--ping-interval", "5000", NULL
  };
  g_autoptr(LabTestProcess) server = lab_test_process_spawn (argv, NULL);

  g_assert_cmpint (lab_test_process_wait_exit (server), ==, 2);
  g_assert_true (lab_test_process_has_line (server, "The ping interval must be between 0 and 3600"));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/trace/python-hello-session", test_python_hello_session);
  g_test_add_func ("/trace/pings-show", test_pings_show);
  g_test_add_func ("/trace/bad-ping-interval", test_bad_ping_interval);

  return g_test_run ();
}
