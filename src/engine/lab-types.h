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

/* What a room of curious students may do (see LabServerLimits): connections
 * at once, messages a second per connection (with bursts of five seconds'
 * worth), and seconds to send a complete HTTP request. */
#define LAB_MAX_CLIENTS_DEFAULT 10000
#define LAB_MAX_CLIENTS_MAX 100000
#define LAB_MAX_RATE_DEFAULT 100
#define LAB_MAX_RATE_MAX 100000
#define LAB_RATE_BURST_SECONDS 5
#define LAB_REQUEST_TIMEOUT_DEFAULT 10
#define LAB_REQUEST_TIMEOUT_MAX 3600

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

/* The rule of RFC 6455 a Protocol Error fault breaks. */
typedef enum
{
  LAB_PROTOCOL_FAULT_RSV1,      /* RSV1 set with no extension agreed */
  LAB_PROTOCOL_FAULT_UNMASKED,  /* a client's frame without a mask */
} LabProtocolFault;

/* The tutorial's own time and hello servers listen there. */
#define LAB_CLASSIC_TIME_PORT 5678
#define LAB_CLASSIC_HELLO_PORT 8765

G_END_DECLS
