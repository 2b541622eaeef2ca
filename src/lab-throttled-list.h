/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LAB_TYPE_THROTTLED_LIST (lab_throttled_list_get_type ())

G_DECLARE_FINAL_TYPE (LabThrottledList, lab_throttled_list, LAB, THROTTLED_LIST, GObject)

LabThrottledList *lab_throttled_list_new   (GListModel       *source,
                                            gboolean          reversed,
                                            guint             limit);
void              lab_throttled_list_flush (LabThrottledList *self);
void              lab_throttled_list_set_paused (LabThrottledList *self,
                                                 gboolean          paused);
gboolean          lab_throttled_list_get_paused (LabThrottledList *self);

G_END_DECLS
