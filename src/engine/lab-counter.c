/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-counter"

#include "config.h"

#include "lab-counter-private.h"

/* The shared value and the number of users: the only place an action changes state. */

struct _LabCounter
{
  GObject parent_instance;

  gint64  value;
  guint   users;
};

enum {
  PROP_0,
  PROP_VALUE,
  PROP_USERS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabCounter, lab_counter, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
lab_counter_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LabCounter *self = LAB_COUNTER (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_int64 (value, self->value);
      break;

    case PROP_USERS:
      g_value_set_uint (value, self->users);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_counter_class_init (LabCounterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lab_counter_get_property;

  properties[PROP_VALUE] =
    g_param_spec_int64 ("value", NULL, NULL,
                        LAB_COUNTER_MIN, LAB_COUNTER_MAX, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_USERS] =
    g_param_spec_uint ("users", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_counter_init (LabCounter *self)
{
}

LabCounter *
lab_counter_new (void)
{
  return g_object_new (LAB_TYPE_COUNTER, NULL);
}

gint64
lab_counter_get_value (LabCounter *self)
{
  g_return_val_if_fail (LAB_IS_COUNTER (self), 0);

  return self->value;
}

guint
lab_counter_get_users (LabCounter *self)
{
  g_return_val_if_fail (LAB_IS_COUNTER (self), 0);

  return self->users;
}

/**
 * lab_counter_apply:
 *
 * Applies a client's action. At the limits of the range the value stays put and
 * @error says why, so the client is told instead of seeing nothing happen.
 */
gboolean
lab_counter_apply (LabCounter  *self,
                   LabAction    action,
                   GError     **error)
{
  g_return_val_if_fail (LAB_IS_COUNTER (self), FALSE);

  switch (action)
    {
    case LAB_ACTION_PLUS:
      if (self->value >= LAB_COUNTER_MAX)
        {
          g_set_error_literal (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_OUT_OF_RANGE,
                               "The counter is at its largest value");
          return FALSE;
        }
      self->value++;
      break;

    case LAB_ACTION_MINUS:
      if (self->value <= LAB_COUNTER_MIN)
        {
          g_set_error_literal (error, LAB_PROTOCOL_ERROR, LAB_PROTOCOL_ERROR_OUT_OF_RANGE,
                               "The counter is at its smallest value");
          return FALSE;
        }
      self->value--;
      break;

    default:
      g_return_val_if_reached (FALSE);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
  return TRUE;
}

void
lab_counter_add_user (LabCounter *self)
{
  g_return_if_fail (LAB_IS_COUNTER (self));

  self->users++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERS]);
}

void
lab_counter_remove_user (LabCounter *self)
{
  g_return_if_fail (LAB_IS_COUNTER (self));
  g_return_if_fail (self->users > 0);

  self->users--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERS]);
}

/* For tests: a value at the edge of the range without 2^53 clicks. */
void
_lab_counter_set_value (LabCounter *self,
                        gint64      value)
{
  g_return_if_fail (LAB_IS_COUNTER (self));
  g_return_if_fail (value >= LAB_COUNTER_MIN && value <= LAB_COUNTER_MAX);

  if (self->value == value)
    return;

  self->value = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}
