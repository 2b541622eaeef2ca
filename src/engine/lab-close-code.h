/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Which side sent the first close frame of a connection. */
typedef enum
{
  LAB_CLOSE_SIDE_NONE,    /* no one: it ended without a closing handshake */
  LAB_CLOSE_SIDE_LOCAL,
  LAB_CLOSE_SIDE_REMOTE,
} LabCloseSide;

/* RFC 6455 §5.5: a control payload is at most 125 bytes, 2 of them the code. */
#define LAB_CLOSE_REASON_MAX 123

const char *lab_close_code_get_meaning           (gushort       code);
char       *lab_close_code_dup_label             (gushort       code);
char       *lab_close_code_describe_end          (gushort       code,
                                                  const GError *failure);
char       *lab_close_code_describe_connect_error (const GError *error,
                                                  guint         http_status,
                                                  const char   *host,
                                                  gboolean      plain_scheme);
gboolean    lab_close_code_check_sendable        (gushort       code,
                                                  const char   *reason,
                                                  GError      **error);
char       *lab_close_code_describe_exchange     (LabCloseSide  initiator,
                                                  const char   *local_name,
                                                  const char   *remote_name,
                                                  gushort       sent_code,
                                                  const char   *sent_reason,
                                                  gushort       received_code,
                                                  const char   *received_reason,
                                                  const char   *abrupt_detail);

G_END_DECLS
