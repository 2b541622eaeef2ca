/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-client-private.h"
#include "lab-handshake.h"
#include "lab-test-client-utils.h"
#include "lab-test-utils.h"
#include "lab-tls.h"

/* Waits, fakes and teardown shared by the tests of LabClient. */

typedef struct
{
  LabClient      *client;
  LabClientState  state;
  gint64          value;
  guint           users;
} ClientExpect;

static gboolean
client_in_state (gpointer data)
{
  ClientExpect *expect = data;

  return lab_client_get_state (expect->client) == expect->state;
}

static gboolean
client_shows_value (gpointer data)
{
  ClientExpect *expect = data;

  return lab_client_get_state (expect->client) == LAB_CLIENT_STATE_CONNECTED &&
         lab_client_get_has_value (expect->client) &&
         lab_client_get_value (expect->client) == expect->value;
}

static gboolean
client_shows_users (gpointer data)
{
  ClientExpect *expect = data;

  return lab_client_get_state (expect->client) == LAB_CLIENT_STATE_CONNECTED &&
         lab_client_get_users (expect->client) == expect->users;
}

void
lab_test_wait_client_state (LabClient      *client,
                            LabClientState  state)
{
  ClientExpect expect = { .client = client, .state = state };

  g_assert_true (lab_test_wait_until (client_in_state, &expect, LAB_TEST_TIMEOUT_MS));
}

/* Connected, showing @value the server sent. */
void
lab_test_wait_client_value (LabClient *client,
                            gint64     value)
{
  ClientExpect expect = { .client = client, .value = value };

  if (!lab_test_wait_until (client_shows_value, &expect, LAB_TEST_TIMEOUT_MS))
    g_error ("LabClient shows %s value %" G_GINT64_FORMAT " (state %d), not %" G_GINT64_FORMAT,
             lab_client_get_has_value (client) ? "the" : "no", lab_client_get_value (client),
             lab_client_get_state (client), value);
}

void
lab_test_wait_client_users (LabClient *client,
                            guint      users)
{
  ClientExpect expect = { .client = client, .users = users };

  if (!lab_test_wait_until (client_shows_users, &expect, LAB_TEST_TIMEOUT_MS))
    g_error ("LabClient shows %u users (state %d), not %u",
             lab_client_get_users (client), lab_client_get_state (client), users);
}

typedef struct
{
  LabServer *server;
  guint      n_peers;
} PeersExpect;

static gboolean
server_has_peers (gpointer data)
{
  PeersExpect *expect = data;

  return g_list_model_get_n_items (lab_server_get_peers (expect->server)) == expect->n_peers;
}

/* The server sees clients join, and leave once they closed cleanly. */
void
lab_test_wait_peers (LabServer *server,
                     guint      n_peers)
{
  PeersExpect expect = { server, n_peers };

  g_assert_true (lab_test_wait_until (server_has_peers, &expect, LAB_TEST_TIMEOUT_MS));
}

static void
finalized_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  guint *alive = data;

  (*alive)--;
}

static gboolean
none_alive (gpointer data)
{
  return *(guint *) data == 0;
}

/**
 * lab_test_wait_finalized:
 * @objects: (transfer full): objects others may still hold
 *
 * Lets go of @objects and waits until every one is finalized.
 */
void
lab_test_wait_finalized (GPtrArray *objects)
{
  guint alive = objects->len;

  for (guint i = 0; i < objects->len; i++)
    g_object_weak_ref (g_ptr_array_index (objects, i), finalized_cb, &alive);

  g_ptr_array_unref (objects);
  g_assert_true (lab_test_wait_until (none_alive, &alive, LAB_TEST_TIMEOUT_MS));
}

static gboolean
client_has_value (gpointer data)
{
  return lab_client_get_has_value (data);
}

LabClient *
lab_test_client_new_connected (LabServer *server,
                               gboolean   with_time)
{
  g_autofree char *counter_url = lab_test_url (server, "/");
  g_autofree char *time_url = with_time ? lab_test_url (server, "/time") : NULL;
  LabClient *client = lab_client_new (counter_url, time_url);

  lab_client_connect (client);
  lab_test_wait_client_state (client, LAB_CLIENT_STATE_CONNECTED);
  g_assert_true (lab_test_wait_until (client_has_value, client, LAB_TEST_TIMEOUT_MS));

  return client;
}

/* Drops the last reference to @client and waits until its connections have
 * finished their closing handshakes and its attempts have returned. */
void
lab_test_client_free (LabClient *client)
{
  GPtrArray *objects = _lab_client_dup_network_objects (client);

  g_object_unref (client);
  lab_test_wait_finalized (objects);
}

void
lab_test_server_apply (LabServer *server,
                       LabAction  action)
{
  g_autoptr(GError) error = NULL;

  lab_counter_apply (lab_server_get_counter (server), action, &error);
  g_assert_no_error (error);
}

/* A port where nothing listens: one the system just gave out and took back. */
guint
lab_test_unused_port (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  guint port = lab_server_get_bound_port (server);

  lab_server_stop (server);
  return port;
}

/* An in-memory store, as a client in the app gets one kept in step with the settings. */
LabTrustStore *
lab_test_trust_store_new (LabTrustMode  mode,
                          const char   *ca_file)
{
  LabTrustStore *trust_store = lab_trust_store_new ();

  lab_trust_store_set_mode (trust_store, mode);
  lab_trust_store_set_ca_file (trust_store, ca_file);

  return trust_store;
}

/* A server with a certificate of its own, self-signed for this computer. */
LabServer *
lab_test_tls_server_new_started (char **certificate_file)
{
  g_autofree char *directory = lab_tls_dup_generated_directory ();
  g_autofree char *certificate_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(LabServer) server = lab_server_new ();
  g_autoptr(GError) error = NULL;

  lab_tls_generate (directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &certificate_path, &key_path, &error);
  g_assert_no_error (error);
  certificate = lab_tls_load (certificate_path, key_path, &error);
  g_assert_no_error (error);

  lab_server_set_port (server, 0);
  lab_server_set_tls_certificate (server, certificate);
  lab_server_start (server, &error);
  g_assert_no_error (error);

  if (certificate_file != NULL)
    *certificate_file = g_steal_pointer (&certificate_path);

  return g_steal_pointer (&server);
}

/* A tiny server that says what a test wants: what LabServer never would. */
struct _LabTestTinyServer
{
  SoupServer         *server;
  GPtrArray          *connections;
  const char * const *script;      /* texts sent to each client as it joins */
  gushort             close_code;  /* then closes with this, if not 0 */
  char               *url;
};

static void
tiny_websocket_cb (SoupServer              *server,
                   SoupServerMessage       *message,
                   const char              *path,
                   SoupWebsocketConnection *connection,
                   gpointer                 user_data)
{
  LabTestTinyServer *tiny = user_data;

  g_ptr_array_add (tiny->connections, g_object_ref (connection));

  for (guint i = 0; tiny->script[i] != NULL; i++)
    soup_websocket_connection_send_text (connection, tiny->script[i]);

  if (tiny->close_code != 0)
    soup_websocket_connection_close (connection, tiny->close_code, NULL);
}

LabTestTinyServer *
lab_test_tiny_server_new (const char * const *script,
                          gushort             close_code)
{
  LabTestTinyServer *tiny = g_new0 (LabTestTinyServer, 1);

  tiny->server = soup_server_new (NULL, NULL);
  tiny->connections = g_ptr_array_new_with_free_func (g_object_unref);
  tiny->script = script;
  tiny->close_code = close_code;

  soup_server_add_websocket_handler (tiny->server, "/", NULL, NULL, tiny_websocket_cb, tiny, NULL);
  tiny->url = g_strdup_printf ("ws://127.0.0.1:%u/", lab_test_soup_server_listen (tiny->server));

  return tiny;
}

const char *
lab_test_tiny_server_get_url (LabTestTinyServer *tiny)
{
  return tiny->url;
}

static gboolean
tiny_all_closed (gpointer data)
{
  LabTestTinyServer *tiny = data;

  for (guint i = 0; i < tiny->connections->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (tiny->connections, i);

      if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_CLOSED)
        return FALSE;
    }

  return TRUE;
}

/* Call once the clients are gone: their closing handshakes end here. */
void
lab_test_tiny_server_free (LabTestTinyServer *tiny)
{
  g_assert_true (lab_test_wait_until (tiny_all_closed, tiny, LAB_TEST_TIMEOUT_MS));

  soup_server_disconnect (tiny->server);
  g_clear_object (&tiny->server);
  g_clear_pointer (&tiny->connections, g_ptr_array_unref);
  g_free (tiny->url);
  g_free (tiny);
}

/**
 * lab_test_threaded_server_new:
 * @run: a #GThreadedSocketService::run handler: the server, written by hand
 *   for what no real server does, one thread per connection
 * @url: (out): its ws:// address on 127.0.0.1
 *
 * Returns: (transfer full): the service, for lab_test_service_free()
 */
GSocketService *
lab_test_threaded_server_new (GCallback   run,
                              char      **url)
{
  GSocketService *service = g_threaded_socket_service_new (2);
  guint port = lab_test_listen_loopback (G_SOCKET_LISTENER (service));

  g_signal_connect (service, "run", run, NULL);
  g_socket_service_start (service);
  *url = g_strdup_printf ("ws://127.0.0.1:%u/", port);

  return service;
}

/**
 * lab_test_read_upgrade:
 *
 * In a hand-written server: reads a client's upgrade request.
 *
 * Returns: (transfer full) (nullable): the 101 response head that accepts
 *   it, for the server to write; %NULL if the client went first
 */
char *
lab_test_read_upgrade (GSocketConnection *connection)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr(GString) request = g_string_new (NULL);
  g_autofree char *key = NULL;
  g_autofree char *accept = NULL;
  const char *line;
  char buffer[1024];

  while (strstr (request->str, "\r\n\r\n") == NULL)
    {
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL);

      if (n <= 0)
        return NULL;
      g_string_append_len (request, buffer, n);
    }

  line = strstr (request->str, "Sec-WebSocket-Key: ");
  g_assert_nonnull (line);
  line += strlen ("Sec-WebSocket-Key: ");
  key = g_strndup (line, strcspn (line, "\r"));
  accept = lab_handshake_derive_accept (key, NULL, NULL);

  return g_strdup_printf ("HTTP/1.1 101 Switching Protocols\r\n"
                          "Upgrade: websocket\r\n"
                          "Connection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
}
