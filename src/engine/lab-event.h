/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lab-types.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_EVENT_LISTENING,    /* detail: the URL */
  LAB_EVENT_STOPPED,
  LAB_EVENT_JOIN,         /* detail: the Origin, if any */
  LAB_EVENT_LEAVE,        /* code and detail: the close code and reason */
  LAB_EVENT_MESSAGE_IN,   /* detail: the text (shortened) */
  LAB_EVENT_MESSAGE_OUT,  /* detail: the text (shortened); peer 0 and count N for a broadcast */
  LAB_EVENT_ERROR,        /* detail: what was wrong with what the peer sent */
  LAB_EVENT_CLOSE,        /* the server closes a peer: code and reason */
  LAB_EVENT_REFUSED,      /* a connection turned away: path (if any) and why */
} LabEventKind;

#define LAB_TYPE_EVENT (lab_event_get_type ())

G_DECLARE_FINAL_TYPE (LabEvent, lab_event, LAB, EVENT, GObject)

LabEvent     *lab_event_new            (LabEventKind  kind,
                                        guint         peer_id,
                                        const char   *peer_address,
                                        const char   *path,
                                        const char   *detail);
LabEventKind  lab_event_get_kind       (LabEvent     *self);
GDateTime    *lab_event_get_time       (LabEvent     *self);
GDateTime    *lab_event_dup_time       (LabEvent     *self);
guint         lab_event_get_peer_id    (LabEvent     *self);
const char   *lab_event_get_peer_address (LabEvent   *self);
const char   *lab_event_get_path       (LabEvent     *self);
const char   *lab_event_get_detail     (LabEvent     *self);
gsize         lab_event_get_size       (LabEvent     *self);
void          lab_event_set_size       (LabEvent     *self,
                                        gsize         size);
guint         lab_event_get_code       (LabEvent     *self);
void          lab_event_set_code       (LabEvent     *self,
                                        guint         code);
guint         lab_event_get_count      (LabEvent     *self);
void          lab_event_set_count      (LabEvent     *self,
                                        guint         count);
char         *lab_event_describe       (LabEvent     *self);

G_END_DECLS
