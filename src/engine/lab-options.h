/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-server-supervisor.h"

G_BEGIN_DECLS

/* The command line shared by the window and --headless. */
typedef struct
{
  int       port;           /* -1: not given */
  gboolean  lan;
  gboolean  classic_ports;
  char     *tls_cert;
  char     *tls_key;
  gboolean  version;
  gboolean  headless;
  int       ping_interval;  /* -1: not given */
  gboolean  trace;
  /* Limits; -1: not given */
  int       max_clients;
  int       max_rate;
  int       request_timeout;
  char    **allow_origins;
  gboolean  allow_any_origin;
} LabOptions;

void          lab_options_init            (LabOptions   *options);
void          lab_options_clear           (LabOptions   *options);
GOptionEntry *lab_options_dup_entries     (LabOptions   *options);
gboolean      lab_options_wants_headless  (int           argc,
                                           char        **argv);
gboolean      lab_options_validate        (LabOptions   *options,
                                           GError      **error);
void          lab_options_apply_to_config (LabOptions      *options,
                                           LabServerConfig *config);

G_END_DECLS
