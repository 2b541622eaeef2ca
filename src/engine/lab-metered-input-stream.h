/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-frame-meter.h"

G_BEGIN_DECLS

#define LAB_TYPE_METERED_INPUT_STREAM (lab_metered_input_stream_get_type ())

G_DECLARE_FINAL_TYPE (LabMeteredInputStream, lab_metered_input_stream,
                      LAB, METERED_INPUT_STREAM, GFilterInputStream)

GInputStream *lab_metered_input_stream_new          (GInputStream          *base_stream,
                                                     guint64                message_limit);
gboolean      lab_metered_input_stream_is_over_limit (LabMeteredInputStream *self);
const char   *lab_metered_input_stream_describe_broken_rule (LabMeteredInputStream *self);
void           lab_metered_input_stream_set_capture (LabMeteredInputStream   *self,
                                                    LabFrameMeterCaptureFunc  func,
                                                    gpointer                  user_data);
void          lab_metered_input_stream_watch_socket (LabMeteredInputStream   *self,
                                                     int                      fd);

G_END_DECLS
