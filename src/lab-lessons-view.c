/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-lessons-view"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-hello-call.h"
#include "lab-lessons-view.h"
#include "lab-tls.h"
#include "lab-url.h"

/* The Lessons page: the tutorial's four examples as steps. Each button does
 * its step with the app's own means (a hello call, the settings that switch
 * TLS on, the window's actions); each check mark comes from the progress
 * observer, which only believes the server's traffic. */

struct _LabLessonsView
{
  AdwBin               parent_instance;

  LabServerSupervisor *supervisor;
  LabTrustStore       *trust_store;
  GSettings           *settings;
  LabLessonProgress   *progress;
  GCancellable        *cancellable;

  /* Template widgets */
  GtkLabel            *progress_label;
  LabLessonStepRow    *hello_row;
  LabLessonStepRow    *tls_on_row;
  LabLessonStepRow    *hello_tls_row;
  LabLessonStepRow    *time_row;
  LabLessonStepRow    *counter_join_row;
  LabLessonStepRow    *counter_leave_row;
  LabLessonStepRow    *counter_broadcast_row;
};

enum {
  INSPECT,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (LabLessonsView, lab_lessons_view, ADW_TYPE_BIN)

static guint signals[N_SIGNALS];

static LabServer *
get_server (LabLessonsView *self)
{
  return lab_server_supervisor_get_server (self->supervisor);
}

static void
update_step (LabLessonsView *self,
             LabLessonStep   step)
{
  LabLessonStepRow *row = lab_lessons_view_get_row (self, step);
  g_autofree char *text = NULL;
  guint done = lab_lesson_progress_count_done (self->progress);

  lab_lesson_step_row_set_evidence (row, lab_lesson_progress_is_done (self->progress, step),
                                    lab_lesson_progress_get_detail (self->progress, step),
                                    lab_lesson_progress_get_peer (self->progress, step) != NULL);

  /* Translators: how many of the lessons' steps are checked */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u step checked",
                                       "%u of %u steps checked", LAB_LESSON_N_STEPS),
                          done, LAB_LESSON_N_STEPS);
  gtk_label_set_label (self->progress_label, text);
}

/* Which hello can run: the server speaks ws:// or wss://, not both. */
static void
server_changed_cb (LabLessonsView *self)
{
  LabServer *server = get_server (self);
  gboolean running = lab_server_get_running (server);
  gboolean tls = lab_server_get_tls_certificate (server) != NULL;

  lab_lesson_step_row_set_ready (self->hello_row, running && !tls);
  lab_lesson_step_row_set_ready (self->hello_tls_row, running && tls);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lessons.tls-off",
                                 g_settings_get_boolean (self->settings, "tls-enabled"));
}

static void
hello_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  LabLessonStepRow *row = user_data;
  g_autoptr(LabHelloReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = lab_hello_call_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (row);
      return;
    }

  /* The check mark is the server's to give; only a failure is told here. */
  if (reply == NULL)
    lab_lesson_step_row_set_status (row, error->message);
  g_object_unref (row);
}

static void
say_hello (LabLessonsView   *self,
           LabLessonStepRow *row)
{
  g_autofree char *counter_url = lab_server_dup_url (get_server (self), LAB_ENDPOINT_COUNTER);
  g_autofree char *url = NULL;
  g_autofree char *name = g_strstrip (g_strdup (lab_lesson_step_row_get_name (row)));

  if (*name == '\0')
    {
      lab_lesson_step_row_set_status (row, _("Type a name to send first"));
      return;
    }
  if (counter_url == NULL)
    {
      lab_lesson_step_row_set_status (row, _("The server is not running"));
      return;
    }

  /* The main port's /hello, ws:// or wss:// as the server speaks now. */
  url = lab_url_with_path (counter_url, "/hello");

  lab_lesson_step_row_set_status (row, NULL);
  /* The window's trust store: it trusts this app's own certificate. */
  lab_hello_call_async (url, name, self->trust_store, self->cancellable, hello_done_cb,
                        g_object_ref (row));
}

static void
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LabLessonsView) self = user_data;
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  g_autoptr(GError) error = NULL;
  gboolean generated = lab_tls_generate_finish (result, &certificate_file, &key_file, &error);

  /* Closed meanwhile: a pair written all the same waits unused. */
  if (self->settings == NULL)
    return;

  if (!generated)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        lab_lesson_step_row_set_status (self->tls_on_row, error->message);
      return;
    }

  lab_lesson_step_row_set_status (self->tls_on_row, NULL);
  /* The application applies the three changes at once and restarts the
   * server: the observer checks the step when it serves wss://. */
  g_settings_set_string (self->settings, "tls-certificate-file", certificate_file);
  g_settings_set_string (self->settings, "tls-key-file", key_file);
  g_settings_set_boolean (self->settings, "tls-enabled", TRUE);
}

static void
switch_tls_on (LabLessonsView *self)
{
  g_autofree char *directory = lab_tls_dup_generated_directory ();
  g_autofree char *in_use_certificate = g_settings_get_string (self->settings,
                                                              "tls-certificate-file");
  g_autofree char *in_use_key = g_settings_get_string (self->settings, "tls-key-file");
  const char * const in_use[] = { in_use_certificate, in_use_key, NULL };

  lab_lesson_step_row_set_status (self->tls_on_row, _("Generating a certificate…"));
  /* Replaces the pairs generated before, but the one in use until the new
   * settings apply. */
  lab_tls_generate_async (directory, LAB_TLS_KEY_ECDSA_P256, in_use, self->cancellable,
                          generated_cb, g_object_ref (self));
}

static void
run_step_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LabLessonsView *self = LAB_LESSONS_VIEW (widget);
  LabLessonStep step = g_variant_get_uint32 (parameter);
  g_autofree char *url = NULL;

  switch (step)
    {
    case LAB_LESSON_STEP_HELLO:
    case LAB_LESSON_STEP_HELLO_TLS:
      say_hello (self, lab_lessons_view_get_row (self, step));
      break;

    case LAB_LESSON_STEP_TLS_ON:
      switch_tls_on (self);
      break;

    case LAB_LESSON_STEP_TIME:
      url = lab_server_dup_url (get_server (self), LAB_ENDPOINT_TIME_PAGE);
      if (url != NULL)
        gtk_widget_activate_action (widget, "win.open-uri", "s", url);
      break;

    case LAB_LESSON_STEP_COUNTER_JOIN:
      gtk_widget_activate_action (widget, "win.open-counter-page", NULL);
      break;

    case LAB_LESSON_STEP_COUNTER_BROADCAST:
      /* The window's own client sends the action, as a browser would. */
      gtk_widget_activate_action (widget, "win.plus", NULL);
      break;

    case LAB_LESSON_STEP_COUNTER_LEAVE:
    case LAB_LESSON_N_STEPS:
    default:
      break;
    }
}

static void
show_evidence_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  LabLessonsView *self = LAB_LESSONS_VIEW (widget);
  LabLessonStep step = g_variant_get_uint32 (parameter);
  g_autoptr(LabFrame) frame = NULL;
  LabPeer *peer;

  if (step >= LAB_LESSON_N_STEPS)
    return;

  peer = lab_lesson_progress_get_peer (self->progress, step);
  if (peer == NULL)
    return;

  frame = lab_lesson_progress_get_frame (self->progress, step);
  g_signal_emit (self, signals[INSPECT], 0, peer, frame);
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LabLessonsView *self = LAB_LESSONS_VIEW (widget);

  for (guint i = 0; i < LAB_LESSON_N_STEPS; i++)
    lab_lesson_step_row_set_status (lab_lessons_view_get_row (self, i), NULL);
  lab_lesson_progress_reset (self->progress);
}

static void
tls_off_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  g_settings_set_boolean (LAB_LESSONS_VIEW (widget)->settings, "tls-enabled", FALSE);
}

static void
lab_lessons_view_dispose (GObject *object)
{
  LabLessonsView *self = LAB_LESSONS_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_LESSONS_VIEW);

  g_clear_object (&self->progress);
  g_clear_object (&self->supervisor);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lab_lessons_view_parent_class)->dispose (object);
}

static void
lab_lessons_view_class_init (LabLessonsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_lessons_view_dispose;

  /**
   * LabLessonsView::inspect:
   * @peer: the connection a step's evidence came from, open or closed
   * @frame: (nullable): the frame that carried it, if captured
   *
   * Show in Inspector was pressed.
   */
  signals[INSPECT] =
    g_signal_new ("inspect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, LAB_TYPE_PEER, LAB_TYPE_FRAME);

  g_type_ensure (LAB_TYPE_LESSON_STEP_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-lessons-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LabLessonsView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsView, hello_row);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsView, tls_on_row);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsView, hello_tls_row);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsView, time_row);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsView, counter_join_row);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsView, counter_leave_row);
  gtk_widget_class_bind_template_child (widget_class, LabLessonsView, counter_broadcast_row);

  gtk_widget_class_install_action (widget_class, "lessons.run-step", "u", run_step_action);
  gtk_widget_class_install_action (widget_class, "lessons.show-evidence", "u",
                                   show_evidence_action);
  gtk_widget_class_install_action (widget_class, "lessons.reset", NULL, reset_action);
  gtk_widget_class_install_action (widget_class, "lessons.tls-off", NULL, tls_off_action);
}

static void
lab_lessons_view_init (LabLessonsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * lab_lessons_view_set_up:
 * @supervisor: the server the lessons talk to and watch
 * @trust_store: whom the hello over wss:// trusts (the window's)
 * @settings: the application's settings, where TLS is switched
 *
 * Progress starts now and lasts as long as this view.
 */
void
lab_lessons_view_set_up (LabLessonsView      *self,
                         LabServerSupervisor *supervisor,
                         LabTrustStore       *trust_store,
                         GSettings           *settings)
{
  LabServer *server;

  g_return_if_fail (LAB_IS_LESSONS_VIEW (self));
  g_return_if_fail (self->supervisor == NULL);

  self->supervisor = g_object_ref (supervisor);
  self->trust_store = g_object_ref (trust_store);
  self->settings = g_object_ref (settings);
  server = get_server (self);
  self->progress = lab_lesson_progress_new (server);

  g_signal_connect_object (self->progress, "step-changed", G_CALLBACK (update_step), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (server, "notify::running", G_CALLBACK (server_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (server, "notify::tls-certificate", G_CALLBACK (server_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::tls-enabled", G_CALLBACK (server_changed_cb),
                           self, G_CONNECT_SWAPPED);

  for (guint i = 0; i < LAB_LESSON_N_STEPS; i++)
    update_step (self, i);
  server_changed_cb (self);
}

/* Returns: (transfer none): what the server has shown so far */
LabLessonProgress *
lab_lessons_view_get_progress (LabLessonsView *self)
{
  g_return_val_if_fail (LAB_IS_LESSONS_VIEW (self), NULL);
  return self->progress;
}

/* Returns: (transfer none): the row of @step */
LabLessonStepRow *
lab_lessons_view_get_row (LabLessonsView *self,
                          LabLessonStep   step)
{
  LabLessonStepRow * const rows[] = {
    [LAB_LESSON_STEP_HELLO] = self->hello_row,
    [LAB_LESSON_STEP_TLS_ON] = self->tls_on_row,
    [LAB_LESSON_STEP_HELLO_TLS] = self->hello_tls_row,
    [LAB_LESSON_STEP_TIME] = self->time_row,
    [LAB_LESSON_STEP_COUNTER_JOIN] = self->counter_join_row,
    [LAB_LESSON_STEP_COUNTER_LEAVE] = self->counter_leave_row,
    [LAB_LESSON_STEP_COUNTER_BROADCAST] = self->counter_broadcast_row,
  };

  g_return_val_if_fail (LAB_IS_LESSONS_VIEW (self), NULL);
  g_return_val_if_fail (step < LAB_LESSON_N_STEPS, NULL);

  return rows[step];
}
