/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-lesson-progress"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-counter.h"
#include "lab-event.h"
#include "lab-lesson-progress.h"
#include "lab-tls.h"

/* Watches a server for the evidence of each lesson step: what its event log
 * says, how its users count moves, and the frames of the connections the
 * lessons open themselves (hello, a browser's time page), captured from their
 * first byte so that a checked step can point at the frame that proved it; a
 * counter connection's frames are there only while someone inspects it. Nothing is checked from what a button did; only what
 * the server saw counts. */

/* Connections captured at once for evidence, whatever a class opens: hello
 * connections end at once, and one time page proves a push. */
#define MAX_TRACKED 8

typedef struct
{
  LabLessonProgress *self;
  LabPeer           *peer;
  char              *reply;   /* hello: the greeting the server sent */
  GListModel        *frames;
  gboolean           tls;     /* joined while the server served TLS */
} Tracked;

typedef struct
{
  gboolean           done;
  char              *detail;
  LabPeer           *peer;
  /* The evidence frame, looked up when asked: it may be written later. */
  LabFrameDirection  direction;
  char              *needle;
} Evidence;

struct _LabLessonProgress
{
  GObject     parent_instance;

  LabServer  *server;
  GHashTable *tracked;          /* peer id → Tracked */
  Evidence    evidence[LAB_LESSON_N_STEPS];
  guint       users;            /* the count last seen */
  LabPeer    *last_counter_peer;
  GHashTable *pages;            /* ids of the counter connections from a browser's page */
  guint       action_peer_id;
  gboolean    action_seen;
};

enum {
  STEP_CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (LabLessonProgress, lab_lesson_progress, G_TYPE_OBJECT)

static guint signals[N_SIGNALS];

static void
evidence_clear (Evidence *evidence)
{
  g_clear_pointer (&evidence->detail, g_free);
  g_clear_pointer (&evidence->needle, g_free);
  g_clear_object (&evidence->peer);
  evidence->done = FALSE;
}

static void
mark (LabLessonProgress *self,
      LabLessonStep      step,
      LabPeer           *peer,
      LabFrameDirection  direction,
      const char        *needle,
      char              *detail)
{
  Evidence *evidence = &self->evidence[step];

  evidence_clear (evidence);
  evidence->done = TRUE;
  evidence->detail = detail;
  g_set_object (&evidence->peer, peer);
  evidence->direction = direction;
  evidence->needle = g_strdup (needle);
  g_debug ("step %u: %s", step, detail);

  g_signal_emit (self, signals[STEP_CHANGED], 0, step);
}

static void
tracked_free (Tracked *tracked)
{
  if (tracked->frames != NULL)
    g_signal_handlers_disconnect_by_data (tracked->frames, tracked);
  g_clear_object (&tracked->frames);
  g_clear_object (&tracked->peer);
  g_free (tracked->reply);
  g_free (tracked);
}

static gboolean
is_server_text (LabFrame *frame)
{
  return lab_frame_get_direction (frame) == LAB_FRAME_SERVER_TO_CLIENT &&
         lab_frame_get_opcode (frame) == SOUP_WEBSOCKET_DATA_TEXT;
}

/* A /time connection: the first timestamp the server pushes is the evidence. */
static void
time_frames_changed_cb (GListModel *frames,
                        guint       position,
                        guint       removed,
                        guint       added,
                        Tracked    *tracked)
{
  LabLessonProgress *self = tracked->self;

  if (self->evidence[LAB_LESSON_STEP_TIME].done)
    return;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i);
      g_autofree char *text = NULL;

      if (!is_server_text (frame))
        continue;

      text = lab_frame_dup_payload_text (frame);
      mark (self, LAB_LESSON_STEP_TIME, tracked->peer, LAB_FRAME_SERVER_TO_CLIENT, text,
            /* Translators: %s is a timestamp the server sent */
            g_strdup_printf (_("The server pushed “%s” without being asked"), text));
      return;
    }
}

/* A browser always sends Origin; this app's own clients never do, and they
 * connect and reconnect by themselves (the TLS lesson restarts the server):
 * only a page counts as a step someone did. */
static gboolean
is_page (const char *origin)
{
  return origin != NULL && *origin != '\0';
}

static gboolean
wants_peer (LabLessonProgress *self,
            LabPeer           *peer)
{
  const char *origin = lab_peer_get_origin (peer);

  switch (lab_peer_get_route (peer))
    {
    case LAB_ROUTE_HELLO:
      return TRUE;
    case LAB_ROUTE_TIME:
      return !self->evidence[LAB_LESSON_STEP_TIME].done && is_page (origin);
    case LAB_ROUTE_COUNTER:
      /* A class's counter connections record nothing unless inspected. */
      return FALSE;
    default:
      return FALSE;
    }
}

/* Before anything is sent to a new connection: capture it from the start. */
static void
peers_changed_cb (LabLessonProgress *self,
                  guint              position,
                  guint              removed,
                  guint              added,
                  GListModel        *peers)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (peers, i);
      LabRoute route = lab_peer_get_route (peer);
      Tracked *tracked;

      if (route == LAB_ROUTE_COUNTER)
        g_set_object (&self->last_counter_peer, peer);

      if (!wants_peer (self, peer) || g_hash_table_size (self->tracked) >= MAX_TRACKED)
        continue;

      lab_peer_set_capture (peer, TRUE);
      tracked = g_new0 (Tracked, 1);
      tracked->self = self;
      tracked->peer = g_object_ref (peer);
      tracked->tls = lab_server_get_tls_certificate (self->server) != NULL;
      tracked->frames = g_object_ref (lab_peer_get_frames (peer));
      if (route == LAB_ROUTE_TIME)
        g_signal_connect (tracked->frames, "items-changed",
                          G_CALLBACK (time_frames_changed_cb), tracked);
      g_hash_table_insert (self->tracked, GUINT_TO_POINTER (lab_peer_get_id (peer)), tracked);
    }
}

static gboolean
is_counter_path (const char *path)
{
  return g_strcmp0 (path, "/") == 0 || g_strcmp0 (path, "/counter") == 0;
}

static void
hello_left (LabLessonProgress *self,
            Tracked           *tracked,
            guint              code)
{
  g_autofree char *fingerprint = NULL;
  GTlsCertificate *certificate;

  if (tracked->reply == NULL || code != SOUP_WEBSOCKET_CLOSE_NORMAL)
    return;

  if (!tracked->tls)
    {
      mark (self, LAB_LESSON_STEP_HELLO, tracked->peer, LAB_FRAME_SERVER_TO_CLIENT,
            tracked->reply,
            /* Translators: %s is the greeting, e.g. Hello Ada! */
            g_strdup_printf (_("The server answered “%s”, then closed with 1000"),
                             tracked->reply));
      return;
    }

  certificate = lab_server_get_tls_certificate (self->server);
  fingerprint = certificate ? lab_tls_dup_fingerprint (certificate) : g_strdup ("—");
  mark (self, LAB_LESSON_STEP_HELLO_TLS, tracked->peer, LAB_FRAME_SERVER_TO_CLIENT,
        tracked->reply,
        /* Translators: %s is the greeting, then the certificate's SHA-256 fingerprint */
        g_strdup_printf (_("“%s” came over wss:// with the certificate %s"),
                         tracked->reply, fingerprint));
}

/* Once per step checked, not per event: a walk along the peers is fine. */
static LabPeer *
find_peer (LabLessonProgress *self,
           guint              peer_id)
{
  GListModel *peers = lab_server_get_peers (self->server);

  for (guint i = 0; i < g_list_model_get_n_items (peers); i++)
    {
      g_autoptr(LabPeer) peer = g_list_model_get_item (peers, i);

      if (lab_peer_get_id (peer) == peer_id)
        return g_steal_pointer (&peer);
    }

  return NULL;
}

/* The server tells of a leave before it counts one user less. */
static void
page_left (LabLessonProgress *self)
{
  guint users = lab_counter_get_users (lab_server_get_counter (self->server));

  if (!self->evidence[LAB_LESSON_STEP_COUNTER_JOIN].done ||
      self->evidence[LAB_LESSON_STEP_COUNTER_LEAVE].done || users == 0)
    return;

  mark (self, LAB_LESSON_STEP_COUNTER_LEAVE, NULL, LAB_FRAME_SERVER_TO_CLIENT, NULL,
        /* Translators: the users count before and after a page left */
        g_strdup_printf (_("A page left: users %u → %u"), users, users - 1));
}

static void
note_event (LabLessonProgress *self,
            LabEvent          *event)
{
  Tracked *tracked;
  guint peer_id = lab_event_get_peer_id (event);

  tracked = peer_id ? g_hash_table_lookup (self->tracked, GUINT_TO_POINTER (peer_id)) : NULL;

  switch (lab_event_get_kind (event))
    {
    case LAB_EVENT_MESSAGE_OUT:
      if (tracked != NULL && lab_peer_get_route (tracked->peer) == LAB_ROUTE_HELLO)
        {
          g_free (tracked->reply);
          tracked->reply = g_strdup (lab_event_get_detail (event));
        }
      else if (peer_id == 0 && self->action_seen && lab_event_get_count (event) >= 2 &&
               strstr (lab_event_get_detail (event), "\"state\"") != NULL)
        {
          g_autoptr(LabPeer) action_peer = find_peer (self, self->action_peer_id);

          self->action_seen = FALSE;
          mark (self, LAB_LESSON_STEP_COUNTER_BROADCAST, action_peer,
                LAB_FRAME_CLIENT_TO_SERVER, "action",
                /* Translators: %u is how many clients the server sent the new state to */
                g_strdup_printf (_("One action in, the new state out to %u clients"),
                                 lab_event_get_count (event)));
        }
      break;

    case LAB_EVENT_MESSAGE_IN:
      if (!self->evidence[LAB_LESSON_STEP_COUNTER_BROADCAST].done &&
          is_counter_path (lab_event_get_path (event)) &&
          strstr (lab_event_get_detail (event), "action") != NULL)
        {
          self->action_seen = TRUE;
          self->action_peer_id = peer_id;
        }
      break;

    case LAB_EVENT_JOIN:
      if (is_counter_path (lab_event_get_path (event)) && is_page (lab_event_get_detail (event)))
        g_hash_table_add (self->pages, GUINT_TO_POINTER (peer_id));
      break;

    case LAB_EVENT_LEAVE:
      if (g_hash_table_remove (self->pages, GUINT_TO_POINTER (peer_id)))
        page_left (self);
      if (tracked == NULL)
        break;
      if (lab_peer_get_route (tracked->peer) == LAB_ROUTE_HELLO)
        hello_left (self, tracked, lab_event_get_code (event));
      g_hash_table_remove (self->tracked, GUINT_TO_POINTER (peer_id));
      break;

    case LAB_EVENT_LISTENING:
    case LAB_EVENT_STOPPED:
    case LAB_EVENT_ERROR:
    case LAB_EVENT_CLOSE:
    case LAB_EVENT_REFUSED:
    default:
      break;
    }
}

static void
event_log_changed_cb (LabLessonProgress *self,
                      guint              position,
                      guint              removed,
                      guint              added,
                      GListModel        *event_log)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (event_log, i);

      note_event (self, event);
    }
}

static void
users_changed_cb (LabLessonProgress *self)
{
  guint users = lab_counter_get_users (lab_server_get_counter (self->server));
  guint before = self->users;

  self->users = users;

  /* The first evidence stands until a reset: a class joining at once must
   * not redraw the page per join. */
  if (users > before && users >= 2 && !self->evidence[LAB_LESSON_STEP_COUNTER_JOIN].done &&
      self->last_counter_peer != NULL && is_page (lab_peer_get_origin (self->last_counter_peer)))
    mark (self, LAB_LESSON_STEP_COUNTER_JOIN, self->last_counter_peer,
          LAB_FRAME_SERVER_TO_CLIENT, "\"users\"",
          /* Translators: the users count before and after a page joined */
          g_strdup_printf (_("A page joined: users %u → %u"), before, users));
}

static void
tls_changed_cb (LabLessonProgress *self)
{
  GTlsCertificate *certificate = lab_server_get_tls_certificate (self->server);
  g_autofree char *fingerprint = NULL;

  if (certificate == NULL || !lab_server_get_running (self->server))
    return;

  fingerprint = lab_tls_dup_fingerprint (certificate);
  mark (self, LAB_LESSON_STEP_TLS_ON, NULL, LAB_FRAME_SERVER_TO_CLIENT, NULL,
        /* Translators: %s is a SHA-256 fingerprint */
        g_strdup_printf (_("The server serves wss:// with the certificate SHA-256 %s"),
                         fingerprint));
}

static void
lab_lesson_progress_dispose (GObject *object)
{
  LabLessonProgress *self = LAB_LESSON_PROGRESS (object);

  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (lab_server_get_peers (self->server), self);
      g_signal_handlers_disconnect_by_data (lab_server_get_event_log (self->server), self);
      g_signal_handlers_disconnect_by_data (lab_server_get_counter (self->server), self);
      g_signal_handlers_disconnect_by_data (self->server, self);
    }

  g_clear_pointer (&self->tracked, g_hash_table_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  for (guint i = 0; i < LAB_LESSON_N_STEPS; i++)
    evidence_clear (&self->evidence[i]);
  g_clear_object (&self->last_counter_peer);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (lab_lesson_progress_parent_class)->dispose (object);
}

static void
lab_lesson_progress_class_init (LabLessonProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_lesson_progress_dispose;

  /**
   * LabLessonProgress::step-changed:
   * @step: the #LabLessonStep checked, or cleared by a reset
   */
  signals[STEP_CHANGED] =
    g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
lab_lesson_progress_init (LabLessonProgress *self)
{
  self->tracked = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) tracked_free);
  self->pages = g_hash_table_new (NULL, NULL);
}

/**
 * lab_lesson_progress_new:
 * @server: the server whose traffic counts
 *
 * Only what happens from now on counts; a server already serving TLS counts
 * as switched on.
 */
LabLessonProgress *
lab_lesson_progress_new (LabServer *server)
{
  LabLessonProgress *self;

  g_return_val_if_fail (LAB_IS_SERVER (server), NULL);

  self = g_object_new (LAB_TYPE_LESSON_PROGRESS, NULL);
  self->server = g_object_ref (server);
  self->users = lab_counter_get_users (lab_server_get_counter (server));

  g_signal_connect_object (lab_server_get_peers (server), "items-changed",
                           G_CALLBACK (peers_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_server_get_event_log (server), "items-changed",
                           G_CALLBACK (event_log_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_server_get_counter (server), "notify::users",
                           G_CALLBACK (users_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (server, "notify::tls-certificate",
                           G_CALLBACK (tls_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (server, "notify::running",
                           G_CALLBACK (tls_changed_cb), self, G_CONNECT_SWAPPED);
  tls_changed_cb (self);

  return self;
}

LabServer *
lab_lesson_progress_get_server (LabLessonProgress *self)
{
  g_return_val_if_fail (LAB_IS_LESSON_PROGRESS (self), NULL);
  return self->server;
}

gboolean
lab_lesson_progress_is_done (LabLessonProgress *self,
                             LabLessonStep      step)
{
  g_return_val_if_fail (LAB_IS_LESSON_PROGRESS (self), FALSE);
  g_return_val_if_fail (step < LAB_LESSON_N_STEPS, FALSE);
  return self->evidence[step].done;
}

/* Returns: (nullable): what proved the step, in words */
const char *
lab_lesson_progress_get_detail (LabLessonProgress *self,
                                LabLessonStep      step)
{
  g_return_val_if_fail (LAB_IS_LESSON_PROGRESS (self), NULL);
  g_return_val_if_fail (step < LAB_LESSON_N_STEPS, NULL);
  return self->evidence[step].detail;
}

/* Returns: (transfer none) (nullable): the connection the evidence came from,
 * open or not */
LabPeer *
lab_lesson_progress_get_peer (LabLessonProgress *self,
                              LabLessonStep      step)
{
  g_return_val_if_fail (LAB_IS_LESSON_PROGRESS (self), NULL);
  g_return_val_if_fail (step < LAB_LESSON_N_STEPS, NULL);
  return self->evidence[step].peer;
}

/**
 * lab_lesson_progress_get_frame:
 *
 * Returns: (transfer full) (nullable): the newest captured frame of the
 *   evidence connection that carried the evidence
 */
LabFrame *
lab_lesson_progress_get_frame (LabLessonProgress *self,
                               LabLessonStep      step)
{
  Evidence *evidence;
  GListModel *frames;

  g_return_val_if_fail (LAB_IS_LESSON_PROGRESS (self), NULL);
  g_return_val_if_fail (step < LAB_LESSON_N_STEPS, NULL);

  evidence = &self->evidence[step];
  if (evidence->peer == NULL || evidence->needle == NULL)
    return NULL;

  frames = lab_peer_get_frames (evidence->peer);
  if (frames == NULL)
    return NULL;

  for (guint i = g_list_model_get_n_items (frames); i > 0; i--)
    {
      g_autoptr(LabFrame) frame = g_list_model_get_item (frames, i - 1);
      g_autofree char *text = NULL;

      if (lab_frame_get_direction (frame) != evidence->direction ||
          lab_frame_get_opcode (frame) != SOUP_WEBSOCKET_DATA_TEXT)
        continue;

      text = lab_frame_dup_payload_text (frame);
      if (text != NULL && strstr (text, evidence->needle) != NULL)
        return g_steal_pointer (&frame);
    }

  return NULL;
}

guint
lab_lesson_progress_count_done (LabLessonProgress *self)
{
  guint done = 0;

  g_return_val_if_fail (LAB_IS_LESSON_PROGRESS (self), 0);

  for (guint i = 0; i < LAB_LESSON_N_STEPS; i++)
    done += self->evidence[i].done;

  return done;
}

/* Forgets every check: the evidence must be seen again. */
void
lab_lesson_progress_reset (LabLessonProgress *self)
{
  g_return_if_fail (LAB_IS_LESSON_PROGRESS (self));

  self->action_seen = FALSE;
  self->users = lab_counter_get_users (lab_server_get_counter (self->server));

  for (guint i = 0; i < LAB_LESSON_N_STEPS; i++)
    {
      evidence_clear (&self->evidence[i]);
      g_signal_emit (self, signals[STEP_CHANGED], 0, i);
    }
}
