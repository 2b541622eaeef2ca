/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-lesson-step-row"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-lesson-step-row.h"

/* One step of a lesson: what it teaches, the button that does it (through
 * the lessons' actions, with the step as target), and a check mark with the
 * evidence in words once the server has seen it; then Show in Inspector. */

struct _LabLessonStepRow
{
  AdwPreferencesRow  parent_instance;

  guint              step;
  gboolean           done;
  char              *status;

  /* Template widgets */
  GtkStack          *mark_stack;
  GtkWidget         *controls_box;
  GtkLabel          *title_label;
  GtkLabel          *explanation_label;
  GtkEntry          *name_entry;
  GtkButton         *run_button;
  GtkButton         *show_button;
  GtkLabel          *evidence_label;
};

enum {
  PROP_0,
  PROP_STEP,
  PROP_EXPLANATION,
  PROP_BUTTON_LABEL,
  PROP_WANTS_NAME,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (LabLessonStepRow, lab_lesson_step_row, ADW_TYPE_PREFERENCES_ROW)

static GParamSpec *properties[N_PROPS];

/* Enter in the name field does what the button does. */
static void
name_activated_cb (LabLessonStepRow *self)
{
  if (gtk_widget_is_sensitive (GTK_WIDGET (self->run_button)))
    gtk_widget_activate (GTK_WIDGET (self->run_button));
}

static void
set_step (LabLessonStepRow *self,
          guint             step)
{
  self->step = step;
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->run_button), "u", step);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->show_button), "u", step);
}

/* A step done elsewhere (closing a tab) leaves no empty line of buttons. */
static void
update_controls (LabLessonStepRow *self)
{
  gboolean any = FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (self->controls_box);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    any |= gtk_widget_get_visible (child);

  gtk_widget_set_visible (self->controls_box, any);
}

static void
update_evidence_label (LabLessonStepRow *self)
{
  const char *text = gtk_label_get_label (self->evidence_label);

  gtk_widget_set_visible (GTK_WIDGET (self->evidence_label), text != NULL && *text != '\0');
}

static void
lab_lesson_step_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LabLessonStepRow *self = LAB_LESSON_STEP_ROW (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;
    case PROP_EXPLANATION:
      g_value_set_string (value, gtk_label_get_label (self->explanation_label));
      break;
    case PROP_BUTTON_LABEL:
      g_value_set_string (value, gtk_button_get_label (self->run_button));
      break;
    case PROP_WANTS_NAME:
      g_value_set_boolean (value, gtk_widget_get_visible (GTK_WIDGET (self->name_entry)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_lesson_step_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LabLessonStepRow *self = LAB_LESSON_STEP_ROW (object);
  const char *label;

  switch (prop_id)
    {
    case PROP_STEP:
      set_step (self, g_value_get_uint (value));
      break;
    case PROP_EXPLANATION:
      gtk_label_set_label (self->explanation_label, g_value_get_string (value));
      break;
    case PROP_BUTTON_LABEL:
      /* A step the user does elsewhere (closing a browser tab) has no button. */
      label = g_value_get_string (value);
      gtk_button_set_label (self->run_button, label);
      gtk_widget_set_visible (GTK_WIDGET (self->run_button), label != NULL && *label != '\0');
      update_controls (self);
      break;
    case PROP_WANTS_NAME:
      gtk_widget_set_visible (GTK_WIDGET (self->name_entry), g_value_get_boolean (value));
      update_controls (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_lesson_step_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_LESSON_STEP_ROW);

  G_OBJECT_CLASS (lab_lesson_step_row_parent_class)->dispose (object);
}

static void
lab_lesson_step_row_finalize (GObject *object)
{
  LabLessonStepRow *self = LAB_LESSON_STEP_ROW (object);

  g_free (self->status);

  G_OBJECT_CLASS (lab_lesson_step_row_parent_class)->finalize (object);
}

static void
lab_lesson_step_row_class_init (LabLessonStepRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lab_lesson_step_row_get_property;
  object_class->set_property = lab_lesson_step_row_set_property;
  object_class->dispose = lab_lesson_step_row_dispose;
  object_class->finalize = lab_lesson_step_row_finalize;

  properties[PROP_STEP] =
    g_param_spec_uint ("step", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_EXPLANATION] =
    g_param_spec_string ("explanation", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUTTON_LABEL] =
    g_param_spec_string ("button-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_WANTS_NAME] =
    g_param_spec_boolean ("wants-name", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-lesson-step-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LabLessonStepRow, mark_stack);
  gtk_widget_class_bind_template_child (widget_class, LabLessonStepRow, controls_box);
  gtk_widget_class_bind_template_child (widget_class, LabLessonStepRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonStepRow, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, LabLessonStepRow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, LabLessonStepRow, run_button);
  gtk_widget_class_bind_template_child (widget_class, LabLessonStepRow, show_button);
  gtk_widget_class_bind_template_child (widget_class, LabLessonStepRow, evidence_label);
  gtk_widget_class_bind_template_callback (widget_class, name_activated_cb);
}

static void
lab_lesson_step_row_init (LabLessonStepRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_object_bind_property (self, "title", self->title_label, "label", G_BINDING_SYNC_CREATE);
  set_step (self, 0);
  update_controls (self);
}

guint
lab_lesson_step_row_get_step (LabLessonStepRow *self)
{
  g_return_val_if_fail (LAB_IS_LESSON_STEP_ROW (self), 0);
  return self->step;
}

/* The name typed for a hello step */
const char *
lab_lesson_step_row_get_name (LabLessonStepRow *self)
{
  g_return_val_if_fail (LAB_IS_LESSON_STEP_ROW (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
}

void
lab_lesson_step_row_set_name (LabLessonStepRow *self,
                              const char       *name)
{
  g_return_if_fail (LAB_IS_LESSON_STEP_ROW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name);
}

/* Whether the check mark shows */
gboolean
lab_lesson_step_row_get_done (LabLessonStepRow *self)
{
  g_return_val_if_fail (LAB_IS_LESSON_STEP_ROW (self), FALSE);
  return self->done;
}

/**
 * lab_lesson_step_row_set_evidence:
 * @done: whether the server has seen the evidence
 * @detail: (nullable): the evidence in words
 * @can_show: whether a connection can be shown in the Inspector
 */
void
lab_lesson_step_row_set_evidence (LabLessonStepRow *self,
                                  gboolean          done,
                                  const char       *detail,
                                  gboolean          can_show)
{
  g_return_if_fail (LAB_IS_LESSON_STEP_ROW (self));

  self->done = done;
  gtk_stack_set_visible_child_name (self->mark_stack, done ? "done" : "waiting");
  gtk_widget_set_visible (GTK_WIDGET (self->show_button), done && can_show);
  update_controls (self);

  if (done)
    g_clear_pointer (&self->status, g_free);
  gtk_label_set_label (self->evidence_label, done ? detail : self->status);
  if (done)
    gtk_widget_remove_css_class (GTK_WIDGET (self->evidence_label), "error");
  update_evidence_label (self);
}

/**
 * lab_lesson_step_row_set_status:
 * @status: (nullable): what went wrong on the way, shown until the evidence
 */
void
lab_lesson_step_row_set_status (LabLessonStepRow *self,
                                const char       *status)
{
  g_return_if_fail (LAB_IS_LESSON_STEP_ROW (self));

  g_free (self->status);
  self->status = g_strdup (status);
  if (self->done)
    return;

  gtk_label_set_label (self->evidence_label, status);
  if (status != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->evidence_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->evidence_label), "error");
  update_evidence_label (self);
}

/* Whether the step's button can do its work now (the server's TLS decides
 * which hello step can). */
void
lab_lesson_step_row_set_ready (LabLessonStepRow *self,
                               gboolean          ready)
{
  g_return_if_fail (LAB_IS_LESSON_STEP_ROW (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_entry), ready);
}
