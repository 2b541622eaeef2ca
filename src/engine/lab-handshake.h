/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* RFC 6455, section 1.3: appended to the client's key before hashing. */
#define LAB_HANDSHAKE_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

#define LAB_TYPE_HANDSHAKE (lab_handshake_get_type ())

G_DECLARE_FINAL_TYPE (LabHandshake, lab_handshake, LAB, HANDSHAKE, GObject)

char         *lab_handshake_derive_accept       (const char         *key,
                                                 char              **concatenated,
                                                 char              **sha1_hex);
LabHandshake *lab_handshake_new_from_text        (const char         *request_text,
                                                  const char         *response_text);
char         *lab_handshake_format_headers       (const char         *first_line,
                                                  SoupMessageHeaders *headers);
LabHandshake *lab_handshake_new                 (const char         *request_line,
                                                 SoupMessageHeaders *request_headers,
                                                 const char         *response_line,
                                                 SoupMessageHeaders *response_headers);
const char   *lab_handshake_get_request_line    (LabHandshake       *self);
const char   *lab_handshake_get_response_line   (LabHandshake       *self);
guint         lab_handshake_get_n_request_headers  (LabHandshake    *self);
guint         lab_handshake_get_n_response_headers (LabHandshake    *self);
void          lab_handshake_get_request_header  (LabHandshake       *self,
                                                 guint               index,
                                                 const char        **name,
                                                 const char        **value);
void          lab_handshake_get_response_header (LabHandshake       *self,
                                                 guint               index,
                                                 const char        **name,
                                                 const char        **value);
const char   *lab_handshake_get_key             (LabHandshake       *self);
const char   *lab_handshake_get_accept_sent     (LabHandshake       *self);
const char   *lab_handshake_get_concatenated    (LabHandshake       *self);
const char   *lab_handshake_get_sha1_hex        (LabHandshake       *self);
const char   *lab_handshake_get_accept_expected (LabHandshake       *self);
gboolean      lab_handshake_checks_out          (LabHandshake       *self);
char         *lab_handshake_format_request      (LabHandshake       *self);
char         *lab_handshake_format_response     (LabHandshake       *self);
char        **lab_handshake_describe_derivation (LabHandshake       *self);

G_END_DECLS
