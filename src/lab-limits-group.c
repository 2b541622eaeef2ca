/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-limits-group"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-limits-group.h"
#include "lab-server-limits.h"

/* Preferences for the server's limits (see LabServerLimits): how many may
 * connect, how fast each may send, how long a socket may stay silent, and
 * which other sites' pages may connect, listed with a way to remove each. */

struct _LabLimitsGroup
{
  AdwPreferencesGroup  parent_instance;

  GSettings           *settings;
  /* The rows of the listed origins, after the entry */
  GPtrArray           *origin_rows;

  /* Template widgets */
  GtkAdjustment       *max_clients_adjustment;
  GtkAdjustment       *max_rate_adjustment;
  GtkAdjustment       *request_timeout_adjustment;
  GtkSwitch           *any_origin_switch;
  AdwEntryRow         *origin_entry;
};

G_DEFINE_FINAL_TYPE (LabLimitsGroup, lab_limits_group, ADW_TYPE_PREFERENCES_GROUP)

static GtkWidget *
origin_row_new (const char *origin)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *label = g_strdup_printf (_("Stop allowing %s"), origin);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), origin);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Its pages may connect"));

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "limits.remove-origin");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", origin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  return row;
}

static void
update_origins (LabLimitsGroup *self)
{
  g_auto(GStrv) origins = g_settings_get_strv (self->settings, "allowed-origins");

  for (guint i = 0; i < self->origin_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self),
                                  g_ptr_array_index (self->origin_rows, i));
  g_ptr_array_set_size (self->origin_rows, 0);

  for (guint i = 0; origins[i] != NULL; i++)
    {
      GtkWidget *row = origin_row_new (origins[i]);

      g_ptr_array_add (self->origin_rows, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
    }
}

static void
origin_entry_apply_cb (LabLimitsGroup *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->origin_entry));
  g_autofree char *origin = g_strstrip (g_strdup (text));
  g_auto(GStrv) origins = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;

  /* A trailing slash is what a person copies from the address bar. */
  if (g_str_has_suffix (origin, "/"))
    origin[strlen (origin) - 1] = '\0';

  if (!lab_server_limits_check_origin_text (origin, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->origin_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->origin_entry), error->message);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->origin_entry), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->origin_entry), NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->origin_entry), "");

  origins = g_settings_get_strv (self->settings, "allowed-origins");
  if (g_strv_contains ((const char * const *) origins, origin))
    return;

  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) origins);
  g_strv_builder_add (builder, origin);
  g_strfreev (origins);
  origins = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "allowed-origins", (const char * const *) origins);
}

static void
remove_origin_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  LabLimitsGroup *self = LAB_LIMITS_GROUP (widget);
  const char *gone = g_variant_get_string (parameter, NULL);
  g_auto(GStrv) origins = g_settings_get_strv (self->settings, "allowed-origins");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  for (guint i = 0; origins[i] != NULL; i++)
    if (!g_str_equal (origins[i], gone))
      g_strv_builder_add (builder, origins[i]);

  kept = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "allowed-origins", (const char * const *) kept);
}

static void
lab_limits_group_dispose (GObject *object)
{
  LabLimitsGroup *self = LAB_LIMITS_GROUP (object);

  /* The settings outlive this group: no more news of them here. */
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->origin_rows, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_LIMITS_GROUP);

  G_OBJECT_CLASS (lab_limits_group_parent_class)->dispose (object);
}

static void
lab_limits_group_class_init (LabLimitsGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_limits_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-limits-group.ui");
  gtk_widget_class_bind_template_child (widget_class, LabLimitsGroup, max_clients_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LabLimitsGroup, max_rate_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LabLimitsGroup, request_timeout_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LabLimitsGroup, any_origin_switch);
  gtk_widget_class_bind_template_child (widget_class, LabLimitsGroup, origin_entry);

  gtk_widget_class_install_action (widget_class, "limits.remove-origin", "s", remove_origin_action);
}

static void
lab_limits_group_init (LabLimitsGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->origin_rows = g_ptr_array_new ();

  g_signal_connect_object (self->origin_entry, "apply", G_CALLBACK (origin_entry_apply_cb), self,
                           G_CONNECT_SWAPPED);
}

/* @settings: the application's; the rows follow it and write to it */
void
lab_limits_group_set_settings (LabLimitsGroup *self,
                               GSettings      *settings)
{
  g_return_if_fail (LAB_IS_LIMITS_GROUP (self));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "max-clients", self->max_clients_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "max-rate", self->max_rate_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "request-timeout", self->request_timeout_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "allow-any-origin", self->any_origin_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (settings, "changed::allowed-origins", G_CALLBACK (update_origins), self,
                           G_CONNECT_SWAPPED);
  update_origins (self);
}
