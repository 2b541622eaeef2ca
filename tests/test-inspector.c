/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-peer-private.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* What the Inspector shows, checked against real connections: the handshakes
 * of a libsoup client and of a hand-written one. */

typedef LabTestServerFixture Fixture;

static LabPeer *
peer_at (LabServer *server,
         guint      position)
{
  g_autoptr(LabPeer) peer = g_list_model_get_item (lab_server_get_peers (server), position);

  /* The server's list keeps it alive. */
  return peer;
}

static void
test_real_handshakes_check_out (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) soup_client = lab_test_fixture_connect (fixture, "/counter");
  g_autoptr(GSocket) raw = NULL;
  LabHandshake *handshake;
  const char *name;

  handshake = lab_peer_get_handshake (peer_at (fixture->server, 0));
  g_assert_true (lab_handshake_checks_out (handshake));
  g_assert_cmpstr (lab_handshake_get_request_line (handshake), ==, "GET /counter HTTP/1.1");
  g_assert_cmpuint (lab_handshake_get_n_request_headers (handshake), >, 3);

  raw = lab_test_raw_connect (lab_server_get_bound_port (fixture->server), "/", 0);
  handshake = lab_peer_get_handshake (peer_at (fixture->server, 1));
  g_assert_true (lab_handshake_checks_out (handshake));
  g_assert_cmpstr (lab_handshake_get_key (handshake), ==, "dGhlIHNhbXBsZSBub25jZQ==");
  g_assert_cmpstr (lab_handshake_get_accept_sent (handshake), ==, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  /* In the order the hand-written client sent them. */
  g_assert_cmpuint (lab_handshake_get_n_request_headers (handshake), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      static const char * const sent[] = {
        "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"
      };

      lab_handshake_get_request_header (handshake, i, &name, NULL);
      g_assert_cmpstr (name, ==, sent[i]);
    }

  lab_test_close_and_wait (soup_client);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

#define ADD LAB_TEST_ADD_WITH_SERVER

  ADD ("/inspector/handshake/real-handshakes-check-out", test_real_handshakes_check_out);

#undef ADD

  return g_test_run ();
}
