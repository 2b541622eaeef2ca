/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LAB_PROTOCOL_ERROR (lab_protocol_error_quark ())

typedef enum
{
  LAB_PROTOCOL_ERROR_NOT_JSON,
  LAB_PROTOCOL_ERROR_NOT_OBJECT,
  LAB_PROTOCOL_ERROR_MISSING_FIELD,
  LAB_PROTOCOL_ERROR_WRONG_TYPE,
  LAB_PROTOCOL_ERROR_UNKNOWN_ACTION,
  LAB_PROTOCOL_ERROR_UNKNOWN_EVENT,
  LAB_PROTOCOL_ERROR_OUT_OF_RANGE,
} LabProtocolError;

typedef enum
{
  LAB_ACTION_PLUS,
  LAB_ACTION_MINUS,
} LabAction;

typedef enum
{
  LAB_SERVER_EVENT_STATE,
  LAB_SERVER_EVENT_USERS,
  LAB_SERVER_EVENT_ERROR,
} LabServerEventType;

typedef struct
{
  LabServerEventType  type;
  gint64              value;    /* STATE */
  guint               count;    /* USERS */
  char               *message;  /* ERROR */
} LabServerEvent;

/* Counter values stay within what a browser's JavaScript number holds exactly. */
#define LAB_COUNTER_MAX ((gint64) 9007199254740991)  /* 2^53 - 1 */
#define LAB_COUNTER_MIN (-LAB_COUNTER_MAX)

GQuark      lab_protocol_error_quark        (void);
const char *lab_action_to_string            (LabAction           action);
gboolean    lab_protocol_parse_action       (const char         *text,
                                             gssize              length,
                                             LabAction          *action,
                                             GError            **error);
gboolean    lab_protocol_parse_server_event (const char         *text,
                                             gssize              length,
                                             LabServerEvent     *event,
                                             GError            **error);
void        lab_server_event_clear          (LabServerEvent     *event);
char       *lab_protocol_format_action      (LabAction           action);
char       *lab_protocol_format_state       (gint64              value);
char       *lab_protocol_format_users       (guint               count);
char       *lab_protocol_format_error       (const char         *message);
char       *lab_protocol_format_timestamp   (GDateTime          *time);
char       *lab_protocol_format_greeting    (const char         *name);

G_END_DECLS
