/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "lab-test-utils.h"

void
lab_test_init (int    *argc,
               char ***argv)
{
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
lab_test_wait_until (LabTestCondition condition,
                     gpointer         data,
                     guint            timeout_ms)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (source);

  return condition (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
lab_test_run_for (guint milliseconds)
{
  lab_test_wait_until (never, NULL, milliseconds);
}

LabServer *
lab_test_server_new_started (void)
{
  g_autoptr(LabServer) server = lab_server_new ();
  g_autoptr(GError) error = NULL;

  lab_server_set_port (server, 0);
  lab_server_start (server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab_server_get_bound_port (server), >, 0);

  return g_steal_pointer (&server);
}

char *
lab_test_url (LabServer  *server,
              const char *path)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s",
                          lab_server_get_tls_certificate (server) ? "wss" : "ws",
                          lab_server_get_bound_port (server), path);
}

typedef struct
{
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 done;
} ConnectData;

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConnectData *data = user_data;

  data->connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result,
                                                            &data->error);
  data->done = TRUE;
}

static gboolean
connect_done (gpointer data)
{
  return ((ConnectData *) data)->done;
}

static void
queue_message_cb (SoupWebsocketConnection *connection,
                  SoupWebsocketDataType    type,
                  GBytes                  *message,
                  gpointer                 user_data)
{
  GQueue *queue = g_object_get_data (G_OBJECT (connection), "lab-test-queue");
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_queue_push_tail (queue, g_strndup (data, size));
}

static void
free_queue (gpointer data)
{
  g_queue_free_full (data, g_free);
}

SoupWebsocketConnection *
lab_test_connect (const char  *url,
                  GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();

  return lab_test_connect_with (session, url, error);
}

/* As lab_test_connect(), through @session (to trust a test certificate, say). */
SoupWebsocketConnection *
lab_test_connect_with (SoupSession  *session,
                       const char   *url,
                       GError      **error)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  ConnectData data = { 0 };

  soup_session_websocket_connect_async (session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, connected_cb, &data);
  g_assert_true (lab_test_wait_until (connect_done, &data, LAB_TEST_TIMEOUT_MS));

  if (data.error != NULL)
    {
      g_propagate_error (error, data.error);
      return NULL;
    }

  /* Messages are queued from the start so none is missed between waits. */
  g_object_set_data_full (G_OBJECT (data.connection), "lab-test-queue", g_queue_new (), free_queue);
  g_signal_connect (data.connection, "message", G_CALLBACK (queue_message_cb), NULL);

  return data.connection;
}

gboolean
lab_test_has_pending (SoupWebsocketConnection *connection)
{
  GQueue *queue = g_object_get_data (G_OBJECT (connection), "lab-test-queue");

  return !g_queue_is_empty (queue);
}

static gboolean
has_pending_or_closed (gpointer data)
{
  SoupWebsocketConnection *connection = data;

  return lab_test_has_pending (connection) ||
         soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_CLOSED;
}

/* Returns: (transfer full) (nullable): the next text, or NULL once closed */
char *
lab_test_receive (SoupWebsocketConnection *connection)
{
  GQueue *queue = g_object_get_data (G_OBJECT (connection), "lab-test-queue");

  g_assert_true (lab_test_wait_until (has_pending_or_closed, connection, LAB_TEST_TIMEOUT_MS));

  return g_queue_pop_head (queue);
}

static gboolean
is_closed (gpointer data)
{
  return soup_websocket_connection_get_state (data) == SOUP_WEBSOCKET_STATE_CLOSED;
}

void
lab_test_wait_closed (SoupWebsocketConnection *connection)
{
  g_assert_true (lab_test_wait_until (is_closed, connection, LAB_TEST_TIMEOUT_MS));
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             SoupServer        *server)
{
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  if (local != NULL && remote != NULL)
    soup_server_accept_iostream (server, G_IO_STREAM (connection), local, remote, NULL);

  return TRUE;
}

static void
service_free (gpointer data)
{
  GSocketService *service = data;

  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_object_unref (service);
}

/* A libsoup server of a test's own on 127.0.0.1, accepting as LabServer does:
 * libsoup 3.2's listener loses a socket per connection, which the leak check
 * would count against the tests.
 *
 * Returns: the port */
guint
lab_test_soup_server_listen (SoupServer *server)
{
  GSocketService *service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);

  g_signal_connect_object (service, "incoming", G_CALLBACK (incoming_cb), server, 0);
  g_object_set_data_full (G_OBJECT (server), "lab-test-service", service, service_free);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

typedef struct
{
  GBytes  *body;
  GError  *error;
  gboolean done;
} GetData;

static void
got_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GetData *data = user_data;

  data->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &data->error);
  data->done = TRUE;
}

static gboolean
get_done (gpointer data)
{
  return ((GetData *) data)->done;
}

/* Returns: the HTTP status */
guint
lab_test_http_get (LabServer   *server,
                   const char  *method,
                   const char  *path,
                   char       **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s",
                                          lab_server_get_bound_port (server), path);

  return lab_test_fetch (session, method, url, body);
}

/* Returns: the HTTP status of @url, fetched through @session */
guint
lab_test_fetch (SoupSession  *session,
                const char   *method,
                const char   *url,
                char        **body)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  GetData data = { 0 };

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, got_cb, &data);
  g_assert_true (lab_test_wait_until (get_done, &data, LAB_TEST_TIMEOUT_MS));
  g_assert_no_error (data.error);

  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (data.body, NULL), g_bytes_get_size (data.body));
  g_bytes_unref (data.body);

  return soup_message_get_status (message);
}

/* Raw client. The server runs on this thread's main loop, so every wait
 * turns that loop instead of blocking. */

static void
raw_write_all (GSocket    *socket,
               const void *data,
               gsize       length)
{
  gint64 deadline = g_get_monotonic_time () + LAB_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  gsize done = 0;

  while (done < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (socket, (const char *) data + done, length - done, NULL, &error);

      if (n > 0)
        done += n;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        g_main_context_iteration (NULL, FALSE);
      else
        g_assert_no_error (error);

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static gboolean
raw_read_exactly (GSocket *socket,
                  void    *buffer,
                  gsize    length)
{
  gint64 deadline = g_get_monotonic_time () + LAB_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  gsize done = 0;

  while (done < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, (char *) buffer + done, length - done, NULL, &error);

      if (n > 0)
        done += n;
      else if (n == 0)
        return FALSE;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (1000);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        return FALSE;
      else
        g_assert_no_error (error);

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }

  return TRUE;
}

GSocket *
lab_test_raw_connect (guint       port,
                      const char *path,
                      int         receive_buffer)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  GString *response = g_string_new (NULL);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);

  /* Set before connecting, so the window it advertises stays small. */
  if (receive_buffer > 0)
    {
      g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, receive_buffer, &error);
      g_assert_no_error (error);
    }

  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);

  request = g_strdup_printf ("GET %s HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "\r\n", path, port);
  raw_write_all (socket, request, strlen (request));

  /* Byte by byte up to the blank line, so no frame is read by mistake. */
  while (!g_str_has_suffix (response->str, "\r\n\r\n"))
    {
      char c;

      g_assert_true (raw_read_exactly (socket, &c, 1));
      g_string_append_c (response, c);
    }

  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 101"));
  g_string_free (response, TRUE);

  return g_steal_pointer (&socket);
}

void
lab_test_raw_send_frame (GSocket    *socket,
                         guint8      opcode,
                         gboolean    fin,
                         const void *payload,
                         gsize       length)
{
  static const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  guint8 first = (fin ? 0x80 : 0) | opcode;

  g_byte_array_append (frame, &first, 1);

  if (length < 126)
    {
      guint8 b = 0x80 | length;

      g_byte_array_append (frame, &b, 1);
    }
  else if (length <= G_MAXUINT16)
    {
      guint8 b[3] = { 0x80 | 126, length >> 8, length & 0xff };

      g_byte_array_append (frame, b, 3);
    }
  else
    {
      guint8 b[9] = { 0x80 | 127 };

      for (int i = 0; i < 8; i++)
        b[8 - i] = ((guint64) length >> (8 * i)) & 0xff;
      g_byte_array_append (frame, b, 9);
    }

  g_byte_array_append (frame, mask, 4);
  for (gsize i = 0; i < length; i++)
    {
      guint8 b = ((const guint8 *) payload)[i] ^ mask[i % 4];

      g_byte_array_append (frame, &b, 1);
    }

  raw_write_all (socket, frame->data, frame->len);
}

/* Returns: FALSE at the end of the stream */
gboolean
lab_test_raw_read_frame (GSocket  *socket,
                         guint8   *opcode,
                         GBytes  **payload)
{
  guint8 header[2];
  guint64 length;
  guint8 *data;

  if (!raw_read_exactly (socket, header, 2))
    return FALSE;

  g_assert_cmpint (header[1] & 0x80, ==, 0);  /* servers never mask */
  *opcode = header[0] & 0x0f;
  length = header[1] & 0x7f;

  if (length >= 126)
    {
      guint8 extended[8];
      guint n = length == 126 ? 2 : 8;

      g_assert_true (raw_read_exactly (socket, extended, n));
      length = 0;
      for (guint i = 0; i < n; i++)
        length = (length << 8) | extended[i];
    }

  data = g_malloc (length + 1);
  g_assert_true (length == 0 || raw_read_exactly (socket, data, length));
  *payload = g_bytes_new_take (data, length);

  return TRUE;
}

/* Child processes */

struct _LabTestProcess
{
  GSubprocess      *subprocess;
  GDataInputStream *output;
  GCancellable     *cancellable;
  GPtrArray        *lines;
  gboolean          output_done;
  gboolean          exited;
};

static void read_next_line (LabTestProcess *process);

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LabTestProcess *process = user_data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (line == NULL)
    {
      process->output_done = TRUE;
      return;
    }

  g_test_message ("child: %s", line);
  g_ptr_array_add (process->lines, line);
  read_next_line (process);
}

static void
read_next_line (LabTestProcess *process)
{
  g_data_input_stream_read_line_async (process->output, G_PRIORITY_DEFAULT, process->cancellable,
                                       line_read_cb, process);
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LabTestProcess *process = user_data;

  if (g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL))
    process->exited = TRUE;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

LabTestProcess *
lab_test_process_spawn (const char * const *argv,
                        const char         *stdin_text)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  LabTestProcess *process = g_new0 (LabTestProcess, 1);
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE;

  if (stdin_text != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;

  launcher = g_subprocess_launcher_new (flags);
  /* Should this test die mid-way, its children die with it and free their ports. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* The server and the peers need no display: prove it by giving them none. */
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);

  process->subprocess = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  if (stdin_text != NULL)
    {
      GOutputStream *input = g_subprocess_get_stdin_pipe (process->subprocess);

      g_output_stream_write_all (input, stdin_text, strlen (stdin_text), NULL, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_close (input, NULL, NULL);
    }

  process->cancellable = g_cancellable_new ();
  process->lines = g_ptr_array_new_with_free_func (g_free);
  process->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process->subprocess));
  read_next_line (process);
  g_subprocess_wait_async (process->subprocess, process->cancellable, exited_cb, process);

  return process;
}

typedef struct
{
  LabTestProcess *process;
  const char     *substring;
  const char     *found;
} LineSearch;

static gboolean
line_found (gpointer data)
{
  LineSearch *search = data;

  for (guint i = 0; i < search->process->lines->len; i++)
    {
      const char *line = g_ptr_array_index (search->process->lines, i);

      if (strstr (line, search->substring) != NULL)
        {
          search->found = line;
          return TRUE;
        }
    }

  return search->process->output_done;
}

gboolean
lab_test_process_has_line (LabTestProcess *process,
                           const char     *substring)
{
  LineSearch search = { process, substring, NULL };

  line_found (&search);
  return search.found != NULL;
}

/* Returns: the first line holding @substring; fails the test if none comes. */
const char *
lab_test_process_wait_line (LabTestProcess *process,
                            const char     *substring)
{
  LineSearch search = { process, substring, NULL };

  lab_test_wait_until (line_found, &search, LAB_TEST_TIMEOUT_MS);
  if (search.found == NULL)
    g_error ("No line with “%s” in the child's output", substring);

  return search.found;
}

/* Returns: the port the headless server says it listens on */
guint
lab_test_process_wait_listening (LabTestProcess *process)
{
  const char *prefix = "Listening on ";
  const char *line = lab_test_process_wait_line (process, prefix);
  const char *host = strstr (line, "://127.0.0.1:");

  g_assert_nonnull (host);
  return (guint) g_ascii_strtoull (host + strlen ("://127.0.0.1:"), NULL, 10);
}

static gboolean
process_finished (gpointer data)
{
  LabTestProcess *process = data;

  return process->exited && process->output_done;
}

/* Returns: the exit status; fails the test on a hang or a crash */
int
lab_test_process_wait_exit (LabTestProcess *process)
{
  g_assert_true (lab_test_wait_until (process_finished, process, LAB_TEST_TIMEOUT_MS));
  g_assert_true (g_subprocess_get_if_exited (process->subprocess));

  return g_subprocess_get_exit_status (process->subprocess);
}

void
lab_test_process_signal (LabTestProcess *process,
                         int             signal_number)
{
  g_subprocess_send_signal (process->subprocess, signal_number);
}

char *
lab_test_process_dup_output (LabTestProcess *process)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < process->lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (process->lines, i));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
lab_test_process_free (LabTestProcess *process)
{
  if (!process->exited)
    {
      g_subprocess_force_exit (process->subprocess);
      lab_test_wait_until (process_finished, process, LAB_TEST_TIMEOUT_MS);
    }

  g_cancellable_cancel (process->cancellable);
  /* Let the cancelled reads return before their data goes. */
  lab_test_run_for (10);

  g_clear_object (&process->cancellable);
  g_clear_object (&process->output);
  g_clear_object (&process->subprocess);
  g_clear_pointer (&process->lines, g_ptr_array_unref);
  g_free (process);
}

const char *
lab_test_websocket_lab (void)
{
  const char *path = g_getenv ("LAB_WEBSOCKET_LAB");

  g_assert_nonnull (path);
  return path;
}

const char *
lab_test_python (void)
{
  const char *path = g_getenv ("PYTHON3");

  return path != NULL ? path : "/usr/bin/python3";
}
