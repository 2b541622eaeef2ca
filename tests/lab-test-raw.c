/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "lab-test-utils.h"

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

/* The opening handshake's request for @path, as a browser would send it. */
char *
lab_test_raw_format_upgrade (guint       port,
                             const char *path)
{
  return g_strdup_printf ("GET %s HTTP/1.1\r\n"
                          "Host: 127.0.0.1:%u\r\n"
                          "Upgrade: websocket\r\n"
                          "Connection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n"
                          "\r\n", path, port);
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

  request = lab_test_raw_format_upgrade (port, path);
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

/* @request as it is, then the response's status line and headers (or what
 * came before the server closed); @socket_out keeps the connection. */
char *
lab_test_raw_request (guint        port,
                      const char  *request,
                      GSocket    **socket_out)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;
  GString *response = g_string_new (NULL);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  raw_write_all (socket, request, strlen (request));

  while (!g_str_has_suffix (response->str, "\r\n\r\n"))
    {
      char c;

      if (!raw_read_exactly (socket, &c, 1))
        break;
      g_string_append_c (response, c);
    }

  if (socket_out != NULL)
    *socket_out = g_steal_pointer (&socket);
  return g_string_free (response, FALSE);
}

/* A client's frame, masked as RFC 6455 requires, appended to @frame. */
void
lab_test_raw_append_frame (GByteArray *frame,
                           guint8      opcode,
                           gboolean    fin,
                           const void *payload,
                           gsize       length)
{
  static const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
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
}

void
lab_test_raw_send_frame (GSocket    *socket,
                         guint8      opcode,
                         gboolean    fin,
                         const void *payload,
                         gsize       length)
{
  g_autoptr(GByteArray) frame = g_byte_array_new ();

  lab_test_raw_append_frame (frame, opcode, fin, payload, length);
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

  /* NUL-terminated past its length, so a text payload reads as a string. */
  data = g_malloc (length + 1);
  g_assert_true (length == 0 || raw_read_exactly (socket, data, length));
  data[length] = '\0';
  *payload = g_bytes_new_take (data, length);

  return TRUE;
}
