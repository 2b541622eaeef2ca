/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The priority of the server's connections' work (accepting, reading through the
 * hub, broadcasting): just below the default, so at every turn of a shared main
 * loop a window's input and D-Bus calls go first, and a storm of thousands of
 * connections waits a turn. One band for all of it keeps their order. */
#define LAB_PRIORITY_CONNECTIONS (G_PRIORITY_DEFAULT + 10)

GSource *lab_poll_hub_create_source (GObject *pollable_stream,
                                     int      fd);
int      lab_poll_hub_find_socket_fd (GIOStream *stream);

G_END_DECLS
