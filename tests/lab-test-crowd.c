/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-test-utils.h"

/* A crowd: many libsoup clients of the counter, joining all at once as a
 * class does, each remembering what it heard. */

typedef struct
{
  LabTestCrowd            *crowd;
  SoupWebsocketConnection *connection;
  guint                    users_messages;
  guint                    last_users;
  gint64                   last_value;
  gboolean                 has_value;
} Member;

struct _LabTestCrowd
{
  SoupSession *session;
  Member      *members;
  guint        size;
  guint        connected;
  guint        failed;
};

static void
member_message_cb (SoupWebsocketConnection *connection,
                   SoupWebsocketDataType    type,
                   GBytes                  *message,
                   Member                  *member)
{
  g_autoptr(GError) error = NULL;
  LabServerEvent event;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_assert_true (lab_protocol_parse_server_event (data, size, &event, &error));

  switch (event.type)
    {
    case LAB_SERVER_EVENT_USERS:
      member->users_messages++;
      member->last_users = event.count;
      break;

    case LAB_SERVER_EVENT_STATE:
      member->last_value = event.value;
      member->has_value = TRUE;
      break;

    case LAB_SERVER_EVENT_ERROR:
    default:
      g_assert_not_reached ();
    }

  lab_server_event_clear (&event);
}

static void
member_joined_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Member *member = user_data;
  g_autoptr(GError) error = NULL;

  member->connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (member->connection == NULL)
    {
      g_test_message ("a member of the crowd could not join: %s", error->message);
      member->crowd->failed++;
      return;
    }

  g_signal_connect (member->connection, "message", G_CALLBACK (member_message_cb), member);
  member->crowd->connected++;
}

static gboolean
crowd_joined (gpointer data)
{
  LabTestCrowd *crowd = data;

  return crowd->connected + crowd->failed == crowd->size;
}

/* @size clients of @url, every connection started at once; fails the test
 * unless all of them joined. */
LabTestCrowd *
lab_test_crowd_join (const char *url,
                     guint       size)
{
  LabTestCrowd *crowd = g_new0 (LabTestCrowd, 1);

  crowd->size = size;
  crowd->members = g_new0 (Member, size);
  crowd->session = soup_session_new_with_options ("max-conns", size * 2,
                                                  "max-conns-per-host", size * 2,
                                                  NULL);
  for (guint i = 0; i < size; i++)
    {
      g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);

      crowd->members[i].crowd = crowd;
      soup_session_websocket_connect_async (crowd->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                            NULL, member_joined_cb, &crowd->members[i]);
    }

  g_assert_true (lab_test_wait_until (crowd_joined, crowd, 6 * LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (crowd->failed, ==, 0);

  return crowd;
}

typedef struct
{
  LabTestCrowd *crowd;
  guint         users;
  gint64        value;
} CrowdCheck;

static gboolean
crowd_sees (gpointer data)
{
  CrowdCheck *check = data;

  for (guint i = 0; i < check->crowd->size; i++)
    {
      Member *member = &check->crowd->members[i];

      if (member->last_users != check->users || !member->has_value || member->last_value != check->value)
        return FALSE;
    }

  return TRUE;
}

/* Waits until every member's last users count and value are these. */
void
lab_test_crowd_wait_all_see (LabTestCrowd *crowd,
                             guint         users,
                             gint64        value)
{
  CrowdCheck check = { crowd, users, value };

  if (!lab_test_wait_until (crowd_sees, &check, LAB_TEST_TIMEOUT_MS))
    g_error ("Not every member of the crowd saw %u users and the value %" G_GINT64_FORMAT,
             users, value);
}

guint
lab_test_crowd_count_users_messages (LabTestCrowd *crowd)
{
  guint count = 0;

  for (guint i = 0; i < crowd->size; i++)
    count += crowd->members[i].users_messages;

  return count;
}

void
lab_test_crowd_send (LabTestCrowd *crowd,
                     guint         member,
                     const char   *text)
{
  g_assert_cmpuint (member, <, crowd->size);
  soup_websocket_connection_send_text (crowd->members[member].connection, text);
}

/* Everyone leaves cleanly; returns once every closing handshake is over. */
void
lab_test_crowd_free (LabTestCrowd *crowd)
{
  for (guint i = 0; i < crowd->size; i++)
    {
      SoupWebsocketConnection *connection = crowd->members[i].connection;

      g_signal_handlers_disconnect_by_data (connection, &crowd->members[i]);
      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  for (guint i = 0; i < crowd->size; i++)
    {
      lab_test_wait_closed (crowd->members[i].connection);
      g_object_unref (crowd->members[i].connection);
    }

  g_clear_object (&crowd->session);
  g_free (crowd->members);
  g_free (crowd);
}
