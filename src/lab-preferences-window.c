/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-limits-group.h"
#include "lab-preferences-window.h"
#include "lab-tls.h"

/* Preferences, bound to GSettings and applied live: the application restarts
 * the listeners when the server's part changes, and each window's client
 * follows the trust settings. Nothing here talks to the network. */

struct _LabPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  LabTrustStore        *trust_store;
  GCancellable         *cancellable;
  GCancellable         *summary_cancellable;  /* the certificate loading for the summary */

  /* Template widgets */
  GtkAdjustment        *port_adjustment;
  GtkSwitch            *lan_switch;
  GtkSwitch            *classic_switch;
  GtkAdjustment        *ping_interval_adjustment;
  LabLimitsGroup       *limits_group;
  GtkSwitch            *tls_switch;
  AdwActionRow         *certificate_row;
  AdwActionRow         *key_row;
  GtkButton            *clear_key_button;
  AdwComboRow          *key_type_row;
  GtkButton            *generate_button;
  GtkSpinner           *generate_spinner;
  AdwActionRow         *summary_subject_row;
  AdwActionRow         *summary_names_row;
  AdwActionRow         *summary_expires_row;
  AdwActionRow         *summary_fingerprint_row;
  AdwPreferencesGroup  *summary_group;
  AdwComboRow          *trust_row;
  AdwActionRow         *ca_file_row;
  GtkListBox           *trusted_list;
};

G_DEFINE_FINAL_TYPE (LabPreferencesWindow, lab_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
show_toast (LabPreferencesWindow *self,
            const char           *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

/* Server page */

static gboolean
port_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint16 (variant));
  return TRUE;
}

static GVariant *
port_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  return g_variant_new_uint16 ((guint16) CLAMP (g_value_get_double (value), 1, G_MAXUINT16));
}

static void
set_file_row (AdwActionRow *row,
              const char   *path,
              const char   *none)
{
  adw_action_row_set_subtitle (row, path != NULL && *path != '\0' ? path : none);
}

static void
show_summary (LabPreferencesWindow *self,
              GTlsCertificate      *certificate,
              const char           *description)
{
  gboolean have_summary = certificate != NULL;

  if (have_summary)
    {
      g_autoptr(LabTlsSummary) summary = lab_tls_summary_new (certificate);
      g_autoptr(GDateTime) local = g_date_time_to_local (summary->not_after);
      g_autofree char *expires = g_date_time_format (local, "%x %X");

      adw_action_row_set_subtitle (self->summary_subject_row, summary->subject);
      adw_action_row_set_subtitle (self->summary_names_row, summary->names);
      adw_action_row_set_subtitle (self->summary_expires_row, expires);
      adw_action_row_set_subtitle (self->summary_fingerprint_row, summary->fingerprint);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (adw_action_row_get_activatable_widget (self->summary_fingerprint_row)),
                                        "s", summary->fingerprint);
    }

  adw_preferences_group_set_description (self->summary_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_subject_row), have_summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_names_row), have_summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_expires_row), have_summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_fingerprint_row), have_summary);
}

static void
summary_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LabPreferencesWindow) self = user_data;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = lab_tls_load_finish (result, &error);

  /* Another file was chosen meanwhile, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (certificate == NULL)
    show_summary (self, NULL, error->message);
  else
    show_summary (self, certificate, _("What clients see, and what to compare in a browser"));
}

static void
update_certificate (LabPreferencesWindow *self)
{
  g_autofree char *certificate_file = g_settings_get_string (self->settings, "tls-certificate-file");
  g_autofree char *key_file = g_settings_get_string (self->settings, "tls-key-file");

  set_file_row (self->certificate_row, certificate_file, _("None"));
  set_file_row (self->key_row, key_file, _("In the certificate file"));
  gtk_widget_set_visible (GTK_WIDGET (self->clear_key_button), *key_file != '\0');

  g_cancellable_cancel (self->summary_cancellable);
  g_clear_object (&self->summary_cancellable);

  if (*certificate_file == '\0')
    {
      show_summary (self, NULL, _("No certificate yet: choose one, or generate a self-signed one"));
      return;
    }

  /* Reading and parsing files: not on the main thread. */
  self->summary_cancellable = g_cancellable_new ();
  lab_tls_load_async (certificate_file, key_file, self->summary_cancellable,
                      summary_loaded_cb, g_object_ref (self));
}

typedef struct
{
  LabPreferencesWindow *self;
  char                 *key;
} Choice;

static void
choice_free (Choice *choice)
{
  g_object_unref (choice->self);
  g_free (choice->key);
  g_free (choice);
}

static void
file_chosen_cb (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  Choice *choice = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        g_settings_set_string (choice->self->settings, choice->key, path);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  choice_free (choice);
}

static void
choose_file (LabPreferencesWindow *self,
             const char           *title,
             const char           *key)
{
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;
  Choice *choice = g_new0 (Choice, 1);

  choice->self = g_object_ref (self);
  choice->key = g_strdup (key);

  gtk_file_filter_set_name (pem, _("PEM Files"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_pattern (pem, "*.key");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Choose"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), pem);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (file_chosen_cb), choice);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
choose_certificate_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  choose_file (LAB_PREFERENCES_WINDOW (widget), _("Choose a Certificate"), "tls-certificate-file");
}

static void
choose_key_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  choose_file (LAB_PREFERENCES_WINDOW (widget), _("Choose the Private Key"), "tls-key-file");
}

static void
clear_key_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_settings_set_string (LAB_PREFERENCES_WINDOW (widget)->settings, "tls-key-file", "");
}

static void
choose_ca_file_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  choose_file (LAB_PREFERENCES_WINDOW (widget), _("Choose a Certificate to Trust"), "client-ca-file");
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_variant_get_string (parameter, NULL));
  show_toast (LAB_PREFERENCES_WINDOW (widget), _("Copied to the clipboard"));
}

static void
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LabPreferencesWindow) self = user_data;
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  g_autoptr(GError) error = NULL;
  gboolean generated;

  generated = lab_tls_generate_finish (result, &certificate_file, &key_file, &error);

  /* Closed meanwhile. A pair written all the same stays unused until the
   * next Generate replaces it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->settings == NULL)
    return;

  if (!generated)
    {
      show_toast (self, error->message);
    }
  else
    {
      /* The application waits a moment before it applies server settings:
       * the three changes restart the server once. */
      g_settings_set_string (self->settings, "tls-certificate-file", certificate_file);
      g_settings_set_string (self->settings, "tls-key-file", key_file);
      g_settings_set_boolean (self->settings, "tls-enabled", TRUE);
      show_toast (self, _("New self-signed certificate in use"));
    }

  gtk_spinner_stop (self->generate_spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.generate", TRUE);
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LabPreferencesWindow *self = LAB_PREFERENCES_WINDOW (widget);
  g_autofree char *directory = lab_tls_dup_generated_directory ();
  g_autofree char *in_use_certificate = g_settings_get_string (self->settings,
                                                              "tls-certificate-file");
  g_autofree char *in_use_key = g_settings_get_string (self->settings, "tls-key-file");
  const char * const in_use[] = { in_use_certificate, in_use_key, NULL };
  LabTlsKeyType key_type = adw_combo_row_get_selected (self->key_type_row) == 1
                           ? LAB_TLS_KEY_RSA_2048 : LAB_TLS_KEY_ECDSA_P256;

  gtk_widget_action_set_enabled (widget, "prefs.generate", FALSE);
  gtk_spinner_start (self->generate_spinner);
  /* The new pair replaces those generated before, but the one the server
   * uses until the new settings apply. */
  lab_tls_generate_async (directory, key_type, in_use, self->cancellable, generated_cb,
                          g_object_ref (self));
}

/* Client page */

static int
compare_strings (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The settings' nicks, in the order of LabTrustMode and of the combo row. */
static const char * const trust_nicks[] = { "system", "ca-file", "ask" };

static gboolean
trust_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (trust_nicks); i++)
    if (g_str_equal (nick, trust_nicks[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
trust_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  return selected < G_N_ELEMENTS (trust_nicks) ? g_variant_new_string (trust_nicks[selected]) : NULL;
}

static void
update_ca_file (LabPreferencesWindow *self)
{
  g_autofree char *ca_file = g_settings_get_string (self->settings, "client-ca-file");
  g_autofree char *mode = g_settings_get_string (self->settings, "client-trust-mode");

  set_file_row (self->ca_file_row, ca_file, _("None"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->ca_file_row), g_str_equal (mode, "ca-file"));
}

static void
forget_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabPreferencesWindow *self = LAB_PREFERENCES_WINDOW (widget);

  lab_trust_store_forget (self->trust_store, g_variant_get_string (parameter, NULL));
}

static void
update_trusted (LabPreferencesWindow *self)
{
  g_autoptr(GHashTable) trusted = lab_trust_store_dup_trusted (self->trust_store);
  g_autofree const char **peers = (const char **) g_hash_table_get_keys_as_array (trusted, NULL);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->trusted_list))))
    gtk_list_box_remove (self->trusted_list, child);

  g_qsort_with_data (peers, g_hash_table_size (trusted), sizeof (char *),
                     (GCompareDataFunc) compare_strings, NULL);

  for (guint i = 0; peers[i] != NULL; i++)
    {
      const char *peer = peers[i];
      const char *fingerprint = g_hash_table_lookup (trusted, peer);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *forget = gtk_button_new_with_mnemonic (_("_Forget"));
      g_autofree char *forget_label = g_strdup_printf (_("Forget the certificate of %s"), peer);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), peer);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fingerprint);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_widget_add_css_class (row, "property");

      gtk_widget_set_valign (forget, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (forget), GTK_ACCESSIBLE_PROPERTY_LABEL, forget_label, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (forget), "prefs.forget");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (forget), "s", peer);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), forget);

      gtk_list_box_append (self->trusted_list, row);
    }
}

static void
settings_changed_cb (LabPreferencesWindow *self,
                     const char           *key)
{
  if (g_str_has_prefix (key, "tls-"))
    update_certificate (self);
  else if (g_str_equal (key, "client-ca-file") || g_str_equal (key, "client-trust-mode"))
    update_ca_file (self);
}

static void
lab_preferences_window_dispose (GObject *object)
{
  LabPreferencesWindow *self = LAB_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->summary_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->summary_cancellable);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lab_preferences_window_parent_class)->dispose (object);
}

static void
lab_preferences_window_class_init (LabPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_preferences_window_dispose;

  g_type_ensure (LAB_TYPE_LIMITS_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, port_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, lan_switch);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, classic_switch);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, ping_interval_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, limits_group);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, certificate_row);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, key_row);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, clear_key_button);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, key_type_row);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, generate_button);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, generate_spinner);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, summary_subject_row);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, summary_names_row);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, summary_expires_row);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, summary_fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, summary_group);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, trust_row);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, LabPreferencesWindow, trusted_list);

  gtk_widget_class_install_action (widget_class, "prefs.choose-certificate", NULL, choose_certificate_action);
  gtk_widget_class_install_action (widget_class, "prefs.choose-key", NULL, choose_key_action);
  gtk_widget_class_install_action (widget_class, "prefs.clear-key", NULL, clear_key_action);
  gtk_widget_class_install_action (widget_class, "prefs.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "prefs.choose-ca-file", NULL, choose_ca_file_action);
  gtk_widget_class_install_action (widget_class, "prefs.forget", "s", forget_action);
  gtk_widget_class_install_action (widget_class, "prefs.copy", "s", copy_action);
}

static void
lab_preferences_window_init (LabPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

LabPreferencesWindow *
lab_preferences_window_new (GtkApplication *application,
                            LabTrustStore  *trust_store,
                            GSettings      *settings)
{
  LabPreferencesWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (LAB_IS_TRUST_STORE (trust_store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (LAB_TYPE_PREFERENCES_WINDOW, "application", application, NULL);
  self->settings = g_object_ref (settings);
  self->trust_store = g_object_ref (trust_store);

  g_settings_bind_with_mapping (self->settings, "port", self->port_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, port_get_mapping, port_set_mapping, NULL, NULL);
  g_settings_bind (self->settings, "allow-lan", self->lan_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "classic-ports", self->classic_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ping-interval", self->ping_interval_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "tls-enabled", self->tls_switch, "active", G_SETTINGS_BIND_DEFAULT);
  lab_limits_group_set_settings (self->limits_group, self->settings);
  g_settings_bind_with_mapping (self->settings, "client-trust-mode", self->trust_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, trust_get_mapping, trust_set_mapping, NULL, NULL);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->trust_store, "changed", G_CALLBACK (update_trusted), self,
                           G_CONNECT_SWAPPED);

  update_certificate (self);
  update_ca_file (self);
  update_trusted (self);

  return self;
}
