/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-frame-meter.h"

G_BEGIN_DECLS

#define LAB_TYPE_METERED_OUTPUT_STREAM (lab_metered_output_stream_get_type ())

G_DECLARE_FINAL_TYPE (LabMeteredOutputStream, lab_metered_output_stream,
                      LAB, METERED_OUTPUT_STREAM, GFilterOutputStream)

GOutputStream *lab_metered_output_stream_new                    (GOutputStream          *base_stream);
guint64        lab_metered_output_stream_get_data_bytes_written (LabMeteredOutputStream *self);
void           lab_metered_output_stream_set_capture (LabMeteredOutputStream   *self,
                                                    LabFrameMeterCaptureFunc  func,
                                                    gpointer                  user_data);
void           lab_metered_output_stream_set_masked   (LabMeteredOutputStream *self,
                                                      gboolean                masked);
void           lab_metered_output_stream_set_skip_pongs (LabMeteredOutputStream *self,
                                                        gboolean                skip_pongs);
void           lab_metered_output_stream_send_frame   (LabMeteredOutputStream *self,
                                                      guint8                  first_byte,
                                                      gboolean                masked,
                                                      const guint8           *payload,
                                                      gsize                   length);
void           lab_metered_output_stream_send_control (LabMeteredOutputStream *self,
                                                      guint8                  opcode,
                                                      const guint8           *payload,
                                                      gsize                   length);

G_END_DECLS
