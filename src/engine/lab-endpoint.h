/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What a person can do at an address the server listens on. */
typedef enum
{
  LAB_ENDPOINT_COUNTER_PAGE,  /* the counter page, for web browsers */
  LAB_ENDPOINT_COUNTER,       /* the counter's WebSocket */
  LAB_ENDPOINT_TIME_PAGE,     /* the time page, for web browsers */
  LAB_ENDPOINT_TIME,          /* the time stream's WebSocket */
  LAB_ENDPOINT_HELLO,         /* the hello WebSocket */
} LabEndpointKind;

#define LAB_TYPE_ENDPOINT_KIND (lab_endpoint_kind_get_type ())
#define LAB_TYPE_ENDPOINT (lab_endpoint_get_type ())

GType lab_endpoint_kind_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (LabEndpoint, lab_endpoint, LAB, ENDPOINT, GObject)

LabEndpoint     *lab_endpoint_new        (LabEndpointKind  kind,
                                          gboolean         tls,
                                          const char      *host,
                                          guint            port,
                                          const char      *path,
                                          gboolean         classic);
LabEndpointKind  lab_endpoint_get_kind   (LabEndpoint     *self);
const char      *lab_endpoint_get_scheme (LabEndpoint     *self);
const char      *lab_endpoint_get_host   (LabEndpoint     *self);
guint            lab_endpoint_get_port   (LabEndpoint     *self);
const char      *lab_endpoint_get_path   (LabEndpoint     *self);
const char      *lab_endpoint_get_url    (LabEndpoint     *self);
gboolean         lab_endpoint_is_page    (LabEndpoint     *self);
gboolean         lab_endpoint_is_classic (LabEndpoint     *self);
gboolean         lab_endpoint_is_loopback (LabEndpoint    *self);

G_END_DECLS
