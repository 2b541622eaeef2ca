/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-inspected-connection"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-bounded-list.h"
#include "lab-har.h"
#include "lab-inspected-connection-private.h"

/* The one connection an Inspector shows, whatever side of it this app is on:
 * its handshake, its frames, its keepalive and its end, and what a person may
 * do to it. Each kind of source (a server connection, this window's client)
 * is a table of the engine calls that answer; the views only see this
 * object. */


struct _LabInspectedConnection
{
  GObject            parent_instance;

  GObject           *source;
  const SourceCalls *calls;
  char              *title;
  gboolean           capturing;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_PONG_RTT,
  PROP_OPEN,
  PROP_CLOSE_DESCRIPTION,
  PROP_HANDSHAKE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabInspectedConnection, lab_inspected_connection, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* Two windows may inspect one connection: it captures while any of them does. */
static GQuark
capture_count_quark (void)
{
  return g_quark_from_static_string ("lab-inspected-capture-count");
}

/* A server connection (LabPeer) */

static LabHandshake *
peer_get_handshake (GObject *source)
{
  return lab_peer_get_handshake (LAB_PEER (source));
}

static GListModel *
peer_get_frames (GObject *source)
{
  return lab_peer_get_frames (LAB_PEER (source));
}

static int
peer_get_pong_rtt (GObject *source)
{
  return lab_peer_get_pong_rtt (LAB_PEER (source));
}

static gboolean
peer_is_open (GObject *source)
{
  return lab_peer_is_open (LAB_PEER (source));
}

static char *
peer_describe_close (GObject *source)
{
  return lab_peer_describe_close (LAB_PEER (source));
}

static gushort
peer_get_close_code (GObject *source)
{
  return lab_peer_get_close_code_received (LAB_PEER (source));
}

static gboolean
peer_ping_now (GObject *source)
{
  return lab_peer_ping_now (LAB_PEER (source));
}

static void
peer_set_capture (GObject  *source,
                  gboolean  capture)
{
  lab_peer_set_capture (LAB_PEER (source), capture);
}

static gboolean
peer_close (GObject     *source,
            gushort      code,
            const char  *reason,
            GError     **error)
{
  return lab_peer_close (LAB_PEER (source), code, reason, error);
}

static const SourceCalls peer_calls = {
  peer_get_handshake,
  peer_get_frames,
  peer_get_pong_rtt,
  peer_is_open,
  peer_describe_close,
  peer_get_close_code,
  peer_ping_now,
  peer_set_capture,
  peer_close,
  { "closing", "closed", NULL },
  FALSE,
  NULL,
};

/* This window's client (LabClient): its counter connection, the one the
 * window shows; it reconnects by itself, each connection with a handshake
 * of its own and its frames in one ring. */

static LabHandshake *
client_get_handshake (GObject *source)
{
  return lab_client_get_handshake (LAB_CLIENT (source));
}

static GListModel *
client_get_frames (GObject *source)
{
  return lab_client_get_frames (LAB_CLIENT (source));
}

static int
client_get_pong_rtt (GObject *source)
{
  return lab_client_get_pong_rtt (LAB_CLIENT (source));
}

static gboolean
client_is_open (GObject *source)
{
  return lab_client_get_state (LAB_CLIENT (source)) == LAB_CLIENT_STATE_CONNECTED;
}

static char *
client_describe_close (GObject *source)
{
  return lab_client_describe_close (LAB_CLIENT (source));
}

static gushort
client_get_close_code (GObject *source)
{
  return lab_client_get_close_code_received (LAB_CLIENT (source));
}

static gboolean
client_ping_now (GObject *source)
{
  return lab_client_ping_now (LAB_CLIENT (source));
}

static void
client_set_capture (GObject  *source,
                    gboolean  capture)
{
  lab_client_set_capture (LAB_CLIENT (source), capture);
}

static gboolean
client_close (GObject     *source,
              gushort      code,
              const char  *reason,
              GError     **error)
{
  return lab_client_close (LAB_CLIENT (source), code, reason, error);
}

static char *
client_dup_url (GObject *source)
{
  return g_strdup (lab_client_get_counter_url (LAB_CLIENT (source)));
}

static const SourceCalls client_calls = {
  client_get_handshake,
  client_get_frames,
  client_get_pong_rtt,
  client_is_open,
  client_describe_close,
  client_get_close_code,
  client_ping_now,
  client_set_capture,
  client_close,
  { "notify::state", NULL },
  TRUE,
  client_dup_url,
};

static void
pong_rtt_cb (LabInspectedConnection *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PONG_RTT]);
}

static void
end_cb (LabInspectedConnection *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSE_DESCRIPTION]);
}

static void
handshake_cb (LabInspectedConnection *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDSHAKE]);
}

LabInspectedConnection *
_lab_inspected_connection_new (GObject           *source,
                               const SourceCalls *calls,
                               char              *title)
{
  LabInspectedConnection *self = g_object_new (LAB_TYPE_INSPECTED_CONNECTION, NULL);

  self->source = g_object_ref (source);
  self->calls = calls;
  self->title = title;

  /* A recorded session has no keepalive of its own. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (source), "pong-rtt") != NULL)
    g_signal_connect_object (source, "notify::pong-rtt", G_CALLBACK (pong_rtt_cb), self,
                             G_CONNECT_SWAPPED);
  for (guint i = 0; calls->end_signals[i] != NULL; i++)
    g_signal_connect_object (source, calls->end_signals[i], G_CALLBACK (end_cb), self,
                             G_CONNECT_SWAPPED);
  if (calls->handshake_changes)
    g_signal_connect_object (source, "notify::handshake", G_CALLBACK (handshake_cb), self,
                             G_CONNECT_SWAPPED);

  return self;
}

/**
 * lab_inspected_connection_new_for_peer:
 * @peer: a connection to this app's server
 *
 * Returns: (transfer full): the connection, seen from the server's side
 */
LabInspectedConnection *
lab_inspected_connection_new_for_peer (LabPeer *peer)
{
  g_return_val_if_fail (LAB_IS_PEER (peer), NULL);

  return _lab_inspected_connection_new (G_OBJECT (peer), &peer_calls,
                                   g_strdup_printf (_("Server connection #%u · %s · %s"),
                                                    lab_peer_get_id (peer),
                                                    lab_peer_get_remote_address (peer),
                                                    lab_peer_get_path (peer)));
}

/**
 * lab_inspected_connection_new_for_client:
 * @client: this window's client
 *
 * Returns: (transfer full): its counter connection, seen from the client's
 *   side, across reconnects
 */
LabInspectedConnection *
lab_inspected_connection_new_for_client (LabClient *client)
{
  g_return_val_if_fail (LAB_IS_CLIENT (client), NULL);

  return _lab_inspected_connection_new (G_OBJECT (client), &client_calls,
                                   g_strdup_printf (_("This window's client · %s"),
                                                    lab_client_get_counter_url (client)));
}

static void
lab_inspected_connection_dispose (GObject *object)
{
  LabInspectedConnection *self = LAB_INSPECTED_CONNECTION (object);

  if (self->source != NULL)
    lab_inspected_connection_set_capture (self, FALSE);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (lab_inspected_connection_parent_class)->dispose (object);
}

static void
lab_inspected_connection_finalize (GObject *object)
{
  LabInspectedConnection *self = LAB_INSPECTED_CONNECTION (object);

  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (lab_inspected_connection_parent_class)->finalize (object);
}

static void
lab_inspected_connection_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  LabInspectedConnection *self = LAB_INSPECTED_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_PONG_RTT:
      g_value_set_int (value, lab_inspected_connection_get_pong_rtt (self));
      break;

    case PROP_OPEN:
      g_value_set_boolean (value, lab_inspected_connection_get_open (self));
      break;

    case PROP_CLOSE_DESCRIPTION:
      g_value_take_string (value, lab_inspected_connection_dup_close_description (self));
      break;

    case PROP_HANDSHAKE:
      g_value_set_object (value, lab_inspected_connection_get_handshake (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_inspected_connection_class_init (LabInspectedConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_inspected_connection_dispose;
  object_class->finalize = lab_inspected_connection_finalize;
  object_class->get_property = lab_inspected_connection_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /* The latest ping's round trip in milliseconds, -1 before the first pong. */
  properties[PROP_PONG_RTT] =
    g_param_spec_int ("pong-rtt", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_OPEN] =
    g_param_spec_boolean ("open", NULL, NULL, TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CLOSE_DESCRIPTION] =
    g_param_spec_string ("close-description", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The latest connection's opening handshake: a client's changes on reconnect. */
  properties[PROP_HANDSHAKE] =
    g_param_spec_object ("handshake", NULL, NULL, LAB_TYPE_HANDSHAKE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_inspected_connection_init (LabInspectedConnection *self)
{
}

/* Returns: (transfer none): the engine object behind it (a #LabPeer…) */
GObject *
lab_inspected_connection_get_source (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), NULL);
  return self->source;
}

const char *
lab_inspected_connection_get_title (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), NULL);
  return self->title;
}

/* Returns: (transfer none) (nullable): the opening handshake */
LabHandshake *
lab_inspected_connection_get_handshake (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), NULL);
  return self->calls->get_handshake (self->source);
}

/**
 * lab_inspected_connection_get_frames:
 *
 * Returns: (transfer none) (nullable): the captured #LabFrame items, oldest
 *   first; %NULL before capture was first on
 */
GListModel *
lab_inspected_connection_get_frames (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), NULL);
  return self->calls->get_frames (self->source);
}

int
lab_inspected_connection_get_pong_rtt (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), -1);
  return self->calls->get_pong_rtt (self->source);
}

gboolean
lab_inspected_connection_get_open (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), FALSE);
  return self->calls->is_open (self->source);
}

/* Returns: (transfer full) (nullable): who closed, the codes, reasons and
 *   meanings; %NULL while open and no one closed */
char *
lab_inspected_connection_dup_close_description (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), NULL);
  return self->calls->describe_close (self->source);
}

/* Returns: the code the other side's close frame carried; 1006 when the
 *   connection ended without one; 0 while open */
gushort
lab_inspected_connection_get_close_code (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), 0);
  return self->calls->get_close_code (self->source);
}

/* Returns: whether a ping went out; its pong updates #LabInspectedConnection:pong-rtt */
gboolean
lab_inspected_connection_ping_now (LabInspectedConnection *self)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), FALSE);
  return self->calls->ping_now (self->source);
}

/**
 * lab_inspected_connection_close:
 * @code: 1000, 1001, 1008 or 4000–4999
 * @reason: (nullable): the close frame's reason
 *
 * This app's side starts the closing handshake.
 *
 * Returns: whether the close frame is on its way
 */
gboolean
lab_inspected_connection_close (LabInspectedConnection  *self,
                                gushort                  code,
                                const char              *reason,
                                GError                 **error)
{
  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), FALSE);
  return self->calls->close (self->source, code, reason, error);
}

/**
 * lab_inspected_connection_set_capture:
 * @capture: whether to record this connection's frames
 *
 * Frames cost nothing while no one captures them: on only while shown.
 */
void
lab_inspected_connection_set_capture (LabInspectedConnection *self,
                                      gboolean                capture)
{
  guint count;

  g_return_if_fail (LAB_IS_INSPECTED_CONNECTION (self));

  if (self->capturing == !!capture)
    return;

  self->capturing = !!capture;
  count = GPOINTER_TO_UINT (g_object_get_qdata (self->source, capture_count_quark ()));
  count = capture ? count + 1 : count - 1;
  g_object_set_qdata (self->source, capture_count_quark (), GUINT_TO_POINTER (count));
  self->calls->set_capture (self->source, count > 0);
}

/**
 * lab_inspected_connection_dup_url:
 *
 * Returns: (transfer full): the URL the connection was made to; from its
 *   handshake's Host and path when the source does not know it
 */
char *
lab_inspected_connection_dup_url (LabInspectedConnection *self)
{
  LabHandshake *handshake;

  g_return_val_if_fail (LAB_IS_INSPECTED_CONNECTION (self), NULL);

  if (self->calls->dup_url != NULL)
    return self->calls->dup_url (self->source);
  handshake = lab_inspected_connection_get_handshake (self);
  return handshake != NULL ? lab_har_url_from_handshake (handshake) : g_strdup ("ws://localhost/");
}

/* Forgets the frames captured so far; capture goes on. */
void
lab_inspected_connection_clear_frames (LabInspectedConnection *self)
{
  GListModel *frames;

  g_return_if_fail (LAB_IS_INSPECTED_CONNECTION (self));

  /* Every source keeps its frames in a bounded ring. */
  frames = lab_inspected_connection_get_frames (self);
  if (LAB_IS_BOUNDED_LIST (frames))
    lab_bounded_list_clear (LAB_BOUNDED_LIST (frames));
}
