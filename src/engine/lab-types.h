/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LabClient        LabClient;
typedef struct _LabCounter       LabCounter;
typedef struct _LabEvent         LabEvent;
typedef struct _LabPeer          LabPeer;
typedef struct _LabServer        LabServer;

/* Where a WebSocket request is routed; also names the endpoint in logs and views. */
typedef enum
{
  LAB_ROUTE_COUNTER,
  LAB_ROUTE_TIME,
  LAB_ROUTE_HELLO,
} LabRoute;

G_END_DECLS
