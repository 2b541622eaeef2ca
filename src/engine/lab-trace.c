/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-trace"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "lab-peer.h"
#include "lab-trace.h"

/* `--trace`: every opening handshake, header by header with the derivation of
 * its accept value, and every frame of every connection, printed in the event
 * log's style (time, then the line), so a class in a terminal sees what the
 * Inspector shows. It captures every connection while it runs. */

struct _LabTrace
{
  LabServer  *server;
  GListModel *peers;
  GListModel *frames;
};

static void
print_line (GDateTime  *time,
            const char *text)
{
  g_autofree char *stamp = g_date_time_format_iso8601 (time);

  g_print ("%s %s\n", stamp, text);
}

/**
 * lab_trace_describe_handshake:
 *
 * Returns: (transfer full): the lines the trace prints for a handshake: the
 *   request line and headers (→), the response (←), then the derivation
 */
char **
lab_trace_describe_handshake (LabHandshake *handshake,
                              guint         peer_id)
{
  GPtrArray *lines = g_ptr_array_new ();
  g_auto(GStrv) steps = NULL;
  const char *name;
  const char *value;

  g_return_val_if_fail (LAB_IS_HANDSHAKE (handshake), NULL);

  g_ptr_array_add (lines, g_strdup_printf ("#%u → %s", peer_id,
                                           lab_handshake_get_request_line (handshake)));
  for (guint i = 0; i < lab_handshake_get_n_request_headers (handshake); i++)
    {
      lab_handshake_get_request_header (handshake, i, &name, &value);
      g_ptr_array_add (lines, g_strdup_printf ("#%u →   %s: %s", peer_id, name, value));
    }

  g_ptr_array_add (lines, g_strdup_printf ("#%u ← %s", peer_id,
                                           lab_handshake_get_response_line (handshake)));
  for (guint i = 0; i < lab_handshake_get_n_response_headers (handshake); i++)
    {
      lab_handshake_get_response_header (handshake, i, &name, &value);
      g_ptr_array_add (lines, g_strdup_printf ("#%u ←   %s: %s", peer_id, name, value));
    }

  steps = lab_handshake_describe_derivation (handshake);
  for (guint i = 0; steps[i] != NULL; i++)
    g_ptr_array_add (lines, g_strdup_printf (_("#%u accept %s"), peer_id, steps[i]));

  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (lines, FALSE);
}

static void
peers_changed_cb (GListModel *peers,
                  guint       position,
                  guint       removed,
                  guint       added,
                  LabTrace   *trace)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (peers, i);
      g_auto(GStrv) lines = lab_trace_describe_handshake (lab_peer_get_handshake (peer),
                                                          lab_peer_get_id (peer));

      for (guint j = 0; lines[j] != NULL; j++)
        print_line (lab_peer_get_connected_since (peer), lines[j]);
    }

  fflush (stdout);
}

static void
frames_changed_cb (GListModel *frames,
                   guint       position,
                   guint       removed,
                   guint       added,
                   LabTrace   *trace)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);
      gint64 time = lab_frame_get_time (frame);
      g_autoptr(GDateTime) second = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
      g_autoptr(GDateTime) when = g_date_time_add (second, time % G_USEC_PER_SEC);
      g_autofree char *line = lab_frame_describe (frame, LAB_TRACE_TEXT_MAX);

      print_line (when, line);
    }

  fflush (stdout);
}

/**
 * lab_trace_start:
 *
 * Prints from now on, until lab_trace_stop(), with the server capturing
 * every connection's frames meanwhile.
 */
LabTrace *
lab_trace_start (LabServer *server)
{
  LabTrace *trace;

  g_return_val_if_fail (LAB_IS_SERVER (server), NULL);

  trace = g_new0 (LabTrace, 1);
  trace->server = g_object_ref (server);
  trace->peers = g_object_ref (lab_server_get_peers (server));
  trace->frames = g_object_ref (G_LIST_MODEL (lab_server_get_frames (server)));

  lab_server_set_capture_all (server, TRUE);
  g_signal_connect (trace->peers, "items-changed", G_CALLBACK (peers_changed_cb), trace);
  g_signal_connect (trace->frames, "items-changed", G_CALLBACK (frames_changed_cb), trace);

  return trace;
}

void
lab_trace_stop (LabTrace *trace)
{
  if (trace == NULL)
    return;

  g_signal_handlers_disconnect_by_data (trace->peers, trace);
  g_signal_handlers_disconnect_by_data (trace->frames, trace);
  lab_server_set_capture_all (trace->server, FALSE);
  g_clear_object (&trace->peers);
  g_clear_object (&trace->frames);
  g_clear_object (&trace->server);
  g_free (trace);
}
