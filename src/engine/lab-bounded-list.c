/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-bounded-list"

#include "config.h"

#include "lab-bounded-list.h"

/* The newest items of a stream (events, timestamps) as a GListModel, oldest
 * or newest first. Bounded: once full, each new item drops the oldest, so a
 * busy classroom or a stream left running all lesson never grows it. A ring
 * of fixed size: adding never moves the items already there. */

struct _LabBoundedList
{
  GObject              parent_instance;

  GType                item_type;
  GObject            **ring;
  guint                capacity;
  guint                oldest;   /* index in @ring of the oldest item */
  guint                length;
  LabBoundedListOrder  order;
};

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabBoundedList, lab_bounded_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GParamSpec *properties[N_PROPS];

/* The @age-th item, 0 being the oldest. */
static GObject *
item_by_age (LabBoundedList *self,
             guint           age)
{
  return self->ring[(self->oldest + age) % self->capacity];
}

static GType
lab_bounded_list_get_item_type (GListModel *model)
{
  return LAB_BOUNDED_LIST (model)->item_type;
}

static guint
lab_bounded_list_get_n_items (GListModel *model)
{
  return LAB_BOUNDED_LIST (model)->length;
}

static gpointer
lab_bounded_list_get_item (GListModel *model,
                           guint       position)
{
  LabBoundedList *self = LAB_BOUNDED_LIST (model);

  if (position >= self->length)
    return NULL;

  if (self->order == LAB_BOUNDED_LIST_NEWEST_FIRST)
    position = self->length - 1 - position;

  return g_object_ref (item_by_age (self, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_bounded_list_get_item_type;
  iface->get_n_items = lab_bounded_list_get_n_items;
  iface->get_item = lab_bounded_list_get_item;
}

static void
drop_all (LabBoundedList *self)
{
  for (guint age = 0; age < self->length; age++)
    g_object_unref (item_by_age (self, age));

  self->oldest = 0;
  self->length = 0;
}

static void
lab_bounded_list_finalize (GObject *object)
{
  LabBoundedList *self = LAB_BOUNDED_LIST (object);

  drop_all (self);
  g_clear_pointer (&self->ring, g_free);

  G_OBJECT_CLASS (lab_bounded_list_parent_class)->finalize (object);
}

static void
lab_bounded_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabBoundedList *self = LAB_BOUNDED_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->length);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_bounded_list_class_init (LabBoundedListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_bounded_list_finalize;
  object_class->get_property = lab_bounded_list_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_bounded_list_init (LabBoundedList *self)
{
}

/**
 * lab_bounded_list_new:
 * @item_type: the type of the items, a #GObject type
 * @capacity: how many of the newest items to keep
 * @order: whether position 0 is the oldest or the newest
 */
LabBoundedList *
lab_bounded_list_new (GType               item_type,
                      guint               capacity,
                      LabBoundedListOrder order)
{
  LabBoundedList *self;

  g_return_val_if_fail (g_type_is_a (item_type, G_TYPE_OBJECT), NULL);
  g_return_val_if_fail (capacity > 0, NULL);

  self = g_object_new (LAB_TYPE_BOUNDED_LIST, NULL);
  self->item_type = item_type;
  self->capacity = capacity;
  self->order = order;
  self->ring = g_new0 (GObject *, capacity);

  return self;
}

guint
lab_bounded_list_get_capacity (LabBoundedList *self)
{
  g_return_val_if_fail (LAB_IS_BOUNDED_LIST (self), 0);

  return self->capacity;
}

LabBoundedListOrder
lab_bounded_list_get_order (LabBoundedList *self)
{
  g_return_val_if_fail (LAB_IS_BOUNDED_LIST (self), LAB_BOUNDED_LIST_OLDEST_FIRST);

  return self->order;
}

/**
 * lab_bounded_list_add:
 * @item: (transfer none): the newest item
 *
 * Adds @item as the newest, dropping the oldest when full.
 */
void
lab_bounded_list_add (LabBoundedList *self,
                      gpointer        item)
{
  gboolean newest_first;
  gboolean was_full;
  guint newest;

  g_return_if_fail (LAB_IS_BOUNDED_LIST (self));
  g_return_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (item, self->item_type));

  newest_first = self->order == LAB_BOUNDED_LIST_NEWEST_FIRST;
  was_full = self->length == self->capacity;

  /* Each change is announced when the items already match it, as views expect. */
  if (was_full)
    {
      g_object_unref (self->ring[self->oldest]);
      self->ring[self->oldest] = NULL;
      self->oldest = (self->oldest + 1) % self->capacity;
      self->length--;
      g_list_model_items_changed (G_LIST_MODEL (self), newest_first ? self->length : 0, 1, 0);
    }

  newest = (self->oldest + self->length) % self->capacity;
  self->ring[newest] = g_object_ref (item);
  self->length++;
  g_list_model_items_changed (G_LIST_MODEL (self), newest_first ? 0 : self->length - 1, 0, 1);

  if (!was_full)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
lab_bounded_list_clear (LabBoundedList *self)
{
  guint removed;

  g_return_if_fail (LAB_IS_BOUNDED_LIST (self));

  if (self->length == 0)
    return;

  removed = self->length;
  drop_all (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}
