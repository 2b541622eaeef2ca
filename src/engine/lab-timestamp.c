/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-timestamp"

#include "config.h"

#include "lab-timestamp.h"

/* One line of the time stream as the server sent it: an item for list views. */

struct _LabTimestamp
{
  GObject  parent_instance;

  char    *text;
};

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabTimestamp, lab_timestamp, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
lab_timestamp_finalize (GObject *object)
{
  LabTimestamp *self = LAB_TIMESTAMP (object);

  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (lab_timestamp_parent_class)->finalize (object);
}

static void
lab_timestamp_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LabTimestamp *self = LAB_TIMESTAMP (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_timestamp_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LabTimestamp *self = LAB_TIMESTAMP (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_free (self->text);
      self->text = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_timestamp_class_init (LabTimestampClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_timestamp_finalize;
  object_class->get_property = lab_timestamp_get_property;
  object_class->set_property = lab_timestamp_set_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_timestamp_init (LabTimestamp *self)
{
}

LabTimestamp *
lab_timestamp_new (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return g_object_new (LAB_TYPE_TIMESTAMP,
                       "text", text,
                       NULL);
}

const char *
lab_timestamp_get_text (LabTimestamp *self)
{
  g_return_val_if_fail (LAB_IS_TIMESTAMP (self), NULL);

  return self->text;
}
