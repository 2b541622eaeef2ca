/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-inspected-connection"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-inspected-connection-private.h"

/* A recorded session (a HAR opened from a file) as the Inspector shows a
 * connection: its handshake and frames as they were; nothing to ping or
 * close, nothing to capture. */

static LabHandshake *
recording_get_handshake (GObject *source)
{
  return lab_recorded_session_get_handshake (LAB_RECORDED_SESSION (source));
}

static GListModel *
recording_get_frames (GObject *source)
{
  return lab_recorded_session_get_frames (LAB_RECORDED_SESSION (source));
}

static int
recording_get_pong_rtt (GObject *source)
{
  return -1;
}

static gboolean
recording_is_open (GObject *source)
{
  return FALSE;
}

static char *
recording_describe_close (GObject *source)
{
  return lab_recorded_session_describe_close (LAB_RECORDED_SESSION (source));
}

static gushort
recording_get_close_code (GObject *source)
{
  return lab_recorded_session_get_close_code (LAB_RECORDED_SESSION (source));
}

static gboolean
recording_ping_now (GObject *source)
{
  return FALSE;
}

static void
recording_set_capture (GObject  *source,
                       gboolean  capture)
{
}

static gboolean
recording_close (GObject     *source,
                 gushort      code,
                 const char  *reason,
                 GError     **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("A recorded session cannot be closed: it is a file"));
  return FALSE;
}

static char *
recording_dup_url (GObject *source)
{
  return g_strdup (lab_recorded_session_get_url (LAB_RECORDED_SESSION (source)));
}

static const SourceCalls recording_calls = {
  recording_get_handshake,
  recording_get_frames,
  recording_get_pong_rtt,
  recording_is_open,
  recording_describe_close,
  recording_get_close_code,
  recording_ping_now,
  recording_set_capture,
  recording_close,
  { NULL },
  FALSE,
  recording_dup_url,
};

/**
 * lab_inspected_connection_new_for_recording:
 * @session: a session read from a HAR file
 *
 * Returns: (transfer full): the session, read-only, titled “Recorded: URL”
 */
LabInspectedConnection *
lab_inspected_connection_new_for_recording (LabRecordedSession *session)
{
  g_return_val_if_fail (LAB_IS_RECORDED_SESSION (session), NULL);

  return _lab_inspected_connection_new (G_OBJECT (session), &recording_calls,
                                        g_strdup (lab_recorded_session_get_title (session)));
}

/* Whether it is a recorded session: read-only, nothing to ping or close. */
gboolean
lab_inspected_connection_is_recorded (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), FALSE);
  return LAB_IS_RECORDED_SESSION (lab_inspected_connection_get_source (self));
}
