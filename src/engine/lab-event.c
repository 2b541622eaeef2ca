/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-event"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-close-code.h"
#include "lab-event.h"

/* One thing that happened on the server, as the headless log prints it and the
 * window lists it. Immutable once appended to the log. */

#define DETAIL_MAX_CHARS 200  /* enough to read a protocol message, not to flood a log */

struct _LabEvent
{
  GObject       parent_instance;

  LabEventKind  kind;
  gint64        time_us;   /* real time, in µs since the epoch */
  GDateTime    *time;      /* made from it when first asked for */
  guint         peer_id;
  char         *peer_address;
  const char   *path;      /* interned */
  char         *detail;
  gsize         size;
  guint         code;
  guint         count;
};

enum {
  PROP_0,
  PROP_DESCRIPTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabEvent, lab_event, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
lab_event_finalize (GObject *object)
{
  LabEvent *self = LAB_EVENT (object);

  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->peer_address, g_free);
  g_clear_pointer (&self->detail, g_free);

  G_OBJECT_CLASS (lab_event_parent_class)->finalize (object);
}

static void
lab_event_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LabEvent *self = LAB_EVENT (object);

  switch (prop_id)
    {
    case PROP_DESCRIPTION:
      g_value_take_string (value, lab_event_describe (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_event_class_init (LabEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_event_finalize;
  object_class->get_property = lab_event_get_property;

  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_event_init (LabEvent *self)
{
}

static char *
shorten (const char *text)
{
  g_autofree char *start = NULL;

  if (text == NULL)
    return NULL;

  if (g_utf8_strlen (text, DETAIL_MAX_CHARS + 1) <= DETAIL_MAX_CHARS)
    return g_strdup (text);

  start = g_utf8_substring (text, 0, DETAIL_MAX_CHARS);
  return g_strconcat (start, "…", NULL);
}

LabEvent *
lab_event_new (LabEventKind  kind,
               guint         peer_id,
               const char   *peer_address,
               const char   *path,
               const char   *detail)
{
  LabEvent *self = g_object_new (LAB_TYPE_EVENT, NULL);

  self->kind = kind;
  /* A class of a thousand fills the log: a number here, a GDateTime only for
   * the events someone shows. */
  self->time_us = g_get_real_time ();
  self->peer_id = peer_id;
  self->peer_address = g_strdup (peer_address);
  /* Paths are the few endpoints there are: one copy each. */
  self->path = g_intern_string (path);
  self->detail = shorten (detail);

  return self;
}

LabEventKind
lab_event_get_kind (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), 0);
  return self->kind;
}

GDateTime *
lab_event_get_time (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), NULL);

  if (self->time == NULL)
    self->time = lab_event_dup_time (self);

  return self->time;
}

/* Returns: (transfer full): when it happened, in UTC, without keeping a copy */
GDateTime *
lab_event_dup_time (LabEvent *self)
{
  g_autoptr(GDateTime) seconds = NULL;

  g_return_val_if_fail (LAB_IS_EVENT (self), NULL);

  seconds = g_date_time_new_from_unix_utc (self->time_us / G_USEC_PER_SEC);
  return g_date_time_add (seconds, self->time_us % G_USEC_PER_SEC);
}

guint
lab_event_get_peer_id (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), 0);
  return self->peer_id;
}

const char *
lab_event_get_peer_address (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), NULL);
  return self->peer_address;
}

const char *
lab_event_get_path (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), NULL);
  return self->path;
}

const char *
lab_event_get_detail (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), NULL);
  return self->detail;
}

gsize
lab_event_get_size (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), 0);
  return self->size;
}

void
lab_event_set_size (LabEvent *self,
                    gsize     size)
{
  g_return_if_fail (LAB_IS_EVENT (self));
  self->size = size;
}

guint
lab_event_get_code (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), 0);
  return self->code;
}

void
lab_event_set_code (LabEvent *self,
                    guint     code)
{
  g_return_if_fail (LAB_IS_EVENT (self));
  self->code = code;
}

guint
lab_event_get_count (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), 0);
  return self->count;
}

void
lab_event_set_count (LabEvent *self,
                     guint     count)
{
  g_return_if_fail (LAB_IS_EVENT (self));
  self->count = count;
}

/**
 * lab_event_describe:
 *
 * Returns: (transfer full): one line in words, without the time
 */
char *
lab_event_describe (LabEvent *self)
{
  g_autofree char *label = NULL;
  const char *detail;

  g_return_val_if_fail (LAB_IS_EVENT (self), NULL);

  detail = self->detail != NULL ? self->detail : "";

  switch (self->kind)
    {
    case LAB_EVENT_LISTENING:
      return g_strdup_printf (_("Listening on %s"), detail);

    case LAB_EVENT_STOPPED:
      return g_strdup (_("Server stopped"));

    case LAB_EVENT_JOIN:
      if (*detail != '\0')
        return g_strdup_printf (_("#%u joined %s from %s (Origin %s)"),
                                self->peer_id, self->path, self->peer_address, detail);
      return g_strdup_printf (_("#%u joined %s from %s"),
                              self->peer_id, self->path, self->peer_address);

    case LAB_EVENT_LEAVE:
      label = lab_close_code_dup_label (self->code);
      return g_strdup_printf (_("#%u left %s (close code %s%s%s)"),
                              self->peer_id, self->path, label,
                              *detail ? ", " : "", detail);

    case LAB_EVENT_MESSAGE_IN:
      /* No G_GSIZE_FORMAT in a translatable string: xgettext cannot read it. */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "#%u sent %s (%lu byte)",
                                           "#%u sent %s (%lu bytes)",
                                           self->size),
                              self->peer_id, detail, (gulong) self->size);

    case LAB_EVENT_MESSAGE_OUT:
      if (self->peer_id == 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Broadcast %s to %u client",
                                             "Broadcast %s to %u clients",
                                             self->count),
                                detail, self->count);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Sent %s to #%u (%lu byte)",
                                           "Sent %s to #%u (%lu bytes)",
                                           self->size),
                              detail, self->peer_id, (gulong) self->size);

    case LAB_EVENT_ERROR:
      return g_strdup_printf (_("#%u error: %s"), self->peer_id, detail);

    case LAB_EVENT_CLOSE:
      label = lab_close_code_dup_label (self->code);
      return g_strdup_printf (_("Closing #%u with close code %s%s%s"),
                              self->peer_id, label, *detail ? ", " : "", detail);

    case LAB_EVENT_REFUSED:
      if (self->path != NULL)
        return g_strdup_printf (_("Refused %s from %s: %s"), self->path, self->peer_address, detail);
      return g_strdup_printf (_("Closed the connection from %s: %s"), self->peer_address, detail);

    default:
      g_return_val_if_reached (NULL);
    }
}
