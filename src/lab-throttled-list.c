/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-throttled-list"

#include "config.h"

#include "lab-throttled-list.h"

/* What a view shows of an engine list, taken in batches: the server shares
 * the main loop with the window, and a join storm or a burst of clicks must
 * not rebuild rows for every event. The source's changes are gathered and
 * applied a few times a second, as one change covering what differs. It can
 * show the source the other way round (the newest first, without sorting)
 * and only its first items. */

/* Ten times a second: the eye sees it as live, the server hardly notices. */
#define THROTTLE_INTERVAL_MS 100

struct _LabThrottledList
{
  GObject     parent_instance;

  GListModel *source;
  /* What this model shows now: the items as they were at the last update */
  GPtrArray  *items;
  guint       limit;
  guint       update_source;
  gboolean    reversed;
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

/**
 * lab_throttled_list_flush:
 *
 * Shows the source as it is now, announcing one change that covers the
 * items between the unchanged ones at the start and at the end.
 */
void
lab_throttled_list_flush (LabThrottledList *self)
{
  g_autoptr(GPtrArray) old = NULL;
  guint prefix = 0;
  guint suffix = 0;
  guint old_len;
  guint new_len;

  g_return_if_fail (LAB_IS_THROTTLED_LIST (self));

  g_clear_handle_id (&self->update_source, g_source_remove);

  old = g_steal_pointer (&self->items);
  self->items = take_items (self);
  old_len = old->len;
  new_len = self->items->len;

  while (prefix < old_len && prefix < new_len &&
         g_ptr_array_index (old, prefix) == g_ptr_array_index (self->items, prefix))
    prefix++;
  while (suffix < old_len - prefix && suffix < new_len - prefix &&
         g_ptr_array_index (old, old_len - 1 - suffix) ==
         g_ptr_array_index (self->items, new_len - 1 - suffix))
    suffix++;

  if (prefix + suffix < MAX (old_len, new_len))
    g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                                old_len - prefix - suffix, new_len - prefix - suffix);
}

static gboolean
update_cb (gpointer user_data)
{
  LabThrottledList *self = user_data;

  self->update_source = 0;
  lab_throttled_list_flush (self);

  return G_SOURCE_REMOVE;
}

static void
source_changed_cb (LabThrottledList *self)
{
  if (self->update_source == 0)
    self->update_source = g_timeout_add (THROTTLE_INTERVAL_MS, update_cb, self);
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
