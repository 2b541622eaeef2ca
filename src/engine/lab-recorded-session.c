/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-recorded-session"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-frame.h"
#include "lab-recorded-session.h"

/* A connection as a file keeps it (a HAR this app or a browser saved): its
 * URL, its opening handshake and its frames, oldest first. Read-only: nothing
 * in it can be pinged or closed any more. */

struct _LabRecordedSession
{
  GObject       parent_instance;

  char         *url;
  char         *title;
  LabHandshake *handshake;
  GListModel   *frames;
};

G_DEFINE_FINAL_TYPE (LabRecordedSession, lab_recorded_session, G_TYPE_OBJECT)

static void
lab_recorded_session_finalize (GObject *object)
{
  LabRecordedSession *self = LAB_RECORDED_SESSION (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_object (&self->handshake);
  g_clear_object (&self->frames);

  G_OBJECT_CLASS (lab_recorded_session_parent_class)->finalize (object);
}

static void
lab_recorded_session_class_init (LabRecordedSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_recorded_session_finalize;
}

static void
lab_recorded_session_init (LabRecordedSession *self)
{
}

/**
 * lab_recorded_session_new:
 * @url: the ws:// or wss:// URL the connection was made to
 * @handshake: (nullable): its opening handshake
 * @frames: #LabFrame items, oldest first
 */
LabRecordedSession *
lab_recorded_session_new (const char   *url,
                          LabHandshake *handshake,
                          GListModel   *frames)
{
  LabRecordedSession *self;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (!handshake || LAB_IS_HANDSHAKE (handshake), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (frames), NULL);

  self = g_object_new (LAB_TYPE_RECORDED_SESSION, NULL);
  self->url = g_strdup (url);
  /* Translators: the title of a session opened from a file; %s is its URL */
  self->title = g_strdup_printf (_("Recorded: %s"), url);
  self->handshake = handshake ? g_object_ref (handshake) : NULL;
  self->frames = g_object_ref (frames);

  return self;
}

const char *
lab_recorded_session_get_url (LabRecordedSession *self)
{
  g_return_val_if_fail (LAB_IS_RECORDED_SESSION (self), NULL);
  return self->url;
}

const char *
lab_recorded_session_get_title (LabRecordedSession *self)
{
  g_return_val_if_fail (LAB_IS_RECORDED_SESSION (self), NULL);
  return self->title;
}

/* Returns: (transfer none) (nullable) */
LabHandshake *
lab_recorded_session_get_handshake (LabRecordedSession *self)
{
  g_return_val_if_fail (LAB_IS_RECORDED_SESSION (self), NULL);
  return self->handshake;
}

/* Returns: (transfer none): the #LabFrame items, oldest first */
GListModel *
lab_recorded_session_get_frames (LabRecordedSession *self)
{
  g_return_val_if_fail (LAB_IS_RECORDED_SESSION (self), NULL);
  return self->frames;
}

/* The first close frame each way, or NULL. */
static LabFrame *
find_close (LabRecordedSession *self,
            LabFrameDirection   direction)
{
  guint n = g_list_model_get_n_items (self->frames);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (self->frames, i);

      if (lab_frame_get_direction (frame) == direction && lab_frame_get_close (frame, NULL, NULL))
        return frame;  /* the list keeps it */
    }

  return NULL;
}

static char *
describe_frame (LabFrame *frame)
{
  g_autofree char *reason = NULL;
  gushort code;

  lab_frame_get_close (frame, &code, &reason);
  if (reason[0] == '\0')
    return g_strdup_printf ("%u", code);
  return g_strdup_printf ("%u “%s”", code, reason);
}

/**
 * lab_recorded_session_describe_close:
 *
 * Returns: (transfer full): who sent which close frame, who answered; or
 *   that the recording ends with none (1006)
 */
char *
lab_recorded_session_describe_close (LabRecordedSession *self)
{
  LabFrame *from_client, *from_server, *first;
  g_autofree char *first_text = NULL;
  g_autofree char *answer_text = NULL;
  gboolean client_first;

  g_return_val_if_fail (LAB_IS_RECORDED_SESSION (self), NULL);

  from_client = find_close (self, LAB_FRAME_CLIENT_TO_SERVER);
  from_server = find_close (self, LAB_FRAME_SERVER_TO_CLIENT);
  if (from_client == NULL && from_server == NULL)
    return g_strdup (_("Recorded session: it ends with no close frame (1006 on both sides)"));

  client_first = from_server == NULL ||
                 (from_client != NULL && lab_frame_get_time (from_client) <= lab_frame_get_time (from_server));
  first = client_first ? from_client : from_server;
  first_text = describe_frame (first);
  if ((client_first ? from_server : from_client) != NULL)
    answer_text = describe_frame (client_first ? from_server : from_client);

  if (answer_text == NULL)
    return g_strdup_printf (client_first
                            ? _("Recorded session: the client sent close %s; no answer was recorded")
                            : _("Recorded session: the server sent close %s; no answer was recorded"),
                            first_text);

  return g_strdup_printf (client_first
                          ? _("Recorded session: the client sent close %s, the server answered %s")
                          : _("Recorded session: the server sent close %s, the client answered %s"),
                          first_text, answer_text);
}

/* Returns: the code of the first close frame recorded, 1006 with none */
gushort
lab_recorded_session_get_close_code (LabRecordedSession *self)
{
  LabFrame *from_client, *from_server;
  gushort code = 1006;

  g_return_val_if_fail (LAB_IS_RECORDED_SESSION (self), 0);

  from_client = find_close (self, LAB_FRAME_CLIENT_TO_SERVER);
  from_server = find_close (self, LAB_FRAME_SERVER_TO_CLIENT);
  if (from_client != NULL &&
      (from_server == NULL || lab_frame_get_time (from_client) <= lab_frame_get_time (from_server)))
    lab_frame_get_close (from_client, &code, NULL);
  else if (from_server != NULL)
    lab_frame_get_close (from_server, &code, NULL);

  return code;
}
