/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-changing-text"

#include "config.h"

#include "lab-changing-text.h"

/* Texts that change with the traffic (the counter's value, the users online, a
 * ping's round trip) change hundreds of times a second in a busy class. A
 * GtkLabel given a new text asks for a new layout of the whole window, which
 * shapes the text of every label whose size must be known again, while the
 * server waits in the same main loop. A GtkInscription's size comes from a
 * number of characters, not from its text: a new text is only drawn. */

/**
 * lab_changing_text_show:
 * @inscription: where the text shows
 * @text: (nullable): the text, %NULL for none
 *
 * Shows @text, widening @inscription first if @text has more characters than
 * it has room for, and never narrowing it: a count going from 99 to 100 lays
 * out the window once, and then no more while it stays under 1000.
 */
void
lab_changing_text_show (GtkInscription *inscription,
                        const char     *text)
{
  guint chars;

  g_return_if_fail (GTK_IS_INSCRIPTION (inscription));

  chars = text ? g_utf8_strlen (text, -1) : 0;
  if (chars > gtk_inscription_get_min_chars (inscription))
    gtk_inscription_set_min_chars (inscription, chars);
  if (chars > gtk_inscription_get_nat_chars (inscription))
    gtk_inscription_set_nat_chars (inscription, chars);

  gtk_inscription_set_text (inscription, text);
}
