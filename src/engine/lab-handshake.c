/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-handshake"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-handshake.h"

/* One opening handshake as it was sent, header by header, and the derivation
 * of Sec-WebSocket-Accept from the client's key, step by step, checked
 * against what the server answered. Immutable once made. */

typedef struct
{
  char *name;
  char *value;
} Header;

struct _LabHandshake
{
  GObject  parent_instance;

  char    *request_line;
  char    *response_line;
  GArray  *request_headers;   /* of Header, in the order sent */
  GArray  *response_headers;

  char    *key;
  char    *accept_sent;
  char    *concatenated;
  char    *sha1_hex;
  char    *accept_expected;
};

G_DEFINE_FINAL_TYPE (LabHandshake, lab_handshake, G_TYPE_OBJECT)

static void
header_clear (gpointer data)
{
  Header *header = data;

  g_free (header->name);
  g_free (header->value);
}

static void
lab_handshake_finalize (GObject *object)
{
  LabHandshake *self = LAB_HANDSHAKE (object);

  g_clear_pointer (&self->request_line, g_free);
  g_clear_pointer (&self->response_line, g_free);
  g_clear_pointer (&self->request_headers, g_array_unref);
  g_clear_pointer (&self->response_headers, g_array_unref);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->accept_sent, g_free);
  g_clear_pointer (&self->concatenated, g_free);
  g_clear_pointer (&self->sha1_hex, g_free);
  g_clear_pointer (&self->accept_expected, g_free);

  G_OBJECT_CLASS (lab_handshake_parent_class)->finalize (object);
}

static void
lab_handshake_class_init (LabHandshakeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_handshake_finalize;
}

static void
lab_handshake_init (LabHandshake *self)
{
  self->request_headers = g_array_new (FALSE, TRUE, sizeof (Header));
  self->response_headers = g_array_new (FALSE, TRUE, sizeof (Header));
  g_array_set_clear_func (self->request_headers, header_clear);
  g_array_set_clear_func (self->response_headers, header_clear);
}

/**
 * lab_handshake_derive_accept:
 * @key: the client's Sec-WebSocket-Key
 * @concatenated: (out) (optional): the key with the GUID appended
 * @sha1_hex: (out) (optional): the SHA-1 of that, in hex
 *
 * Derives Sec-WebSocket-Accept as RFC 6455 says, keeping each step.
 *
 * Returns: (transfer full): the base64 of the SHA-1
 */
char *
lab_handshake_derive_accept (const char  *key,
                             char       **concatenated,
                             char       **sha1_hex)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *joined = NULL;
  guint8 digest[20];
  gsize digest_length = sizeof digest;

  g_return_val_if_fail (key != NULL, NULL);

  joined = g_strconcat (key, LAB_HANDSHAKE_GUID, NULL);
  checksum = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (checksum, (const guchar *) joined, -1);

  if (sha1_hex != NULL)
    *sha1_hex = g_strdup (g_checksum_get_string (checksum));
  g_checksum_get_digest (checksum, digest, &digest_length);
  if (concatenated != NULL)
    *concatenated = g_steal_pointer (&joined);

  return g_base64_encode (digest, digest_length);
}

static void
append_header_cb (const char *name,
                  const char *value,
                  gpointer    user_data)
{
  Header header = { g_strdup (name), g_strdup (value) };

  g_array_append_val ((GArray *) user_data, header);
}

/**
 * lab_handshake_new:
 *
 * Keeps the request and response as they were sent (libsoup keeps headers in
 * the order they were read or added), and derives the accept value.
 */
/* What both ways of making one share: the key, the accept and the derivation. */
static void
derive (LabHandshake *self,
        const char   *key,
        const char   *accept)
{
  self->key = g_strdup (key);
  self->accept_sent = g_strdup (accept);
  if (key != NULL)
    self->accept_expected = lab_handshake_derive_accept (key, &self->concatenated,
                                                         &self->sha1_hex);
}

LabHandshake *
lab_handshake_new (const char         *request_line,
                   SoupMessageHeaders *request_headers,
                   const char         *response_line,
                   SoupMessageHeaders *response_headers)
{
  LabHandshake *self;

  g_return_val_if_fail (request_line != NULL, NULL);
  g_return_val_if_fail (request_headers != NULL, NULL);
  g_return_val_if_fail (response_line != NULL, NULL);
  g_return_val_if_fail (response_headers != NULL, NULL);

  self = g_object_new (LAB_TYPE_HANDSHAKE, NULL);
  self->request_line = g_strdup (request_line);
  self->response_line = g_strdup (response_line);
  soup_message_headers_foreach (request_headers, append_header_cb, self->request_headers);
  soup_message_headers_foreach (response_headers, append_header_cb, self->response_headers);
  derive (self,
          soup_message_headers_get_one (request_headers, "Sec-WebSocket-Key"),
          soup_message_headers_get_one (response_headers, "Sec-WebSocket-Accept"));

  return self;
}

/* Reads a message as lab_handshake_format_headers() wrote it; returns its first line. */
static char *
parse_message (const char *text,
               GArray     *headers)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  /* Empty text splits into no line at all. */
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      const char *colon = strstr (lines[i], ": ");
      Header header;

      if (colon == NULL)
        continue;

      header.name = g_strndup (lines[i], colon - lines[i]);
      header.value = g_strdup (colon + 2);
      g_array_append_val (headers, header);
    }

  return g_strdup (lines[0] != NULL ? lines[0] : "");
}

static const char *
find_header (GArray     *headers,
             const char *name)
{
  for (guint i = 0; i < headers->len; i++)
    {
      const Header *header = &g_array_index (headers, Header, i);

      if (g_ascii_strcasecmp (header->name, name) == 0)
        return header->value;
    }

  return NULL;
}

/**
 * lab_handshake_new_from_text:
 * @request_text: the request as lab_handshake_format_headers() wrote it
 * @response_text: the response, likewise
 *
 * A connection keeps its handshake as two short texts, and makes this only
 * when someone looks: a classroom's thousand idle connections stay small.
 */
LabHandshake *
lab_handshake_new_from_text (const char *request_text,
                             const char *response_text)
{
  LabHandshake *self;

  g_return_val_if_fail (request_text != NULL, NULL);
  g_return_val_if_fail (response_text != NULL, NULL);

  self = g_object_new (LAB_TYPE_HANDSHAKE, NULL);
  self->request_line = parse_message (request_text, self->request_headers);
  self->response_line = parse_message (response_text, self->response_headers);
  derive (self,
          find_header (self->request_headers, "Sec-WebSocket-Key"),
          find_header (self->response_headers, "Sec-WebSocket-Accept"));

  return self;
}

static void
append_line_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  g_string_append_printf (user_data, "%s: %s\n", name, value);
}

static char *
exact_copy_and_free (GString *text)
{
  char *copy = g_strndup (text->str, text->len);

  g_string_free (text, TRUE);
  return copy;
}

/* A message as text: its first line, then one "Name: value" line per header, in order. */
char *
lab_handshake_format_headers (const char         *first_line,
                              SoupMessageHeaders *headers)
{
  GString *text = g_string_new (first_line);

  g_string_append_c (text, '\n');
  soup_message_headers_foreach (headers, append_line_cb, text);

  /* Exactly as long as it is: one of these stays with every connection. */
  return exact_copy_and_free (text);
}

const char *
lab_handshake_get_request_line (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);
  return self->request_line;
}

const char *
lab_handshake_get_response_line (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);
  return self->response_line;
}

guint
lab_handshake_get_n_request_headers (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), 0);
  return self->request_headers->len;
}

guint
lab_handshake_get_n_response_headers (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), 0);
  return self->response_headers->len;
}

static void
get_header (GArray      *headers,
            guint        index,
            const char **name,
            const char **value)
{
  const Header *header;

  g_return_if_fail (index < headers->len);

  header = &g_array_index (headers, Header, index);
  if (name != NULL)
    *name = header->name;
  if (value != NULL)
    *value = header->value;
}

void
lab_handshake_get_request_header (LabHandshake  *self,
                                  guint          index,
                                  const char   **name,
                                  const char   **value)
{
  g_return_if_fail (LAB_IS_HANDSHAKE (self));
  get_header (self->request_headers, index, name, value);
}

void
lab_handshake_get_response_header (LabHandshake  *self,
                                   guint          index,
                                   const char   **name,
                                   const char   **value)
{
  g_return_if_fail (LAB_IS_HANDSHAKE (self));
  get_header (self->response_headers, index, name, value);
}

const char *
lab_handshake_get_key (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);
  return self->key;
}

const char *
lab_handshake_get_accept_sent (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);
  return self->accept_sent;
}

const char *
lab_handshake_get_concatenated (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);
  return self->concatenated;
}

const char *
lab_handshake_get_sha1_hex (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);
  return self->sha1_hex;
}

const char *
lab_handshake_get_accept_expected (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);
  return self->accept_expected;
}

/**
 * lab_handshake_checks_out:
 *
 * Returns: whether the server sent the value derived from the client's key
 */
gboolean
lab_handshake_checks_out (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), FALSE);

  return self->accept_expected != NULL &&
         g_strcmp0 (self->accept_expected, self->accept_sent) == 0;
}

static char *
format_message (const char *first_line,
                GArray     *headers)
{
  GString *text = g_string_new (first_line);

  g_string_append_c (text, '\n');
  for (guint i = 0; i < headers->len; i++)
    {
      const Header *header = &g_array_index (headers, Header, i);

      g_string_append_printf (text, "%s: %s\n", header->name, header->value);
    }

  /* Exactly as long as it is: one of these stays with every connection. */
  return exact_copy_and_free (text);
}

/* The request as text: the request line, then one "Name: value" line each. */
char *
lab_handshake_format_request (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);
  return format_message (self->request_line, self->request_headers);
}

char *
lab_handshake_format_response (LabHandshake *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);
  return format_message (self->response_line, self->response_headers);
}

/**
 * lab_handshake_describe_derivation:
 *
 * Returns: (transfer full): the derivation's steps, one line each, the last
 *   saying with a mark whether the server's value checks out
 */
char **
lab_handshake_describe_derivation (LabHandshake *self)
{
  GPtrArray *lines = g_ptr_array_new ();

  g_return_val_if_fail (LAB_IS_HANDSHAKE (self), NULL);

  if (self->key == NULL)
    {
      g_ptr_array_add (lines, g_strdup (_("The request has no Sec-WebSocket-Key")));
      g_ptr_array_add (lines, NULL);
      return (char **) g_ptr_array_free (lines, FALSE);
    }

  g_ptr_array_add (lines, g_strdup_printf (_("key: %s"), self->key));
  g_ptr_array_add (lines, g_strdup_printf (_("key + GUID: %s"), self->concatenated));
  g_ptr_array_add (lines, g_strdup_printf (_("SHA-1: %s"), self->sha1_hex));
  g_ptr_array_add (lines, g_strdup_printf (_("base64: %s"), self->accept_expected));

  if (lab_handshake_checks_out (self))
    g_ptr_array_add (lines, g_strdup_printf (_("✓ Sec-WebSocket-Accept %s matches"),
                                                 self->accept_sent));
  else
    g_ptr_array_add (lines,
                         g_strdup_printf (_("✗ Sec-WebSocket-Accept %s does not match"),
                                          self->accept_sent != NULL ? self->accept_sent
                                                                    : _("(missing)")));

  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (lines, FALSE);
}
