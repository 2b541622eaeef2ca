/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-metered-input-stream.h"
#include "lab-metered-output-stream.h"

G_BEGIN_DECLS

#define LAB_TYPE_METERED_IO_STREAM (lab_metered_io_stream_get_type ())

G_DECLARE_FINAL_TYPE (LabMeteredIoStream, lab_metered_io_stream, LAB, METERED_IO_STREAM, GIOStream)

GIOStream *lab_metered_io_stream_new (GIOStream *base_stream,
                                      guint64    message_limit);
GIOStream *lab_metered_io_stream_get_base_stream (LabMeteredIoStream *self);

G_END_DECLS
