/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "lab-backoff.h"
#include "lab-close-code.h"
#include "lab-url.h"
#include "lab-test-utils.h"

/* The client's pure functions: how long it waits before trying again, what
 * it says when a connection ends or never begins, and how it reads and
 * writes addresses. No sockets. */

/* Backoff */

static void
test_backoff (void)
{
  guint previous_longest = 0;

  /* About half a second first, ±20 %. */
  g_assert_cmpuint (lab_backoff_ms (0, 0.0), ==, 400);
  g_assert_cmpuint (lab_backoff_ms (0, 0.5), ==, 500);
  g_assert_cmpuint (lab_backoff_ms (0, 0.999999), <=, 600);
  g_assert_cmpuint (lab_backoff_ms (0, 0.999999), >=, 599);

  /* Doubling: even the luckiest draw waits longer than the unluckiest one before. */
  for (guint failures = 1; failures < 6; failures++)
    g_assert_cmpuint (lab_backoff_ms (failures, 0.0), >, lab_backoff_ms (failures - 1, 0.999999));

  /* Never more than 30 s, however long the server stays away. */
  for (guint failures = 0; failures < 100; failures++)
    {
      guint longest = lab_backoff_ms (failures, 0.999999);

      g_assert_cmpuint (longest, <=, 30000);
      g_assert_cmpuint (longest, >=, previous_longest);
      previous_longest = longest;
    }
  g_assert_cmpuint (lab_backoff_ms (G_MAXUINT, 0.0), >=, 24000);
  g_assert_cmpuint (lab_backoff_ms (G_MAXUINT, 1.0), ==, 30000);
}

/* Close codes */

/* Each code's label, and what the client says when a server closes with it. */
static void
test_close_code_describe_end (void)
{
  static const struct {
    gushort     code;
    const char *label;
    const char *end;
  } cases[] = {
    { 1000, "1000: normal closure", "The server closed the connection (1000: normal closure)" },
    { 1001, "1001: going away", "The server closed the connection (1001: going away)" },
    { 1008, "1008: policy violation", "The server closed the connection (1008: policy violation)" },
    { 1009, "1009: message too big", "The server closed the connection (1009: message too big)" },
    { 1012, "1012: service restart", "The server closed the connection (1012: service restart)" },
    { 1013, "1013: try again later", "The server closed the connection (1013: try again later)" },
    /* What libsoup reports when a server sent no code, or no close frame at all. */
    { 1005, "1005: no code given", "The server closed the connection" },
    { 1006, "1006: closed without a closing handshake", "The connection to the server was lost" },
    { 0, "0", "The connection to the server was lost" },
    /* An application's own code has no common meaning: the number alone. */
    { 4000, "4000", "The server closed the connection (4000)" },
  };
  g_autoptr(GError) bad_data = g_error_new_literal (SOUP_WEBSOCKET_ERROR,
                                                    SOUP_WEBSOCKET_CLOSE_BAD_DATA, "invalid UTF-8");
  g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "broken pipe");
  g_autofree char *client_closed = lab_close_code_describe_end (1007, bad_data);
  g_autofree char *lost = lab_close_code_describe_end (1006, io);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *label = lab_close_code_dup_label (cases[i].code);
      g_autofree char *end = lab_close_code_describe_end (cases[i].code, NULL);

      g_assert_cmpstr (label, ==, cases[i].label);
      g_assert_cmpstr (end, ==, cases[i].end);
    }

  g_assert_null (lab_close_code_get_meaning (4000));
  g_assert_cmpstr (lab_close_code_get_meaning (1001), ==, "going away");

  /* The client closed it because of what came: it says so, not "the server closed". */
  g_assert_cmpstr (client_closed, ==, "The server sent something this client cannot accept, "
                                      "so the client closed the connection (1007: invalid data)");
  g_assert_cmpstr (lost, ==, "The connection to the server was lost");
}

static void
test_close_code_describe_connect_error (void)
{
  static const struct {
    GQuark      (*domain) (void);
    int           code;
    guint         status;
    gboolean      plain;
    const char   *expected;
  } cases[] = {
    { soup_websocket_error_quark, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET, 404, TRUE,
      "Not a WebSocket server (HTTP 404)" },
    { soup_websocket_error_quark, SOUP_WEBSOCKET_ERROR_BAD_HANDSHAKE, 101, TRUE,
      "The server answered with a WebSocket handshake that is not valid" },
    { g_io_error_quark, G_IO_ERROR_CONNECTION_REFUSED, 0, TRUE,
      "Connection refused: is the server running?" },
    { g_io_error_quark, G_IO_ERROR_TIMED_OUT, 0, TRUE, "The server did not answer in time" },
    { g_resolver_error_quark, G_RESOLVER_ERROR_NOT_FOUND, 0, TRUE,
      "Unknown host “example.invalid”: check the address" },
    { g_io_error_quark, G_IO_ERROR_NETWORK_UNREACHABLE, 0, TRUE,
      "The server cannot be reached: check the address and the network" },
    { g_tls_error_quark, G_TLS_ERROR_NOT_TLS, 0, FALSE,
      "The server does not use TLS: try ws:// instead of wss://" },
    { g_tls_error_quark, G_TLS_ERROR_HANDSHAKE, 0, FALSE,
      "The secure connection failed: what GLib said" },
    { soup_session_error_quark, SOUP_SESSION_ERROR_PARSING, 0, TRUE,
      "The server’s answer is not HTTP: is this the right port?" },
    /* A TLS server hung up on a plain request: the hint depends on the scheme. */
    { g_io_error_quark, G_IO_ERROR_CONNECTION_CLOSED, 0, TRUE,
      "The server closed the connection before answering: if it uses TLS, try wss://" },
    { g_io_error_quark, G_IO_ERROR_CONNECTION_CLOSED, 0, FALSE,
      "The server closed the connection before answering" },
    { g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, 0, TRUE,
      "Could not connect: what GLib said" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain (), cases[i].code,
                                                     "what GLib said");
      g_autofree char *text = lab_close_code_describe_connect_error (error, cases[i].status,
                                                                     "example.invalid",
                                                                     cases[i].plain);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

/* URLs */

static void
test_url_parse (void)
{
  static const char * const good[] = {
    "ws://127.0.0.1:6789/", "wss://localhost:6789/", "http://example.org/", "https://[::1]:8443/x",
    "WS://127.0.0.1/",
  };
  static const char * const bad[] = { "", "hello", "ws://", "ftp://127.0.0.1/", " ws://a/" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GUri) uri = lab_url_parse_websocket (good[i], &error);

      g_test_message ("url: “%s”", good[i]);
      g_assert_no_error (error);
      g_assert_nonnull (uri);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GUri) uri = lab_url_parse_websocket (bad[i], &error);

      g_test_message ("url: “%s”", bad[i]);
      g_assert_null (uri);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GUri) uri = lab_url_parse_websocket ("ftp://127.0.0.1/", &error);

    /* It says what an address looks like. */
    g_assert_cmpstr (error->message, ==,
                     "“ftp://127.0.0.1/” is not a WebSocket address: "
                     "it should look like ws://127.0.0.1:6789/");
  }
}

static void
test_url_build (void)
{
  g_autofree char *v4 = lab_url_build ("ws", "127.0.0.1", 6789, "/");
  g_autofree char *v6 = lab_url_build ("wss", "::1", 6789, "/time");
  g_autofree char *name = lab_url_build ("https", "localhost", 8443, "/time.html");
  g_autofree char *time_url = lab_url_with_path ("wss://[::1]:6789/?x=1", "/time");
  g_autofree char *no_port = lab_url_with_path ("ws://example.org/", "/time");
  g_autofree char *not_url = lab_url_with_path ("hello", "/time");

  g_assert_cmpstr (v4, ==, "ws://127.0.0.1:6789/");
  g_assert_cmpstr (v6, ==, "wss://[::1]:6789/time");
  g_assert_cmpstr (name, ==, "https://localhost:8443/time.html");
  g_assert_cmpstr (time_url, ==, "wss://[::1]:6789/time");
  g_assert_cmpstr (no_port, ==, "ws://example.org/time");
  g_assert_null (not_url);
}

static void
assert_host_port (const char *url,
                  const char *expected,
                  gboolean    secure)
{
  g_autoptr(GUri) uri = lab_url_parse_websocket (url, NULL);
  g_autofree char *host_port = lab_url_dup_host_port (uri);

  g_assert_cmpstr (host_port, ==, expected);
  g_assert_true (lab_url_is_secure (uri) == secure);
}

static void
test_url_host_port (void)
{
  g_autofree char *v6 = lab_url_format_host_port ("fe80::1", 6789);
  g_autofree char *name = lab_url_format_host_port ("localhost", 6789);

  assert_host_port ("wss://127.0.0.1:6789/", "127.0.0.1:6789", TRUE);
  assert_host_port ("ws://[::1]:6789/", "[::1]:6789", FALSE);
  /* The scheme's own port when the address names none. */
  assert_host_port ("wss://example.org/", "example.org:443", TRUE);
  assert_host_port ("ws://example.org/", "example.org:80", FALSE);
  assert_host_port ("https://example.org/", "example.org:443", TRUE);

  g_assert_cmpstr (v6, ==, "[fe80::1]:6789");
  g_assert_cmpstr (name, ==, "localhost:6789");
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/client-unit/backoff", test_backoff);
  g_test_add_func ("/client-unit/close-code/describe-end", test_close_code_describe_end);
  g_test_add_func ("/client-unit/close-code/describe-connect-error",
                   test_close_code_describe_connect_error);
  g_test_add_func ("/client-unit/url/parse", test_url_parse);
  g_test_add_func ("/client-unit/url/build", test_url_build);
  g_test_add_func ("/client-unit/url/host-port", test_url_host_port);

  return g_test_run ();
}
