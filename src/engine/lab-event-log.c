/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-event-log"

#include "config.h"

#include "lab-event-log.h"

/* The newest events, oldest first, as a GListModel. Bounded: once full, each
 * new event drops the oldest, so a busy classroom never grows it. */

struct _LabEventLog
{
  GObject    parent_instance;

  GPtrArray *events;
  guint      capacity;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabEventLog, lab_event_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
lab_event_log_get_item_type (GListModel *model)
{
  return LAB_TYPE_EVENT;
}

static guint
lab_event_log_get_n_items (GListModel *model)
{
  return LAB_EVENT_LOG (model)->events->len;
}

static gpointer
lab_event_log_get_item (GListModel *model,
                        guint       position)
{
  LabEventLog *self = LAB_EVENT_LOG (model);

  if (position >= self->events->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->events, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_event_log_get_item_type;
  iface->get_n_items = lab_event_log_get_n_items;
  iface->get_item = lab_event_log_get_item;
}

static void
lab_event_log_finalize (GObject *object)
{
  LabEventLog *self = LAB_EVENT_LOG (object);

  g_clear_pointer (&self->events, g_ptr_array_unref);

  G_OBJECT_CLASS (lab_event_log_parent_class)->finalize (object);
}

static void
lab_event_log_class_init (LabEventLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_event_log_finalize;
}

static void
lab_event_log_init (LabEventLog *self)
{
  self->events = g_ptr_array_new_with_free_func (g_object_unref);
}

LabEventLog *
lab_event_log_new (guint capacity)
{
  LabEventLog *self;

  g_return_val_if_fail (capacity > 0, NULL);

  self = g_object_new (LAB_TYPE_EVENT_LOG, NULL);
  self->capacity = capacity;

  return self;
}

guint
lab_event_log_get_capacity (LabEventLog *self)
{
  g_return_val_if_fail (LAB_IS_EVENT_LOG (self), 0);

  return self->capacity;
}

void
lab_event_log_append (LabEventLog *self,
                      LabEvent    *event)
{
  g_return_if_fail (LAB_IS_EVENT_LOG (self));
  g_return_if_fail (LAB_IS_EVENT (event));

  /* Each change is announced when the array already matches it, as views expect. */
  if (self->events->len >= self->capacity)
    {
      g_ptr_array_remove_index (self->events, 0);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 1, 0);
    }

  g_ptr_array_add (self->events, g_object_ref (event));
  g_list_model_items_changed (G_LIST_MODEL (self), self->events->len - 1, 0, 1);
}
