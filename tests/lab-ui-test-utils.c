/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-ui-test-utils.h"

/* Runs the real application in a test, and looks at its windows as a person
 * would: the buttons they can press, the numbers they can read. */

typedef struct
{
  AppTestFunc  func;
  gboolean     ran;
} AppTest;

static gboolean
run_test_cb (gpointer user_data)
{
  GApplication *app = user_data;
  AppTest *test = g_object_get_data (G_OBJECT (app), "lab-app-test");

  test->func (LAB_APPLICATION (app));
  test->ran = TRUE;

  /* Close every window, as a person would, then leave. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL;
       l = gtk_application_get_windows (GTK_APPLICATION (app)))
    gtk_window_destroy (l->data);
  g_application_quit (app);

  return G_SOURCE_REMOVE;
}

void
lab_ui_test_init (int    *argc,
                  char ***argv)
{
  /* And the system's icon themes: the screenshots show what a desktop shows. */
  g_auto(GStrv) data_dirs = g_strdupv ((char **) g_get_system_data_dirs ());
  GtkIconTheme *icons;

  /* GTK 4.8 renders symbolic SVG icons through a MIME sniff: keep the system's
   * MIME database, which the isolated test dirs would hide. */
  g_content_type_set_mime_dirs (NULL);
  lab_test_init (argc, argv);
  gtk_init ();

  icons = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  for (guint i = 0; data_dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (data_dirs[i], "icons", NULL);

      gtk_icon_theme_add_search_path (icons, path);
    }
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  /* One memory backend for the whole process: each run starts from defaults. */
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static void
activated_cb (GApplication *app)
{
  g_idle_add_full (G_PRIORITY_LOW, run_test_cb, g_object_ref (app), g_object_unref);
}

/* Runs the application as `websocket-lab ARGS…` and @func once a window is up. */
void
run_app (AppTestFunc  func,
         const char  *first_arg,
         ...)
{
  g_autoptr(LabApplication) app = lab_application_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  AppTest test = { func, FALSE };
  va_list args;

  reset_settings ();

  g_ptr_array_add (argv, (char *) "websocket-lab");
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* Several instances side by side in one test process, like two people. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_object_set_data (G_OBJECT (app), "lab-app-test", &test);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), NULL);

  g_assert_cmpint (g_application_run (G_APPLICATION (app), argv->len - 1, (char **) argv->pdata), ==, 0);
  g_assert_true (test.ran);
}

/* The application's one server, as its supervisor keeps it. */
LabServer *
lab_ui_test_get_server (LabApplication *app)
{
  return lab_server_supervisor_get_server (lab_application_get_supervisor (app));
}

LabWindow *
first_window (LabApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  g_assert_nonnull (windows);
  return LAB_WINDOW (windows->data);
}

typedef gboolean (*WidgetMatch) (GtkWidget     *widget,
                                 gconstpointer  data);

/* The first widget at or below @widget, depth first, that @matches. */
static GtkWidget *
find_widget_where (GtkWidget     *widget,
                   WidgetMatch    matches,
                   gconstpointer  data)
{
  if (matches (widget, data))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_where (child, matches, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
has_action_name (GtkWidget     *widget,
                 gconstpointer  action_name)
{
  return GTK_IS_ACTIONABLE (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
  return find_widget_where (widget, has_action_name, action_name);
}

gboolean
button_usable (LabWindow  *window,
               const char *action_name)
{
  GtkWidget *button = find_actionable (GTK_WIDGET (window), action_name);

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

typedef struct
{
  LabWindow  *window;
  const char *text;
} ShowsValue;

static gboolean
shows_value (gpointer data)
{
  ShowsValue *check = data;

  return g_strcmp0 (lab_client_pane_get_value_text (lab_window_get_client_pane (check->window)),
                    check->text) == 0;
}

void
assert_shows_value (LabWindow  *window,
                    const char *text)
{
  ShowsValue check = { window, text };

  if (!lab_test_wait_until (shows_value, &check, LAB_TEST_TIMEOUT_MS))
    g_error ("The window shows “%s”, not “%s”",
             lab_client_pane_get_value_text (lab_window_get_client_pane (window)), text);
}

static gboolean
is_ready (gpointer data)
{
  return button_usable (data, "win.plus") && button_usable (data, "win.minus");
}

void
wait_ready (LabWindow *window)
{
  g_assert_true (lab_test_wait_until (is_ready, window, LAB_TEST_TIMEOUT_MS));
}

LabTestProcess *
spawn_python_watcher (LabApplication *app,
                      const char     *users,
                      const char     *final)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "interop", "counter_client.py", NULL);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/",
                                          lab_server_get_bound_port (lab_ui_test_get_server (app)));
  const char *argv[] = { lab_test_python (), script, url, users, "", final, NULL };

  return lab_test_process_spawn (argv, NULL);
}

typedef struct
{
  LabServer *server;
  guint      users;
} UsersCheck;

static gboolean
server_has_users (gpointer data)
{
  UsersCheck *check = data;

  return lab_counter_get_users (lab_server_get_counter (check->server)) == check->users;
}

void
wait_server_users (LabApplication *app,
                   guint           users)
{
  UsersCheck check = { lab_ui_test_get_server (app), users };

  g_assert_true (lab_test_wait_until (server_has_users, &check, LAB_TEST_TIMEOUT_MS));
}


static gboolean
has_css_class (GtkWidget     *widget,
               gconstpointer  css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

/* The first widget at or below @widget showing @css_class, or NULL. */
GtkWidget *
find_widget_with_class (GtkWidget  *widget,
                        const char *css_class)
{
  return find_widget_where (widget, has_css_class, css_class);
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, *(const GType *) type);
}

GtkWidget *
find_widget_of_type (GtkWidget *widget,
                     GType      type)
{
  return find_widget_where (widget, is_of_type, &type);
}

/* A list view showing @item_type items (through a GtkNoSelection). */
static gboolean
lists_items_of (GtkWidget     *widget,
                gconstpointer  item_type)
{
  GtkSelectionModel *model = GTK_IS_LIST_VIEW (widget) ? gtk_list_view_get_model (GTK_LIST_VIEW (widget)) : NULL;

  return GTK_IS_NO_SELECTION (model) &&
         g_list_model_get_item_type (gtk_no_selection_get_model (GTK_NO_SELECTION (model))) ==
         *(const GType *) item_type;
}

/* The server half's Recent Events list. */
GtkWidget *
find_server_events (LabWindow *window)
{
  GType item_type = LAB_TYPE_EVENT;
  GtkWidget *events = find_widget_where (GTK_WIDGET (lab_window_get_server_pane (window)),
                                         lists_items_of, &item_type);

  g_assert_nonnull (events);

  return events;
}

typedef struct
{
  LabWindow *window;
  GtkWidget *widget;
} ScrollTarget;

/* Scrolls again until the view has settled there: a page just switched to
 * has not been laid out yet. */
static gboolean
scrolled_to (gpointer data)
{
  ScrollTarget *target = data;
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (lab_window_get_server_pane (target->window)),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  double value = gtk_adjustment_get_value (adjustment);
  double wanted = 0;
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (scroller))
    return FALSE;
  if (target->widget != NULL)
    {
      if (!gtk_widget_compute_bounds (target->widget, scroller, &bounds))
        return FALSE;
      wanted = value + bounds.origin.y;
    }

  gtk_adjustment_set_value (adjustment, wanted);

  return G_APPROX_VALUE (gtk_adjustment_get_value (adjustment), value, 0.5);
}

/* Scrolls the server half as a person would, so that @widget (in it) is at
 * the top of the view (as far as it goes), or the server half's own top for
 * NULL. */
void
scroll_server_pane_to (LabWindow *window,
                       GtkWidget *widget)
{
  ScrollTarget target = { window, widget };

  g_assert_true (lab_test_wait_until (scrolled_to, &target, LAB_TEST_TIMEOUT_MS));
}

/* What @widget shows on screen now, drawn by its window's renderer. */
void
save_widget_png (GtkWidget  *widget,
                 const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, (float) width, (float) height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* With LAB_SCREENSHOT_DIR set (README says when), @widget into the PNG
 * file @name there: the pictures in README and the metainfo are what the
 * tests saw. */
void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  const char *directory = g_getenv ("LAB_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (directory == NULL || directory[0] == '\0')
    return;

  /* Let the window draw what it shows now. */
  lab_test_run_for (500);
  path = g_build_filename (directory, name, NULL);
  save_widget_png (widget, path);
  g_test_message ("screenshot: %s", path);
}
