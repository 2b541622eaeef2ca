/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-protocol.h"
#include "lab-server.h"
#include "lab-test-utils.h"

/* A class joining at once: hundreds of connections started together, as a
 * room of phones does after the teacher shows the QR code. */

/* Enough to show O(N²) (which sent 125,250 users messages for 500 joins). */
#define STORM_SIZE 500
/* A handful per connection, however large the class. */
#define USERS_MESSAGES_PER_CLIENT_MAX 5
/* Clicks sent back to back once everyone is in. */
#define CLICKS 20

typedef struct
{
  SoupWebsocketConnection *connection;
  guint                    users_messages;
  guint                    last_users;
  gint64                   last_value;
  gboolean                 has_value;
} Student;

typedef struct
{
  Student  students[STORM_SIZE];
  guint    connected;
  guint    failed;
} Storm;

static void
message_cb (SoupWebsocketConnection *connection,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            Student                 *student)
{
  g_autoptr(GError) error = NULL;
  LabServerEvent event;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  g_assert_true (lab_protocol_parse_server_event (data, size, &event, &error));

  switch (event.type)
    {
    case LAB_SERVER_EVENT_USERS:
      student->users_messages++;
      student->last_users = event.count;
      break;

    case LAB_SERVER_EVENT_STATE:
      student->last_value = event.value;
      student->has_value = TRUE;
      break;

    case LAB_SERVER_EVENT_ERROR:
    default:
      g_assert_not_reached ();
    }

  lab_server_event_clear (&event);
}

typedef struct
{
  Storm   *storm;
  Student *student;
} Joining;

static void
joined_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Joining *joining = user_data;
  g_autoptr(GError) error = NULL;
  Student *student = joining->student;

  student->connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (student->connection == NULL)
    {
      g_test_message ("a student could not join: %s", error->message);
      joining->storm->failed++;
    }
  else
    {
      g_signal_connect (student->connection, "message", G_CALLBACK (message_cb), student);
      joining->storm->connected++;
    }

  g_free (joining);
}

static gboolean
all_joined (gpointer data)
{
  Storm *storm = data;

  return storm->connected + storm->failed == STORM_SIZE;
}

static gboolean
all_see (Storm  *storm,
         guint   users,
         gint64  value)
{
  for (guint i = 0; i < STORM_SIZE; i++)
    {
      Student *student = &storm->students[i];

      if (student->last_users != users || !student->has_value || student->last_value != value)
        return FALSE;
    }

  return TRUE;
}

static gboolean
all_see_everyone (gpointer data)
{
  return all_see (data, STORM_SIZE, 0);
}

static gboolean
all_see_clicks (gpointer data)
{
  return all_see (data, STORM_SIZE, CLICKS);
}

static void
test_join_storm (void)
{
  g_autoptr(LabServer) server = lab_test_server_new_started ();
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *url = lab_test_url (server, "/");
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  Storm *storm = g_new0 (Storm, 1);
  guint users_messages = 0;

  /* Every connection at once, none waiting for another. */
  session = soup_session_new_with_options ("max-conns", STORM_SIZE * 2,
                                           "max-conns-per-host", STORM_SIZE * 2,
                                           NULL);
  for (guint i = 0; i < STORM_SIZE; i++)
    {
      g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
      Joining *joining = g_new0 (Joining, 1);

      joining->storm = storm;
      joining->student = &storm->students[i];
      soup_session_websocket_connect_async (session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                            NULL, joined_cb, joining);
    }

  g_assert_true (lab_test_wait_until (all_joined, storm, 6 * LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (storm->failed, ==, 0);

  /* Everyone ends with the whole class counted and the value. */
  g_assert_true (lab_test_wait_until (all_see_everyone, storm, LAB_TEST_TIMEOUT_MS));
  g_assert_cmpuint (lab_counter_get_users (lab_server_get_counter (server)), ==, STORM_SIZE);

  for (guint i = 0; i < STORM_SIZE; i++)
    users_messages += storm->students[i].users_messages;
  g_test_message ("%u users messages for %u joins", users_messages, STORM_SIZE);
  g_assert_cmpuint (users_messages, <, USERS_MESSAGES_PER_CLIENT_MAX * STORM_SIZE);

  /* Clicks sent back to back reach all of them. */
  for (guint i = 0; i < CLICKS; i++)
    soup_websocket_connection_send_text (storm->students[0].connection, plus);
  g_assert_true (lab_test_wait_until (all_see_clicks, storm, LAB_TEST_TIMEOUT_MS));

  for (guint i = 0; i < STORM_SIZE; i++)
    {
      g_signal_handlers_disconnect_by_data (storm->students[i].connection, &storm->students[i]);
      soup_websocket_connection_close (storm->students[i].connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  lab_test_server_shutdown (server);
  for (guint i = 0; i < STORM_SIZE; i++)
    {
      lab_test_wait_closed (storm->students[i].connection);
      g_object_unref (storm->students[i].connection);
    }
  g_free (storm);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/server/join-storm", test_join_storm);

  return g_test_run ();
}
