/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-address-rows.h"
#include "lab-changing-text.h"
#include "lab-paced-update.h"
#include "lab-event-row.h"
#include "lab-peer-row.h"
#include "lab-server-pane.h"
#include "lab-throttled-list.h"

/* The server half of the window: where the server listens, what it holds, who
 * is connected and what just happened. It shows one server and what its
 * supervisor says about it; every button is an action. */

struct _LabServerPane
{
  AdwBin           parent_instance;

  LabServerSupervisor *supervisor;
  LabServer       *server;

  /* Template widgets */
  GtkRevealer     *problem_revealer;
  GtkLabel        *problem_label;
  GtkButton       *another_port_button;
  GtkRevealer     *notice_revealer;
  GtkLabel        *notice_label;
  AdwPreferencesGroup *server_group;
  GtkListBox      *addresses_list;
  GtkInscription  *value_inscription;
  GtkInscription  *users_inscription;
  GtkStack        *peers_stack;
  AdwPreferencesGroup *peers_group;
  GtkListView     *peers_view;
  GtkListView     *events_view;

  /* The server's lists as the views take them: in batches */
  LabThrottledList *peers;
  LabThrottledList *events;
  LabPacedUpdate   counter_update;
  /* While the pane is mapped: the frame clock whose frames tell when to look
   * whether the log is in view */
  GdkFrameClock    *frame_clock;
};

enum {
  PROP_0,
  PROP_SUPERVISOR,
  N_PROPS
};

/* The log holds more; a glance at the window needs the latest few. */
#define EVENTS_SHOWN 100
/* The counter's numbers move at most this often during a storm of clicks or joins. */
#define COUNTER_UPDATE_MS 100

G_DEFINE_FINAL_TYPE (LabServerPane, lab_server_pane, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void
update_addresses (LabServerPane *self)
{
  /* A stopped server's addresses are hidden, and replaced when it starts. */
  if (self->server == NULL || !lab_server_get_running (self->server))
    {
      adw_preferences_group_set_description (self->server_group, _("Stopped"));
      gtk_widget_set_visible (GTK_WIDGET (self->addresses_list), FALSE);
      return;
    }

  adw_preferences_group_set_description (self->server_group,
                                         lab_server_get_allow_lan (self->server)
                                         ? _("Listening for this computer and other devices")
                                         : _("Listening for this computer only"));
  gtk_widget_set_visible (GTK_WIDGET (self->addresses_list), TRUE);

  lab_address_rows_fill (self->addresses_list, lab_server_get_endpoints (self->server));
}

static void
update_counter (LabServerPane *self)
{
  g_autofree char *value = NULL;
  g_autofree char *users = NULL;

  if (self->server != NULL)
    {
      LabCounter *counter = lab_server_get_counter (self->server);

      value = g_strdup_printf ("%" G_GINT64_FORMAT, lab_counter_get_value (counter));
      users = g_strdup_printf ("%u", lab_counter_get_users (counter));
    }

  lab_changing_text_show (self->value_inscription, value);
  lab_changing_text_show (self->users_inscription, users);
}

static void
update_problem (LabServerPane *self)
{
  const char *problem = NULL;
  const char *notice = NULL;
  gboolean conflict = FALSE;

  if (self->supervisor != NULL)
    {
      problem = lab_server_supervisor_get_problem (self->supervisor);
      notice = lab_server_supervisor_get_joined_notice (self->supervisor);
      conflict = lab_server_supervisor_get_port_conflict (self->supervisor);
    }

  gtk_label_set_label (self->problem_label, problem ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->another_port_button), conflict);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_revealer), problem != NULL);
  gtk_revealer_set_reveal_child (self->problem_revealer, problem != NULL);

  gtk_label_set_label (self->notice_label, notice ? notice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notice_revealer), notice != NULL && problem == NULL);
  gtk_revealer_set_reveal_child (self->notice_revealer, notice != NULL && problem == NULL);
}

static void
update_peers_page (LabServerPane *self)
{
  guint n = self->peers ? g_list_model_get_n_items (G_LIST_MODEL (self->peers)) : 0;
  guint limit = self->server ? lab_server_limits_get_max_clients (lab_server_get_limits (self->server)) : 0;
  g_autofree char *count = NULL;

  gtk_stack_set_visible_child_name (self->peers_stack, n > 0 ? "list" : "empty");

  /* How full the server is: past the limit, newcomers are refused. */
  if (limit > 0)
    count = g_strdup_printf (ngettext ("%u of at most %u", "%u of at most %u", limit), n, limit);
  else
    count = g_strdup_printf (ngettext ("%u, with no limit", "%u, with no limit", n), n);
  if (g_strcmp0 (adw_preferences_group_get_description (self->peers_group), count) != 0)
    adw_preferences_group_set_description (self->peers_group, count);
}

static void
setup_event_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  gtk_list_item_set_child (item, lab_event_row_new ());
}

static void
setup_peer_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_list_item_set_child (item, lab_peer_row_new ());
}

static void
bind_peer_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  lab_peer_row_set_peer (LAB_PEER_ROW (gtk_list_item_get_child (item)), gtk_list_item_get_item (item));
}

static void
unbind_peer_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  lab_peer_row_set_peer (LAB_PEER_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
bind_event_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  lab_event_row_set_event (LAB_EVENT_ROW (gtk_list_item_get_child (item)), gtk_list_item_get_item (item));
}

static GtkListItemFactory *
factory_new (GCallback setup,
             GCallback bind,
             GCallback unbind)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, NULL);
  g_signal_connect (factory, "bind", bind, NULL);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, NULL);

  return factory;
}

static void
update_everything (LabServerPane *self)
{
  update_problem (self);
  update_addresses (self);
  update_counter (self);
  update_peers_page (self);
}

static void
server_notify_cb (LabServerPane *self)
{
  update_addresses (self);
}

static void
counter_update_cb (gpointer user_data)
{
  update_counter (user_data);
}

static void
counter_notify_cb (LabServerPane *self)
{
  lab_paced_update_request (&self->counter_update);
}

static void
peers_changed_cb (LabServerPane *self)
{
  update_peers_page (self);
}

static void
supervisor_notify_cb (LabServerPane *self)
{
  update_problem (self);
}

/* The log's rows follow the server only while a person can see them: in a
 * busy class a hundred events a second make and lay out a hundred rows on the
 * main loop the server shares, and at the window's usual size the log is
 * scrolled out of sight below the clients. Out of sight (or on another page)
 * the list stands still; scrolled into view, it catches up at once. */
static void
update_events_in_view (LabServerPane *self)
{
  GtkWidget *events = GTK_WIDGET (self->events_view);
  /* What the pane scrolls in: the window's */
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  gboolean in_view = gtk_widget_get_mapped (events);

  if (self->events == NULL)
    return;

  if (in_view && scroller != NULL)
    {
      graphene_rect_t bounds;

      in_view = gtk_widget_compute_bounds (events, scroller, &bounds) &&
                bounds.origin.y < gtk_widget_get_height (scroller) &&
                bounds.origin.y + bounds.size.height > 0;
    }

  lab_throttled_list_set_paused (self->events, !in_view);
}

static void
lab_server_pane_map (GtkWidget *widget)
{
  LabServerPane *self = LAB_SERVER_PANE (widget);

  GTK_WIDGET_CLASS (lab_server_pane_parent_class)->map (widget);

  /* After each frame's layout: scrolled, resized, or a longer list above. A
   * few sums a frame, and frames come only when something moved. */
  g_set_object (&self->frame_clock, gtk_widget_get_frame_clock (widget));
  if (self->frame_clock != NULL)
    g_signal_connect_object (self->frame_clock, "after-paint",
                             G_CALLBACK (update_events_in_view), self, G_CONNECT_SWAPPED);
  update_events_in_view (self);
}

static void
lab_server_pane_unmap (GtkWidget *widget)
{
  LabServerPane *self = LAB_SERVER_PANE (widget);

  if (self->frame_clock != NULL)
    g_signal_handlers_disconnect_by_data (self->frame_clock, self);
  g_clear_object (&self->frame_clock);

  GTK_WIDGET_CLASS (lab_server_pane_parent_class)->unmap (widget);

  update_events_in_view (self);
}

static void
lab_server_pane_dispose (GObject *object)
{
  LabServerPane *self = LAB_SERVER_PANE (object);

  lab_server_pane_set_supervisor (self, NULL);
  lab_paced_update_clear (&self->counter_update);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_SERVER_PANE);

  G_OBJECT_CLASS (lab_server_pane_parent_class)->dispose (object);
}

static void
lab_server_pane_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabServerPane *self = LAB_SERVER_PANE (object);

  switch (prop_id)
    {
    case PROP_SUPERVISOR:
      g_value_set_object (value, self->supervisor);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_server_pane_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LabServerPane *self = LAB_SERVER_PANE (object);

  switch (prop_id)
    {
    case PROP_SUPERVISOR:
      lab_server_pane_set_supervisor (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_server_pane_class_init (LabServerPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_server_pane_dispose;
  object_class->get_property = lab_server_pane_get_property;
  object_class->set_property = lab_server_pane_set_property;
  widget_class->map = lab_server_pane_map;
  widget_class->unmap = lab_server_pane_unmap;

  properties[PROP_SUPERVISOR] =
    g_param_spec_object ("supervisor", NULL, NULL,
                         LAB_TYPE_SERVER_SUPERVISOR,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/wslab/WebSocketLab/lab-server-pane.ui");
  gtk_widget_class_set_css_name (widget_class, "serverpane");

  gtk_widget_class_bind_template_child (widget_class, LabServerPane, problem_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, problem_label);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, another_port_button);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, notice_label);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, server_group);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, addresses_list);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, value_inscription);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, users_inscription);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, peers_stack);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, peers_group);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, peers_view);
  gtk_widget_class_bind_template_child (widget_class, LabServerPane, events_view);
}

static void
lab_server_pane_init (LabServerPane *self)
{
  g_autoptr(GtkListItemFactory) peer_factory = factory_new (G_CALLBACK (setup_peer_cb),
                                                            G_CALLBACK (bind_peer_cb),
                                                            G_CALLBACK (unbind_peer_cb));
  g_autoptr(GtkListItemFactory) event_factory = factory_new (G_CALLBACK (setup_event_cb),
                                                             G_CALLBACK (bind_event_cb), NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  lab_paced_update_init (&self->counter_update, COUNTER_UPDATE_MS, counter_update_cb, self);

  gtk_list_view_set_factory (self->peers_view, peer_factory);
  gtk_list_view_set_factory (self->events_view, event_factory);

  update_everything (self);
}

LabServerSupervisor *
lab_server_pane_get_supervisor (LabServerPane *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_PANE (self), NULL);

  return self->supervisor;
}

void
lab_server_pane_set_supervisor (LabServerPane       *self,
                                LabServerSupervisor *supervisor)
{
  g_return_if_fail (LAB_IS_SERVER_PANE (self));
  g_return_if_fail (!supervisor || LAB_IS_SERVER_SUPERVISOR (supervisor));

  if (self->supervisor == supervisor)
    return;

  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_signal_handlers_disconnect_by_data (lab_server_get_counter (self->server), self);
      g_signal_handlers_disconnect_by_data (lab_server_get_endpoints (self->server), self);
      g_signal_handlers_disconnect_by_data (lab_server_get_limits (self->server), self);
      gtk_list_view_set_model (self->peers_view, NULL);
      gtk_list_view_set_model (self->events_view, NULL);
      g_clear_object (&self->peers);
      g_clear_object (&self->events);
    }
  if (self->supervisor != NULL)
    g_signal_handlers_disconnect_by_data (self->supervisor, self);

  g_set_object (&self->supervisor, supervisor);
  g_clear_object (&self->server);
  if (supervisor != NULL)
    self->server = g_object_ref (lab_server_supervisor_get_server (supervisor));

  if (self->supervisor != NULL)
    {
      g_signal_connect_object (self->supervisor, "notify::problem",
                               G_CALLBACK (supervisor_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->supervisor, "notify::joined-notice",
                               G_CALLBACK (supervisor_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->supervisor, "notify::port-conflict",
                               G_CALLBACK (supervisor_notify_cb), self, G_CONNECT_SWAPPED);
    }
  if (self->server != NULL)
    {
      g_autoptr(GtkNoSelection) peers = NULL;
      g_autoptr(GtkNoSelection) events = NULL;

      g_signal_connect_object (lab_server_get_endpoints (self->server), "items-changed",
                               G_CALLBACK (server_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (lab_server_get_counter (self->server), "notify",
                               G_CALLBACK (counter_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (lab_server_get_limits (self->server), "notify::max-clients",
                               G_CALLBACK (update_peers_page), self, G_CONNECT_SWAPPED);

      /* Virtualised lists, fed in batches: thousands of clients and a busy
       * log cost the server (same main loop) little. The log is shown newest
       * first, so the latest is in view, without sorting it. */
      self->peers = lab_throttled_list_new (lab_server_get_peers (self->server), FALSE, 0);
      self->events = lab_throttled_list_new (G_LIST_MODEL (lab_server_get_event_log (self->server)),
                                             TRUE, EVENTS_SHOWN);
      g_signal_connect_object (self->peers, "items-changed",
                               G_CALLBACK (peers_changed_cb), self, G_CONNECT_SWAPPED);

      peers = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->peers)));
      events = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->events)));
      gtk_list_view_set_model (self->peers_view, GTK_SELECTION_MODEL (peers));
      gtk_list_view_set_model (self->events_view, GTK_SELECTION_MODEL (events));
      update_events_in_view (self);
    }

  update_everything (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUPERVISOR]);
}

/* What a person reads as the counter's users and value (tests look too). */
const char *
lab_server_pane_get_users_text (LabServerPane *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_PANE (self), NULL);

  return gtk_inscription_get_text (self->users_inscription);
}

const char *
lab_server_pane_get_value_text (LabServerPane *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_PANE (self), NULL);

  return gtk_inscription_get_text (self->value_inscription);
}

/**
 * lab_server_pane_get_shown_events:
 *
 * Returns: (transfer none): the #LabEvent items the event list shows, in its order
 */
GListModel *
lab_server_pane_get_shown_events (LabServerPane *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_PANE (self), NULL);

  return G_LIST_MODEL (self->events);
}
