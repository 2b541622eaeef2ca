/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-loadgen.h"

G_BEGIN_DECLS

/* The load generator's files: lab-loadgen.c holds its state, the epoll loop and the phases
 * (join, idle, converge, paced); lab-loadgen-frames.c connects and upgrades a client,
 * writes its frames and reads the server's, following `users` counts and `state` values. */

/* Bytes of a frame (or of the 101 response) kept between two reads; the counter's
 * messages are a few dozen bytes, and larger frames are skipped unread. */
#define CARRY_SIZE 1024
/* One read per ready client per turn: big enough for a burst of small frames. */
#define READ_SIZE (64 * 1024)

typedef enum
{
  CLIENT_NEW,
  CLIENT_CONNECTING,
  CLIENT_UPGRADING,
  CLIENT_OPEN,
  CLIENT_CLOSED,
} ClientState;

typedef struct
{
  int          fd;
  ClientState  state;
  guint        got_state : 1;
  guint        users_done : 1;
  guint        writable_wanted : 1;
  guint16      carry_len;
  gint64       last_value;
  guint64      skip;
  char        *carry;
  GByteArray  *out;
} Client;

struct _LabLoadgen
{
  int           epoll_fd;
  guint16       port;
  guint         n_clients;
  guint         in_flight_max;
  Client       *clients;
  guint8       *read_buffer;
  guint32       rng;
  GString      *error;
  double        phase_cpu;

  /* Join progress */
  guint         next_to_connect;
  guint         in_flight;
  guint         n_open;
  guint         n_state;
  guint         n_users_done;

  /* Actions being followed: value base + k + 1 is action k's result */
  gint64        track_base;
  guint         track_n;
  guint        *reach_count;
  gint64       *reach_time;
  guint         n_reached;

  /* Paced sending */
  guint         pace_sender;
  guint         pace_sent;
  gint64        pace_start;
  gint64        pace_period;
  gint64       *send_time;
};

void  _lab_loadgen_fail            (LabLoadgen *self,
                                    const char *format,
                                    ...) G_GNUC_PRINTF (2, 3);

void  _lab_loadgen_start_connect   (LabLoadgen *self,
                                    Client     *client);
void  _lab_loadgen_send_upgrade    (LabLoadgen *self,
                                    Client     *client);
void  _lab_loadgen_client_flush    (LabLoadgen *self,
                                    Client     *client);
void  _lab_loadgen_client_readable (LabLoadgen *self,
                                    Client     *client,
                                    gint64      now);
void  _lab_loadgen_send_action     (LabLoadgen *self,
                                    Client     *client);

G_END_DECLS
