/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-hello"

#include "config.h"

#include <string.h>

#include "lab-hello.h"
#include "lab-peer-private.h"
#include "lab-protocol.h"

/**
 * lab_hello_answer:
 * @name: what the client sent
 * @event_log: where the greeting is told
 *
 * The tutorial's hello server: one name in, `Hello NAME!` out, then a normal
 * close (1000), which is part of the conversation rather than news.
 */
void
lab_hello_answer (LabPeer        *peer,
                  const char     *name,
                  LabBoundedList *event_log)
{
  g_autofree char *greeting = NULL;
  g_autoptr(LabEvent) event = NULL;

  g_return_if_fail (LAB_IS_PEER (peer));
  g_return_if_fail (name != NULL);

  greeting = lab_protocol_format_greeting (name);
  event = _lab_peer_new_event (peer, LAB_EVENT_MESSAGE_OUT, greeting);
  lab_event_set_size (event, strlen (greeting));
  lab_bounded_list_add (event_log, event);

  _lab_peer_send (peer, LAB_PEER_SLOT_REPLY, greeting);
  _lab_peer_close (peer, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}
