/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LabClient        LabClient;
typedef struct _LabCounter       LabCounter;
typedef struct _LabEvent         LabEvent;
typedef struct _LabPeer          LabPeer;
typedef struct _LabServer        LabServer;

/* Seconds between keepalive pings, also the time a pong may take (as
 * python-websockets does by default), for the server and the client; an hour
 * at most. */
#define LAB_PING_INTERVAL_DEFAULT 20
#define LAB_PING_INTERVAL_MAX 3600

/* Where a WebSocket request is routed; also names the endpoint in logs and views. */
typedef enum
{
  LAB_ROUTE_COUNTER,
  LAB_ROUTE_TIME,
  LAB_ROUTE_HELLO,
} LabRoute;

/* What a listening port is for: the main port routes by path; the classic
 * ports put the tutorial's time and hello servers at "/". */
typedef enum
{
  LAB_LISTENER_MAIN,
  LAB_LISTENER_CLASSIC_TIME,
  LAB_LISTENER_CLASSIC_HELLO,
} LabListenerRole;

/* The tutorial's own time and hello servers listen there. */
#define LAB_CLASSIC_TIME_PORT 5678
#define LAB_CLASSIC_HELLO_PORT 8765

G_END_DECLS
