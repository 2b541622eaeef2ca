/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where a view finds the newest item. */
typedef enum
{
  LAB_BOUNDED_LIST_OLDEST_FIRST,
  LAB_BOUNDED_LIST_NEWEST_FIRST,
} LabBoundedListOrder;

#define LAB_TYPE_BOUNDED_LIST (lab_bounded_list_get_type ())

G_DECLARE_FINAL_TYPE (LabBoundedList, lab_bounded_list, LAB, BOUNDED_LIST, GObject)

LabBoundedList      *lab_bounded_list_new          (GType                item_type,
                                                    guint                capacity,
                                                    LabBoundedListOrder  order);
guint                lab_bounded_list_get_capacity (LabBoundedList      *self);
LabBoundedListOrder  lab_bounded_list_get_order    (LabBoundedList      *self);
void                 lab_bounded_list_add          (LabBoundedList      *self,
                                                    gpointer             item);
void                 lab_bounded_list_clear        (LabBoundedList      *self);

G_END_DECLS
