/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-handshake-view"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-handshake-view.h"

/* One opening handshake as a class reads it: the request and the response,
 * header by header as they were sent, and beside them how
 * Sec-WebSocket-Accept comes from Sec-WebSocket-Key, step by step, checked
 * against what the server sent. */

struct _LabHandshakeView
{
  AdwBin        parent_instance;

  /* Template widgets */
  GtkGrid      *request_grid;
  GtkGrid      *response_grid;
  GtkGrid      *steps_grid;
  GtkWidget    *verdict_box;
  GtkLabel     *verdict_mark_label;
  GtkLabel     *verdict_label;
};

G_DEFINE_FINAL_TYPE (LabHandshakeView, lab_handshake_view, ADW_TYPE_BIN)

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
text_label_new (const char *text,
                const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

/* The two headers the derivation starts and ends with stand out. */
static gboolean
is_key_header (const char *name)
{
  return g_ascii_strcasecmp (name, "Sec-WebSocket-Key") == 0 ||
         g_ascii_strcasecmp (name, "Sec-WebSocket-Accept") == 0;
}

typedef void (*GetHeader) (LabHandshake *self, guint index, const char **name, const char **value);

static void
fill_headers (GtkGrid      *grid,
              const char   *first_line,
              LabHandshake *handshake,
              guint         n_headers,
              GetHeader     get_header)
{
  clear_grid (grid);
  gtk_grid_attach (grid, text_label_new (first_line, "first-line"), 0, 0, 2, 1);

  for (guint i = 0; i < n_headers; i++)
    {
      const char *name = NULL;
      const char *value = NULL;
      g_autofree char *name_text = NULL;
      GtkWidget *name_label;
      GtkWidget *value_label;

      get_header (handshake, i, &name, &value);
      name_text = g_strdup_printf ("%s:", name);
      name_label = text_label_new (name_text, "header-name");
      value_label = text_label_new (value, "header-value");
      gtk_widget_set_hexpand (value_label, TRUE);
      if (is_key_header (name))
        {
          gtk_widget_add_css_class (name_label, "key-header");
          gtk_widget_add_css_class (value_label, "key-header");
        }
      gtk_grid_attach (grid, name_label, 0, i + 1, 1, 1);
      gtk_grid_attach (grid, value_label, 1, i + 1, 1, 1);
    }
}

static void
add_step (LabHandshakeView *self,
          guint             row,
          const char       *number,
          const char       *what,
          const char       *value)
{
  GtkWidget *what_label = text_label_new (what, "step-title");
  GtkWidget *value_label = text_label_new (value != NULL ? value : _("(missing)"), "step-value");

  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_grid_attach (self->steps_grid, text_label_new (number, "step-number"), 0, row * 2, 1, 2);
  gtk_grid_attach (self->steps_grid, what_label, 1, row * 2, 1, 1);
  gtk_grid_attach (self->steps_grid, value_label, 1, row * 2 + 1, 1, 1);
}

static void
fill_steps (LabHandshakeView *self,
            LabHandshake     *handshake)
{
  g_autofree char *appended = g_strdup_printf (_("Append the GUID %s"), LAB_HANDSHAKE_GUID);
  gboolean checks_out = lab_handshake_checks_out (handshake);

  clear_grid (self->steps_grid);
  add_step (self, 0, "1", _("The client’s key, Sec-WebSocket-Key"), lab_handshake_get_key (handshake));
  add_step (self, 1, "2", appended, lab_handshake_get_concatenated (handshake));
  add_step (self, 2, "3", _("SHA-1 of that, in hex"), lab_handshake_get_sha1_hex (handshake));
  add_step (self, 3, "4", _("Those 20 bytes in base64: the accept value expected"),
            lab_handshake_get_accept_expected (handshake));
  add_step (self, 4, "=", _("What the server sent, Sec-WebSocket-Accept"),
            lab_handshake_get_accept_sent (handshake));

  gtk_label_set_label (self->verdict_mark_label, checks_out ? "✓" : "✗");
  gtk_label_set_label (self->verdict_label,
                       checks_out ? _("Matches: the server proved it read this client’s key")
                                  : _("Does not match: a client must refuse this connection"));
  gtk_widget_set_css_classes (self->verdict_box, (const char *[]) {
    "card", "verdict", checks_out ? "success" : "error", NULL });
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->verdict_mark_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  checks_out ? _("Checks out") : _("Does not check out"),
                                  -1);
}

static void
lab_handshake_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_HANDSHAKE_VIEW);

  G_OBJECT_CLASS (lab_handshake_view_parent_class)->dispose (object);
}

static void
lab_handshake_view_class_init (LabHandshakeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_handshake_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-handshake-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LabHandshakeView, request_grid);
  gtk_widget_class_bind_template_child (widget_class, LabHandshakeView, response_grid);
  gtk_widget_class_bind_template_child (widget_class, LabHandshakeView, steps_grid);
  gtk_widget_class_bind_template_child (widget_class, LabHandshakeView, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, LabHandshakeView, verdict_mark_label);
  gtk_widget_class_bind_template_child (widget_class, LabHandshakeView, verdict_label);
}

static void
lab_handshake_view_init (LabHandshakeView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lab_handshake_view_set_handshake:
 * @handshake: (nullable): what to show
 */
void
lab_handshake_view_set_handshake (LabHandshakeView *self,
                                  LabHandshake     *handshake)
{
  g_return_if_fail (LAB_IS_HANDSHAKE_VIEW (self));
  g_return_if_fail (!handshake || LAB_IS_HANDSHAKE (handshake));

  if (handshake == NULL)
    {
      clear_grid (self->request_grid);
      clear_grid (self->response_grid);
      clear_grid (self->steps_grid);
      gtk_label_set_label (self->verdict_mark_label, "");
      gtk_label_set_label (self->verdict_label, "");
      return;
    }

  fill_headers (self->request_grid, lab_handshake_get_request_line (handshake), handshake,
                lab_handshake_get_n_request_headers (handshake), lab_handshake_get_request_header);
  fill_headers (self->response_grid, lab_handshake_get_response_line (handshake), handshake,
                lab_handshake_get_n_response_headers (handshake), lab_handshake_get_response_header);
  fill_steps (self, handshake);
}

/* What a person reads in @grid, a label a line. */
static char *
grid_text (GtkGrid *grid)
{
  GString *text = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (grid));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child))
      g_string_append_printf (text, "%s\n", gtk_label_get_label (GTK_LABEL (child)));

  return g_string_free (text, FALSE);
}

char *
lab_handshake_view_dup_request (LabHandshakeView *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE_VIEW (self), NULL);
  return grid_text (self->request_grid);
}

char *
lab_handshake_view_dup_response (LabHandshakeView *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE_VIEW (self), NULL);
  return grid_text (self->response_grid);
}

char *
lab_handshake_view_dup_steps (LabHandshakeView *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE_VIEW (self), NULL);
  return grid_text (self->steps_grid);
}

/* "✓" or "✗" */
const char *
lab_handshake_view_get_verdict_mark (LabHandshakeView *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE_VIEW (self), NULL);
  return gtk_label_get_label (self->verdict_mark_label);
}

const char *
lab_handshake_view_get_verdict (LabHandshakeView *self)
{
  g_return_val_if_fail (LAB_IS_HANDSHAKE_VIEW (self), NULL);
  return gtk_label_get_label (self->verdict_label);
}
