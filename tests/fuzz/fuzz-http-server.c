/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-fuzz.h"
#include "lab-server-private.h"

/* The server's real HTTP side on arbitrary bytes, with no socket: each input
 * is one connection's incoming bytes, handed to each kind of listener's
 * SoupServer on an in-memory stream as lab-server-listeners.c hands over an
 * accepted one. libsoup parses the request, the server routes it, checks the
 * upgrade and its Origin, serves a page or makes a peer, and the bytes after
 * the request reach that peer as WebSocket frames through the frame meter
 * and the counter protocol. When the input runs out the connection ends: it
 * must be gone, and so must its peer, within a few main-loop turns. */

/* However slow the machine: an input that keeps a connection this long hangs it. */
#define CONNECTION_END_SECONDS 5

GResource *lab_web_get_resource (void);

static LabServer *server;
static Listener listeners[3];

static void
stream_finalized_cb (gpointer  data,
                     GObject  *where_the_object_was)
{
  gboolean *alive = data;

  *alive = FALSE;
}

static void
connect_once (Listener      *listener,
              const uint8_t *data,
              size_t         size)
{
  g_autoptr(GInputStream) input = g_memory_input_stream_new_from_data (g_memdup2 (data, size),
                                                                       size, g_free);
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GIOStream) stream = g_simple_io_stream_new (input, output);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new_from_string ("127.0.0.1", 6789);
  g_autoptr(GSocketAddress) remote = g_inet_socket_address_new_from_string ("127.0.0.1", 40000);
  g_autoptr(GError) error = NULL;
  gboolean alive = TRUE;
  gint64 deadline = g_get_monotonic_time () + CONNECTION_END_SECONDS * G_USEC_PER_SEC;

  g_object_weak_ref (G_OBJECT (stream), stream_finalized_cb, &alive);
  g_assert_true (soup_server_accept_iostream (listener->soup, stream, local, remote, &error));
  g_assert_no_error (error);
  g_clear_object (&stream);

  while (alive && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (alive);
  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_peers (server)), ==, 0);
}

static void
init (void)
{
  lab_fuzz_init ();
  (void) lab_web_get_resource ();

  /* No keepalive timers: each connection ends with its input. */
  server = lab_server_new ();
  lab_server_set_ping_interval (server, 0);

  /* As listener_new() in lab-server-listeners.c makes them, minus the sockets. */
  for (guint i = 0; i < G_N_ELEMENTS (listeners); i++)
    {
      Listener *listener = &listeners[i];

      listener->server = server;
      listener->role = (LabListenerRole) i;
      listener->soup = soup_server_new ("server-header", "WebSocketLab/fuzz ", NULL);
      soup_server_add_handler (listener->soup, NULL, _lab_server_request_cb, listener, NULL);
      g_signal_connect (listener->soup, "request-read",
                        G_CALLBACK (_lab_server_request_read_cb), server);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  gint64 value;

  if (!initialized)
    {
      init ();
      initialized = TRUE;
    }

  g_assert_cmpint (LAB_LISTENER_MAIN, ==, 0);
  g_assert_cmpint (LAB_LISTENER_CLASSIC_HELLO, ==, G_N_ELEMENTS (listeners) - 1);

  for (guint i = 0; i < G_N_ELEMENTS (listeners); i++)
    connect_once (&listeners[i], data, size);

  value = lab_counter_get_value (lab_server_get_counter (server));
  g_assert_cmpint (value, >=, LAB_COUNTER_MIN);
  g_assert_cmpint (value, <=, LAB_COUNTER_MAX);

  return 0;
}
