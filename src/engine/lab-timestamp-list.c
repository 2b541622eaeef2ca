/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-timestamp-list"

#include "config.h"

#include "lab-timestamp-list.h"

/* The newest texts of a time stream, newest first, as a GListModel of
 * LabTimestamp. Bounded: once full, each new text drops the oldest, so a
 * stream left running all lesson never grows it. */

struct _LabTimestampList
{
  GObject    parent_instance;

  GPtrArray *items;
  guint      capacity;
};

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabTimestampList, lab_timestamp_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GParamSpec *properties[N_PROPS];

static GType
lab_timestamp_list_get_item_type (GListModel *model)
{
  return LAB_TYPE_TIMESTAMP;
}

static guint
lab_timestamp_list_get_n_items (GListModel *model)
{
  return LAB_TIMESTAMP_LIST (model)->items->len;
}

static gpointer
lab_timestamp_list_get_item (GListModel *model,
                             guint       position)
{
  LabTimestampList *self = LAB_TIMESTAMP_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_timestamp_list_get_item_type;
  iface->get_n_items = lab_timestamp_list_get_n_items;
  iface->get_item = lab_timestamp_list_get_item;
}

static void
lab_timestamp_list_finalize (GObject *object)
{
  LabTimestampList *self = LAB_TIMESTAMP_LIST (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (lab_timestamp_list_parent_class)->finalize (object);
}

static void
lab_timestamp_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LabTimestampList *self = LAB_TIMESTAMP_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_timestamp_list_class_init (LabTimestampListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_timestamp_list_finalize;
  object_class->get_property = lab_timestamp_list_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_timestamp_list_init (LabTimestampList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

LabTimestampList *
lab_timestamp_list_new (guint capacity)
{
  LabTimestampList *self;

  g_return_val_if_fail (capacity > 0, NULL);

  self = g_object_new (LAB_TYPE_TIMESTAMP_LIST, NULL);
  self->capacity = capacity;

  return self;
}

guint
lab_timestamp_list_get_capacity (LabTimestampList *self)
{
  g_return_val_if_fail (LAB_IS_TIMESTAMP_LIST (self), 0);

  return self->capacity;
}

void
lab_timestamp_list_prepend (LabTimestampList *self,
                            const char       *text)
{
  gboolean full;

  g_return_if_fail (LAB_IS_TIMESTAMP_LIST (self));
  g_return_if_fail (text != NULL);

  full = self->items->len >= self->capacity;

  /* Each change is announced when the array already matches it, as views expect. */
  if (full)
    {
      g_ptr_array_remove_index (self->items, self->items->len - 1);
      g_list_model_items_changed (G_LIST_MODEL (self), self->items->len, 1, 0);
    }

  g_ptr_array_insert (self->items, 0, lab_timestamp_new (text));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);

  if (!full)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
lab_timestamp_list_clear (LabTimestampList *self)
{
  guint removed;

  g_return_if_fail (LAB_IS_TIMESTAMP_LIST (self));

  if (self->items->len == 0)
    return;

  removed = self->items->len;
  g_ptr_array_set_size (self->items, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}
