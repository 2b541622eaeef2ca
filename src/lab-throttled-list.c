/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-throttled-list"

#include "config.h"

#include <gdk/gdk.h>

#include "lab-throttled-list.h"

/* What a view shows of an engine list, taken in batches: the server shares
 * the main loop with the window, and a join storm or a burst of clicks must
 * not rebuild rows for every event. The source's changes are gathered and
 * applied a few times a second, in steps a frame apart, as what went and what
 * came: the rows of the items that stayed are kept. It can
 * show the source the other way round (the newest first, without sorting)
 * and only its first items. */

/* Ten times a second: the eye sees it as live, the server hardly notices. */
#define THROTTLE_INTERVAL_MS 100
/* New rows a view builds in one go: GTK 4.8's list view makes a row for each
 * of the first 200 items, each some 0.5 ms to build and lay out, and the
 * server waits meanwhile (the same main loop); more come in later steps, the
 * newest (the top of the log) first. */
#define MAX_ADDED_PER_STEP 16
/* The next step comes after the view has drawn the last one (a frame at 60 Hz). */
#define STEP_INTERVAL_MS 20
/* Below the frame clock's: a view lays out and draws each step before the
 * next one comes. At the same priority as the server's sockets, steps went on
 * while a join storm kept the frame clock from running, and the first frame
 * after it laid out every row made meanwhile (some 270, 80 ms at N = 1000). */
#define UPDATE_PRIORITY (GDK_PRIORITY_REDRAW + 10)

struct _LabThrottledList
{
  GObject     parent_instance;

  GListModel *source;
  /* What this model shows now: the items as they were at the last update */
  GPtrArray  *items;
  guint       limit;
  guint       update_source;
  gboolean    reversed;
  /* Stands still, whatever the source does, until resumed */
  gboolean    paused;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabThrottledList, lab_throttled_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
lab_throttled_list_get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (LAB_THROTTLED_LIST (model)->source);
}

static guint
lab_throttled_list_get_n_items (GListModel *model)
{
  return LAB_THROTTLED_LIST (model)->items->len;
}

static gpointer
lab_throttled_list_get_item (GListModel *model,
                             guint       position)
{
  LabThrottledList *self = LAB_THROTTLED_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_throttled_list_get_item_type;
  iface->get_n_items = lab_throttled_list_get_n_items;
  iface->get_item = lab_throttled_list_get_item;
}

static GPtrArray *
take_items (LabThrottledList *self)
{
  guint n = g_list_model_get_n_items (self->source);
  guint shown = self->limit > 0 ? MIN (n, self->limit) : n;
  GPtrArray *items = g_ptr_array_new_full (shown, g_object_unref);

  for (guint i = 0; i < shown; i++)
    g_ptr_array_add (items, g_list_model_get_item (self->source, self->reversed ? n - 1 - i : i));

  return items;
}

/* Replaces @n_removed items at @position of what this model shows with
 * @n_added items of @items from @from, and announces it: each step of a flush
 * leaves the model as its announcement says. */
static void
splice_items (LabThrottledList *self,
              guint             position,
              guint             n_removed,
              GPtrArray        *items,
              guint             from,
              guint             n_added)
{
  if (n_removed == 0 && n_added == 0)
    return;

  if (n_removed > 0)
    g_ptr_array_remove_range (self->items, position, n_removed);
  for (guint i = 0; i < n_added; i++)
    g_ptr_array_insert (self->items, position + i,
                        g_object_ref (g_ptr_array_index (items, from + i)));

  g_list_model_items_changed (G_LIST_MODEL (self), position, n_removed, n_added);
}

/* One step towards the source as it is now: see lab_throttled_list_flush().
 * Both lists keep their items in the same order (a log, the peers as they
 * came), so one walk along both finds what went and what came. Returns
 * whether new items are left for another step. */
static gboolean
step (LabThrottledList *self)
{
  g_autoptr(GPtrArray) fresh = take_items (self);
  g_autoptr(GHashTable) in_fresh = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) in_shown = g_hash_table_new (NULL, NULL);
  guint budget = MAX_ADDED_PER_STEP;
  guint i = 0;
  guint j = 0;

  for (guint k = 0; k < fresh->len; k++)
    g_hash_table_add (in_fresh, g_ptr_array_index (fresh, k));
  for (guint k = 0; k < self->items->len; k++)
    g_hash_table_add (in_shown, g_ptr_array_index (self->items, k));

  /* What this model shows matches @fresh before @i (and @j). */
  while (i < self->items->len || j < fresh->len)
    {
      guint n = 0;

      if (i < self->items->len && j < fresh->len &&
          g_ptr_array_index (self->items, i) == g_ptr_array_index (fresh, j))
        {
          i++;
          j++;
          continue;
        }

      /* Shown items the source no longer has go, a run at a time. */
      while (i + n < self->items->len &&
             (j == fresh->len ||
              !g_hash_table_contains (in_fresh, g_ptr_array_index (self->items, i + n))))
        n++;
      if (n > 0)
        {
          splice_items (self, i, n, NULL, 0, 0);
          continue;
        }

      /* New items come, a run at a time, as many as one step builds. */
      while (j + n < fresh->len &&
             (i == self->items->len ||
              !g_hash_table_contains (in_shown, g_ptr_array_index (fresh, j + n))))
        n++;
      if (n > 0)
        {
          if (budget == 0)
            return TRUE;
          n = MIN (n, budget);
          budget -= n;
          splice_items (self, i, 0, fresh, j, n);
          i += n;
          j += n;
          continue;
        }

      /* Both here, in another order: this one comes back later as new. */
      g_hash_table_remove (in_shown, g_ptr_array_index (self->items, i));
      splice_items (self, i, 1, NULL, 0, 0);
    }

  return FALSE;
}

static gboolean
update_cb (gpointer user_data)
{
  LabThrottledList *self = user_data;

  self->update_source = 0;
  if (!self->paused && step (self))
    self->update_source = g_timeout_add_full (UPDATE_PRIORITY, STEP_INTERVAL_MS, update_cb, self,
                                              NULL);

  return G_SOURCE_REMOVE;
}

/**
 * lab_throttled_list_flush:
 *
 * Shows the source as it is now. Only what went and what came is announced,
 * so a view keeps the rows it has for the items that stayed: a log shown
 * newest first, which gains items at the top and drops as many at the end,
 * costs a view the new rows only, not a rebuild of every row. On its own, a
 * few times a second, it adds at most MAX_ADDED_PER_STEP items at a time and
 * the rest in the next steps; called by hand, everything at once.
 */
void
lab_throttled_list_flush (LabThrottledList *self)
{
  g_return_if_fail (LAB_IS_THROTTLED_LIST (self));

  g_clear_handle_id (&self->update_source, g_source_remove);

  while (step (self))
    ;
}

static void
source_changed_cb (LabThrottledList *self)
{
  if (self->update_source == 0 && !self->paused)
    self->update_source = g_timeout_add_full (UPDATE_PRIORITY, THROTTLE_INTERVAL_MS,
                                              update_cb, self, NULL);
}

static void
lab_throttled_list_dispose (GObject *object)
{
  LabThrottledList *self = LAB_THROTTLED_LIST (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (lab_throttled_list_parent_class)->dispose (object);
}

static void
lab_throttled_list_class_init (LabThrottledListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lab_throttled_list_dispose;
}

static void
lab_throttled_list_init (LabThrottledList *self)
{
}

/**
 * lab_throttled_list_new:
 * @source: the list to show
 * @reversed: show the last item of @source first
 * @limit: how many items to show at most; 0 for all
 */
LabThrottledList *
lab_throttled_list_new (GListModel *source,
                        gboolean    reversed,
                        guint       limit)
{
  LabThrottledList *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);

  self = g_object_new (LAB_TYPE_THROTTLED_LIST, NULL);
  self->source = g_object_ref (source);
  self->reversed = !!reversed;
  self->limit = limit;
  self->items = take_items (self);

  g_signal_connect_object (source, "items-changed", G_CALLBACK (source_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}

/**
 * lab_throttled_list_set_paused:
 * @paused: whether what this model shows stands still
 *
 * Paused, the model keeps showing the items it has while the source goes on
 * changing (a flush by hand still shows the source as it is); resumed, it
 * starts catching up at once, in its usual steps.
 */
void
lab_throttled_list_set_paused (LabThrottledList *self,
                               gboolean          paused)
{
  g_return_if_fail (LAB_IS_THROTTLED_LIST (self));

  paused = !!paused;
  if (self->paused == paused)
    return;

  self->paused = paused;
  g_clear_handle_id (&self->update_source, g_source_remove);
  /* Resumed, it catches up at once: a view scrolled back into sight. */
  if (!paused)
    self->update_source = g_timeout_add_full (UPDATE_PRIORITY, 0, update_cb, self, NULL);
}

gboolean
lab_throttled_list_get_paused (LabThrottledList *self)
{
  g_return_val_if_fail (LAB_IS_THROTTLED_LIST (self), FALSE);
  return self->paused;
}
