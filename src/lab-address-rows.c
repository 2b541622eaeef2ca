/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-address-rows"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-address-rows.h"
#include "lab-qr-view.h"

/* Where the server can be reached, as rows of the server half: each address
 * with Copy (and Open for pages), and for other devices a QR code of the
 * counter page with the way to the Join Screen. */

/* A flat button acting on @url: what a row of an address offers. */
static void
add_url_button (AdwActionRow *row,
                const char   *icon_name,
                const char   *tooltip,
                const char   *accessible_label,
                const char   *action_name,
                const char   *url)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", url);
  adw_action_row_add_suffix (row, button);
}

static GtkWidget *
address_row_new (const char *url,
                 const char *what,
                 gboolean    openable)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *copy_label = g_strdup_printf (_("Copy %s"), url);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), url);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), what);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "property");

  add_url_button (ADW_ACTION_ROW (row), "edit-copy-symbolic", _("Copy"), copy_label,
                  "win.copy-text", url);

  if (openable)
    {
      g_autofree char *open_label = g_strdup_printf (_("Open %s in a web browser"), url);

      add_url_button (ADW_ACTION_ROW (row), "lab-globe-symbolic", _("Open in Web Browser"),
                      open_label, "win.open-uri", url);
    }

  return row;
}

/* The counter page for phones: a QR code of its first address other devices
 * reach, and the way to the Join Screen for a projector. */
static GtkWidget *
join_row_new (const char *url)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *qr = lab_qr_view_new ();
  GtkWidget *caption = gtk_label_new (_("Phones and other computers on this network can scan "
                                        "this code to open the counter page."));
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Join Screen"));

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);

  lab_qr_view_set_text (LAB_QR_VIEW (qr), url);
  gtk_widget_set_size_request (qr, 148, 148);
  gtk_box_append (GTK_BOX (box), qr);

  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (text), caption);

  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_tooltip_text (button, _("Show the address in large type for a projector (Ctrl+J)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.join-screen");
  gtk_box_append (GTK_BOX (text), button);
  gtk_box_append (GTK_BOX (box), text);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static const char *
describe_endpoint (LabEndpoint *endpoint)
{
  switch (lab_endpoint_get_kind (endpoint))
    {
    case LAB_ENDPOINT_COUNTER_PAGE:
      return _("Counter page for web browsers");
    case LAB_ENDPOINT_COUNTER:
      return _("Counter WebSocket");
    case LAB_ENDPOINT_TIME_PAGE:
      return _("Time page for web browsers");
    case LAB_ENDPOINT_TIME:
      return lab_endpoint_is_classic (endpoint) ? _("The tutorial's time server") : _("Time WebSocket");
    case LAB_ENDPOINT_HELLO:
      return lab_endpoint_is_classic (endpoint) ? _("The tutorial's hello server") : _("Hello WebSocket");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * lab_address_rows_fill:
 * @list: emptied and filled
 * @endpoints: the server's #LabEndpoint list, loopback first, then IPv4, then IPv6
 */
void
lab_address_rows_fill (GtkListBox *list,
                       GListModel *endpoints)
{
  g_autofree char *join_url = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      gtk_list_box_append (list, address_row_new (lab_endpoint_get_url (endpoint),
                                                  describe_endpoint (endpoint),
                                                  lab_endpoint_is_page (endpoint)));

      if (join_url == NULL && lab_endpoint_get_kind (endpoint) == LAB_ENDPOINT_COUNTER_PAGE &&
          !lab_endpoint_is_loopback (endpoint))
        join_url = g_strdup (lab_endpoint_get_url (endpoint));
    }

  if (join_url != NULL)
    gtk_list_box_append (list, join_row_new (join_url));
}
