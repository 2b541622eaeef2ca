/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-handshake.h"
#include "lab-test-utils.h"

/* The derivation of Sec-WebSocket-Accept, step by step, on RFC 6455's sample. */

static void
test_rfc_sample (void)
{
  g_autofree char *concatenated = NULL;
  g_autofree char *sha1_hex = NULL;
  g_autofree char *accept = NULL;

  accept = lab_handshake_derive_accept ("dGhlIHNhbXBsZSBub25jZQ==", &concatenated, &sha1_hex);
  g_assert_cmpstr (accept, ==, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  g_assert_cmpstr (concatenated, ==,
                   "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  /* RFC 6455 section 1.3 gives the SHA-1 bytes: 0xb3 0x7a 0x4f 0x2c … */
  g_assert_cmpstr (sha1_hex, ==, "b37a4f2cc0624f1690f64606cf385945b2bec4ea");
}

static LabHandshake *
make_handshake (const char *accept)
{
  g_autoptr(SoupMessageHeaders) request = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(SoupMessageHeaders) response = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

  soup_message_headers_append (request, "Host", "127.0.0.1:6789");
  soup_message_headers_append (request, "Upgrade", "websocket");
  soup_message_headers_append (request, "Connection", "Upgrade");
  soup_message_headers_append (request, "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  soup_message_headers_append (request, "Sec-WebSocket-Version", "13");
  soup_message_headers_append (response, "Upgrade", "websocket");
  soup_message_headers_append (response, "Connection", "Upgrade");
  soup_message_headers_append (response, "Sec-WebSocket-Accept", accept);

  return lab_handshake_new ("GET /chat HTTP/1.1", request,
                            "HTTP/1.1 101 Switching Protocols", response);
}

static void
test_headers_in_order (void)
{
  g_autoptr(LabHandshake) handshake = make_handshake ("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  g_autofree char *request = lab_handshake_format_request (handshake);
  g_auto(GStrv) steps = lab_handshake_describe_derivation (handshake);
  const char *name;
  const char *value;

  g_assert_cmpuint (lab_handshake_get_n_request_headers (handshake), ==, 5);
  lab_handshake_get_request_header (handshake, 3, &name, &value);
  g_assert_cmpstr (name, ==, "Sec-WebSocket-Key");
  g_assert_cmpstr (value, ==, "dGhlIHNhbXBsZSBub25jZQ==");
  g_assert_cmpuint (lab_handshake_get_n_response_headers (handshake), ==, 3);
  lab_handshake_get_response_header (handshake, 0, &name, &value);
  g_assert_cmpstr (name, ==, "Upgrade");

  g_assert_cmpstr (request, ==,
                   "GET /chat HTTP/1.1\n"
                   "Host: 127.0.0.1:6789\n"
                   "Upgrade: websocket\n"
                   "Connection: Upgrade\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n"
                   "Sec-WebSocket-Version: 13\n");

  g_assert_true (lab_handshake_checks_out (handshake));
  g_assert_cmpuint (g_strv_length (steps), ==, 5);
  g_assert_true (g_str_has_prefix (steps[4], "✓"));
}

static void
test_wrong_accept (void)
{
  g_autoptr(LabHandshake) handshake = make_handshake ("AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  g_auto(GStrv) steps = lab_handshake_describe_derivation (handshake);

  g_assert_false (lab_handshake_checks_out (handshake));
  g_assert_cmpstr (lab_handshake_get_accept_expected (handshake), ==,
                   "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  g_assert_true (g_str_has_prefix (steps[4], "✗"));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/handshake/rfc-sample", test_rfc_sample);
  g_test_add_func ("/handshake/headers-in-order", test_headers_in_order);
  g_test_add_func ("/handshake/wrong-accept", test_wrong_accept);

  return g_test_run ();
}
