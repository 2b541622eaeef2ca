/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-poll-hub"

#include "config.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lab-poll-hub.h"

/* With thousands of connections, GLib's main loop spends each turn handing every
 * connection's socket to poll() and checking it afterwards, even when only a few
 * have data: a lecture hall's server did little else. Here every socket a main
 * context watches goes into one epoll set instead, so GLib polls one descriptor; the
 * hub wakes only the watches whose socket is readable. A watch dispatches like
 * g_pollable_input_stream_create_source()'s source. Level-triggered: a watch whose
 * callback leaves data unread is woken again on the next turn. */

/* Readiness reported per turn; more wait (still ready) for the next. */
#define HUB_MAX_EVENTS 256

typedef struct
{
  GSource       source;
  GMainContext *context;   /* the key in hubs; not owned, the context owns the hub */
  int           epoll_fd;
  GHashTable   *watches;   /* fd → LabHubWatch now registered for it; not owned */
} LabPollHub;

typedef struct
{
  GSource     source;
  LabPollHub *hub;         /* owned */
  GObject    *stream;      /* owned */
  int         fd;
} LabHubWatch;

G_LOCK_DEFINE_STATIC (hubs);
static GHashTable *hubs;   /* GMainContext → LabPollHub attached to it; not owned */

static void
hub_unregister_fd (LabPollHub *hub,
                   int         fd)
{
  /* Fails harmlessly when the socket is already closed: the kernel dropped it then. */
  epoll_ctl (hub->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
  g_hash_table_remove (hub->watches, GINT_TO_POINTER (fd));
}

static gboolean
hub_dispatch (GSource     *source,
              GSourceFunc  callback,
              gpointer     user_data)
{
  LabPollHub *hub = (LabPollHub *) source;
  struct epoll_event events[HUB_MAX_EVENTS];
  int n;

  do
    n = epoll_wait (hub->epoll_fd, events, HUB_MAX_EVENTS, 0);
  while (n < 0 && errno == EINTR);

  for (int i = 0; i < n; i++)
    {
      int fd = events[i].data.fd;
      LabHubWatch *watch = g_hash_table_lookup (hub->watches, GINT_TO_POINTER (fd));

      /* A watch its owner destroyed would otherwise wake the hub on every turn until
       * its last reference goes. */
      if (watch == NULL || g_source_is_destroyed (&watch->source))
        hub_unregister_fd (hub, fd);
      else if (g_source_get_ready_time (&watch->source) != 0)
        g_source_set_ready_time (&watch->source, 0);
    }

  return G_SOURCE_CONTINUE;
}

static void
hub_finalize (GSource *source)
{
  LabPollHub *hub = (LabPollHub *) source;

  G_LOCK (hubs);
  if (hubs != NULL && g_hash_table_lookup (hubs, hub->context) == hub)
    g_hash_table_remove (hubs, hub->context);
  G_UNLOCK (hubs);

  g_clear_pointer (&hub->watches, g_hash_table_unref);
  if (hub->epoll_fd >= 0)
    close (hub->epoll_fd);
}

static GSourceFuncs hub_funcs = {
  .dispatch = hub_dispatch,
  .finalize = hub_finalize,
};

/* Returns: (transfer full) (nullable): the hub of @context, made and attached on first use */
static LabPollHub *
hub_ref_for_context (GMainContext *context)
{
  LabPollHub *hub;
  int epoll_fd;

  G_LOCK (hubs);
  if (hubs == NULL)
    hubs = g_hash_table_new (NULL, NULL);

  /* A destroyed hub belonged to a context that died; a new one may have its address. */
  hub = g_hash_table_lookup (hubs, context);
  if (hub != NULL && !g_source_is_destroyed (&hub->source))
    {
      g_source_ref (&hub->source);
      G_UNLOCK (hubs);
      return hub;
    }

  epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (epoll_fd < 0)
    {
      G_UNLOCK (hubs);
      g_warning ("Could not make an epoll set: %s", g_strerror (errno));
      return NULL;
    }

  hub = (LabPollHub *) g_source_new (&hub_funcs, sizeof (LabPollHub));
  hub->context = context;
  hub->epoll_fd = epoll_fd;
  hub->watches = g_hash_table_new (NULL, NULL);
  g_source_set_static_name (&hub->source, "LabPollHub");
  g_source_set_priority (&hub->source, LAB_PRIORITY_CONNECTIONS);
  g_source_add_unix_fd (&hub->source, epoll_fd, G_IO_IN);
  g_source_attach (&hub->source, context);
  g_hash_table_replace (hubs, context, hub);
  G_UNLOCK (hubs);

  return hub;
}

static gboolean
watch_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  LabHubWatch *watch = (LabHubWatch *) source;
  GPollableSourceFunc func = (GPollableSourceFunc) (void (*) (void)) callback;

  g_source_set_ready_time (source, -1);

  if (func == NULL)
    {
      g_warning ("A pollable source was dispatched without a callback");
      return G_SOURCE_REMOVE;
    }

  return func (watch->stream, user_data);
}

static void
watch_finalize (GSource *source)
{
  LabHubWatch *watch = (LabHubWatch *) source;

  /* Another watch may have the descriptor now: a socket closed and its number reused. */
  if (g_hash_table_lookup (watch->hub->watches, GINT_TO_POINTER (watch->fd)) == watch)
    hub_unregister_fd (watch->hub, watch->fd);

  g_clear_object (&watch->stream);
  g_source_unref (&watch->hub->source);
}

static GSourceFuncs watch_funcs = {
  .dispatch = watch_dispatch,
  .finalize = watch_finalize,
};

/**
 * lab_poll_hub_create_source:
 * @pollable_stream: the stream passed to the callback
 * @fd: the socket that makes @pollable_stream readable
 *
 * A source like g_pollable_input_stream_create_source() returns, for a stream
 * readable when @fd is, watched through the epoll set of the thread-default main
 * context: attach it there. Its callback is a #GPollableSourceFunc.
 *
 * Returns: (transfer full) (nullable): the source, or %NULL if @fd cannot be watched
 *   so (use the stream's own source then)
 */
GSource *
lab_poll_hub_create_source (GObject *pollable_stream,
                            int      fd)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  struct epoll_event event = { .events = EPOLLIN, .data.fd = fd };
  LabPollHub *hub;
  LabHubWatch *watch;
  gboolean registered;

  g_return_val_if_fail (G_IS_OBJECT (pollable_stream), NULL);
  g_return_val_if_fail (fd >= 0, NULL);

  hub = hub_ref_for_context (context);
  if (hub == NULL)
    return NULL;

  /* libsoup makes a new source for every read: then the socket's earlier watch is
   * still registered and this one takes over. Should the socket have been closed
   * and its number reused meanwhile, the kernel dropped it: add it then. */
  if (g_hash_table_contains (hub->watches, GINT_TO_POINTER (fd)))
    registered = epoll_ctl (hub->epoll_fd, EPOLL_CTL_MOD, fd, &event) == 0 ||
                 (errno == ENOENT && epoll_ctl (hub->epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0);
  else
    registered = epoll_ctl (hub->epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0 ||
                 (errno == EEXIST && epoll_ctl (hub->epoll_fd, EPOLL_CTL_MOD, fd, &event) == 0);
  if (!registered)
    {
      g_source_unref (&hub->source);
      return NULL;
    }

  watch = (LabHubWatch *) g_source_new (&watch_funcs, sizeof (LabHubWatch));
  watch->hub = hub;
  watch->stream = g_object_ref (pollable_stream);
  watch->fd = fd;
  g_source_set_static_name (&watch->source, "LabPollHub watch");
  g_source_set_priority (&watch->source, LAB_PRIORITY_CONNECTIONS);
  g_hash_table_replace (hub->watches, GINT_TO_POINTER (fd), watch);

  return &watch->source;
}

/**
 * lab_poll_hub_find_socket_fd:
 * @stream: a connection, maybe wrapped (libsoup hands over its own wrapper)
 *
 * The socket whose readiness says when @stream has more to read: the socket of a
 * #GSocketConnection, under wrappers that expose it as "base-iostream". A wrapper
 * may still hold bytes it read ahead: check the stream itself once before relying
 * on the socket alone. TLS has no such socket: its records decrypt in buffers.
 *
 * Returns: the socket's descriptor, or -1
 */
int
lab_poll_hub_find_socket_fd (GIOStream *stream)
{
  /* Two wrappers at most between a peer's stream and its socket; bounded all the same. */
  for (guint depth = 0; stream != NULL && depth < 4; depth++)
    {
      g_autoptr(GIOStream) base = NULL;
      GParamSpec *pspec;

      if (G_IS_SOCKET_CONNECTION (stream))
        return g_socket_get_fd (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)));
      if (G_IS_TLS_CONNECTION (stream))
        return -1;

      pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (stream), "base-iostream");
      if (pspec == NULL || !(pspec->flags & G_PARAM_READABLE) ||
          !g_type_is_a (pspec->value_type, G_TYPE_IO_STREAM))
        return -1;
      g_object_get (stream, "base-iostream", &base, NULL);
      stream = base;
      if (stream == NULL)
        return -1;
      /* The wrapper holds its base: the loop's pointer stays valid after the unref. */
    }
  return -1;
}
