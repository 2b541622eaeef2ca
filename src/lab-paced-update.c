/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-paced-update"

#include "config.h"

#include "lab-paced-update.h"

/* The window shows numbers the traffic moves: a click should show at once, but
 * a storm of clicks or joins moves them hundreds of times a second, and each
 * new text is drawn and told to screen readers on the main loop the server
 * shares. So the first change shows at once and the next ones at most once an
 * interval, the last one always. */

void
lab_paced_update_init (LabPacedUpdate     *self,
                       guint               interval_ms,
                       LabPacedUpdateFunc  func,
                       gpointer            user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  *self = (LabPacedUpdate) { interval_ms, func, user_data, 0, FALSE };
}

static gboolean
interval_over_cb (gpointer data)
{
  LabPacedUpdate *self = data;

  if (!self->asked)
    {
      self->source = 0;
      return G_SOURCE_REMOVE;
    }

  self->asked = FALSE;
  self->func (self->user_data);

  return G_SOURCE_CONTINUE;
}

void
lab_paced_update_request (LabPacedUpdate *self)
{
  g_return_if_fail (self != NULL && self->func != NULL);

  if (self->source != 0)
    {
      self->asked = TRUE;
      return;
    }

  self->func (self->user_data);
  self->source = g_timeout_add (self->interval_ms, interval_over_cb, self);
}

/* Forgets an ask still waiting: call before the owner goes. */
void
lab_paced_update_clear (LabPacedUpdate *self)
{
  g_return_if_fail (self != NULL);

  g_clear_handle_id (&self->source, g_source_remove);
  self->asked = FALSE;
}
