/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/socket.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>

#include "lab-poll-hub.h"
#include "lab-test-utils.h"

/* The hub wakes exactly the connections whose socket has something to read,
 * however many it watches, and never the wrong one. */

/* Bounds every wait: a turn that never comes fails the test, not the CI job. */
#define MAX_TURNS 1000

typedef struct
{
  int           fds[2];       /* [0] watched, [1] written by the test */
  GInputStream *stream;
  GSource      *source;
  guint         wakes;
  gsize         bytes_read;
} Pair;

static gboolean
readable_cb (GObject  *stream,
             gpointer  user_data)
{
  Pair *pair = user_data;
  char buffer[64];
  gssize n;

  pair->wakes++;
  /* Drains, as libsoup's WebSocket does. */
  while ((n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buffer,
                                                        sizeof buffer, NULL, NULL)) > 0)
    pair->bytes_read += n;

  return G_SOURCE_CONTINUE;
}

static void
pair_open (Pair *pair)
{
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair->fds),
                   ==, 0);
  pair->stream = g_unix_input_stream_new (pair->fds[0], FALSE);
}

static void
pair_watch (Pair         *pair,
            GMainContext *context)
{
  pair->source = lab_poll_hub_create_source (G_OBJECT (pair->stream), pair->fds[0]);
  g_assert_nonnull (pair->source);
  g_source_set_callback (pair->source, G_SOURCE_FUNC (readable_cb), pair, NULL);
  g_source_attach (pair->source, context);
}

static void
pair_close (Pair *pair)
{
  if (pair->source != NULL)
    {
      g_source_destroy (pair->source);
      g_clear_pointer (&pair->source, g_source_unref);
    }
  g_clear_object (&pair->stream);
  close (pair->fds[0]);
  close (pair->fds[1]);
}

static void
pair_write (Pair       *pair,
            const char *text)
{
  g_assert_cmpint (write (pair->fds[1], text, strlen (text)), ==, (gssize) strlen (text));
}

/* Runs the context until @pair has read @bytes, a bounded number of turns. */
static void
run_until_read (GMainContext *context,
                Pair         *pair,
                gsize         bytes)
{
  for (guint turn = 0; turn < MAX_TURNS && pair->bytes_read < bytes; turn++)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (pair->bytes_read, ==, bytes);
}

/* Turns that do not block: what a busy loop would do with a spurious wake. */
static void
run_idle_turns (GMainContext *context)
{
  for (guint turn = 0; turn < 20; turn++)
    g_main_context_iteration (context, FALSE);
}

static void
test_wakes_only_the_readable (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Pair pairs[500] = { 0 };
  guint chosen[] = { 3, 250, 499 };

  g_main_context_push_thread_default (context);
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      pair_open (&pairs[i]);
      pair_watch (&pairs[i], context);
    }

  for (guint i = 0; i < G_N_ELEMENTS (chosen); i++)
    pair_write (&pairs[chosen[i]], "hello");
  for (guint i = 0; i < G_N_ELEMENTS (chosen); i++)
    run_until_read (context, &pairs[chosen[i]], 5);
  run_idle_turns (context);

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      gboolean is_chosen = i == chosen[0] || i == chosen[1] || i == chosen[2];

      /* Woken once for its bytes, and not again once they were read. */
      g_assert_cmpuint (pairs[i].wakes, ==, is_chosen ? 1 : 0);
      g_assert_cmpuint (pairs[i].bytes_read, ==, is_chosen ? 5 : 0);
    }

  /* More bytes later: woken again. */
  pair_write (&pairs[250], "again");
  run_until_read (context, &pairs[250], 10);
  g_assert_cmpuint (pairs[250].wakes, ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    pair_close (&pairs[i]);
  g_main_context_pop_thread_default (context);
}

/* libsoup makes a new source for each read and drops the old one after: the
 * new one takes over the socket, and the old one's end does not unwatch it. */
static void
test_new_source_takes_over (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Pair pair = { 0 };
  GSource *old;

  g_main_context_push_thread_default (context);
  pair_open (&pair);
  pair_watch (&pair, context);
  old = g_steal_pointer (&pair.source);
  g_source_destroy (old);

  pair_watch (&pair, context);
  g_source_unref (old);

  pair_write (&pair, "data");
  run_until_read (context, &pair, 4);
  g_assert_cmpuint (pair.wakes, ==, 1);

  pair_close (&pair);
  g_main_context_pop_thread_default (context);
}

/* A socket closed while its old source lives on, its number given to a new
 * connection: the new connection is watched, whenever the old source ends. */
static void
test_reused_descriptor (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Pair first = { 0 };
  Pair second = { 0 };
  GSource *old;
  int number;

  g_main_context_push_thread_default (context);
  pair_open (&first);
  pair_watch (&first, context);
  number = first.fds[0];
  old = g_steal_pointer (&first.source);
  g_source_destroy (old);
  close (first.fds[0]);
  close (first.fds[1]);
  g_clear_object (&first.stream);

  pair_open (&second);
  /* Give the new connection the old number, as the kernel would. */
  if (second.fds[0] != number)
    {
      g_assert_cmpint (dup2 (second.fds[0], number), ==, number);
      close (second.fds[0]);
      second.fds[0] = number;
      g_clear_object (&second.stream);
      second.stream = g_unix_input_stream_new (number, FALSE);
    }
  pair_watch (&second, context);
  g_source_unref (old);

  pair_write (&second, "fresh");
  run_until_read (context, &second, 5);

  pair_close (&second);
  g_main_context_pop_thread_default (context);
}

/* A source its owner destroyed, still referenced, its socket still readable:
 * the loop goes back to sleep rather than spinning on it. */
static void
test_destroyed_source_does_not_spin (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Pair pair = { 0 };

  g_main_context_push_thread_default (context);
  pair_open (&pair);
  pair_watch (&pair, context);
  g_source_destroy (pair.source);
  pair_write (&pair, "unread");

  run_idle_turns (context);
  g_assert_false (g_main_context_pending (context));
  g_assert_cmpuint (pair.wakes, ==, 0);

  pair_close (&pair);
  g_main_context_pop_thread_default (context);
}

/* Each main context has its own hub: a source wakes in the context it belongs to. */
static void
test_contexts_apart (void)
{
  g_autoptr(GMainContext) one = g_main_context_new ();
  g_autoptr(GMainContext) other = g_main_context_new ();
  Pair in_one = { 0 };
  Pair in_other = { 0 };

  g_main_context_push_thread_default (one);
  pair_open (&in_one);
  pair_watch (&in_one, one);
  g_main_context_pop_thread_default (one);

  g_main_context_push_thread_default (other);
  pair_open (&in_other);
  pair_watch (&in_other, other);
  g_main_context_pop_thread_default (other);

  pair_write (&in_one, "a");
  pair_write (&in_other, "b");
  run_idle_turns (other);
  g_assert_cmpuint (in_one.wakes, ==, 0);
  run_until_read (other, &in_other, 1);
  run_until_read (one, &in_one, 1);

  pair_close (&in_one);
  pair_close (&in_other);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/poll-hub/wakes-only-the-readable", test_wakes_only_the_readable);
  g_test_add_func ("/poll-hub/new-source-takes-over", test_new_source_takes_over);
  g_test_add_func ("/poll-hub/reused-descriptor", test_reused_descriptor);
  g_test_add_func ("/poll-hub/destroyed-source-does-not-spin", test_destroyed_source_does_not_spin);
  g_test_add_func ("/poll-hub/contexts-apart", test_contexts_apart);

  return g_test_run ();
}
