/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-inspected-connection.h"

G_BEGIN_DECLS

/* What each kind of source answers: a table of engine calls. */
typedef struct
{
  LabHandshake *(*get_handshake)  (GObject     *source);
  GListModel   *(*get_frames)     (GObject     *source);
  int           (*get_pong_rtt)   (GObject     *source);
  gboolean      (*is_open)        (GObject     *source);
  char         *(*describe_close) (GObject     *source);
  gushort       (*get_close_code) (GObject     *source);
  gboolean      (*ping_now)       (GObject     *source);
  void          (*set_capture)    (GObject     *source,
                                   gboolean     capture);
  gboolean      (*close)          (GObject     *source,
                                   gushort      code,
                                   const char  *reason,
                                   GError     **error);
  /* Signals after which the source may be open no more, or closing */
  const char   *end_signals[3];
  /* Whether a new connection (a reconnect) brings a new handshake */
  gboolean      handshake_changes;
  /* The ws:// or wss:// URL, or NULL where the handshake tells it */
  char         *(*dup_url)        (GObject     *source);
} SourceCalls;

LabInspectedConnection *_lab_inspected_connection_new (GObject           *source,
                                                       const SourceCalls *calls,
                                                       char              *title);

G_END_DECLS
