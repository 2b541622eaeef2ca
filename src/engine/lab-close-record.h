/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "lab-close-code.h"

G_BEGIN_DECLS

/* How one connection's closing handshake went, from one side: who began it,
 * the code and reason each way, and what happened when there was none. */
typedef struct
{
  LabCloseSide  initiator;
  gushort       sent_code;
  gushort       received_code;
  char         *sent_reason;
  char         *received_reason;
  char         *failure;
  guint         ended : 1;
} LabCloseRecord;

void     lab_close_record_clear    (LabCloseRecord          *record);
void     lab_close_record_send     (LabCloseRecord          *record,
                                    gushort                  code,
                                    const char              *reason);
void     lab_close_record_closing  (LabCloseRecord          *record,
                                    SoupWebsocketConnection *connection);
void     lab_close_record_error    (LabCloseRecord          *record,
                                    const GError            *error);
void     lab_close_record_end      (LabCloseRecord          *record,
                                    SoupWebsocketConnection *connection,
                                    const char              *vanished);
gushort  lab_close_record_get_received (LabCloseRecord      *record);
char    *lab_close_record_describe (LabCloseRecord          *record,
                                    const char              *local_name,
                                    const char              *remote_name);

G_END_DECLS
