/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-close-record"

#include "config.h"

#include "lab-close-record.h"

/* Filled from a SoupWebsocketConnection's signals by the side that owns it
 * (a server's peer, a client's channel), so both tell the same story. */

void
lab_close_record_clear (LabCloseRecord *record)
{
  g_clear_pointer (&record->sent_reason, g_free);
  g_clear_pointer (&record->received_reason, g_free);
  g_clear_pointer (&record->failure, g_free);
  *record = (LabCloseRecord) { 0 };
}

/* This side starts the closing handshake. */
void
lab_close_record_send (LabCloseRecord *record,
                       gushort         code,
                       const char     *reason)
{
  if (record->initiator != LAB_CLOSE_SIDE_NONE)
    return;

  record->initiator = LAB_CLOSE_SIDE_LOCAL;
  record->sent_code = code;
  record->sent_reason = g_strdup (reason);
}

/* libsoup began closing: if this side did not, the other did, and libsoup
 * answers with the code and reason it received (seen on 3.2.3). */
void
lab_close_record_closing (LabCloseRecord          *record,
                          SoupWebsocketConnection *connection)
{
  if (record->initiator != LAB_CLOSE_SIDE_NONE)
    return;

  record->initiator = LAB_CLOSE_SIDE_REMOTE;
  record->sent_code = soup_websocket_connection_get_close_code (connection);
  record->sent_reason = g_strdup (soup_websocket_connection_get_close_data (connection));
}

/* The first error says why; what follows is its consequence. */
void
lab_close_record_error (LabCloseRecord *record,
                        const GError   *error)
{
  if (record->failure == NULL)
    record->failure = g_strdup (error->message);
}

/**
 * lab_close_record_end:
 * @vanished: what to say when the connection ended with no close frame and
 *   no error
 */
void
lab_close_record_end (LabCloseRecord          *record,
                      SoupWebsocketConnection *connection,
                      const char              *vanished)
{
  if (record->ended)
    return;

  record->ended = TRUE;
  record->received_code = soup_websocket_connection_get_close_code (connection);
  record->received_reason = g_strdup (soup_websocket_connection_get_close_data (connection));

  if (record->received_code == 0 && record->initiator == LAB_CLOSE_SIDE_REMOTE)
    record->initiator = LAB_CLOSE_SIDE_NONE;
  if (record->received_code == 0 && record->failure == NULL)
    record->failure = g_strdup (vanished);
}

/* Returns: the code received; 1006 once ended without one; 0 before the end */
gushort
lab_close_record_get_received (LabCloseRecord *record)
{
  if (!record->ended)
    return 0;

  return record->received_code != 0 ? record->received_code : SOUP_WEBSOCKET_CLOSE_ABNORMAL;
}

/* Returns: (transfer full) (nullable): %NULL while nothing closed */
char *
lab_close_record_describe (LabCloseRecord *record,
                           const char     *local_name,
                           const char     *remote_name)
{
  if (!record->ended && record->initiator == LAB_CLOSE_SIDE_NONE)
    return NULL;

  return lab_close_code_describe_exchange (record->initiator, local_name, remote_name,
                                           record->sent_code, record->sent_reason,
                                           record->received_code, record->received_reason,
                                           record->failure);
}
