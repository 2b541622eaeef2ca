/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-test-utils.h"
#include "lab-window.h"

G_BEGIN_DECLS

typedef void (*AppTestFunc) (LabApplication *app);

void            lab_ui_test_init     (int            *argc,
                                      char         ***argv);
void            run_app              (AppTestFunc     func,
                                      const char     *first_arg,
                                      ...) G_GNUC_NULL_TERMINATED;
LabServer      *lab_ui_test_get_server (LabApplication *app);
LabWindow      *first_window         (LabApplication *app);
GtkWidget      *find_actionable      (GtkWidget      *widget,
                                      const char     *action_name);
gboolean        button_usable        (LabWindow      *window,
                                      const char     *action_name);
void            assert_shows_value   (LabWindow      *window,
                                      const char     *text);
void            wait_ready           (LabWindow      *window);
LabTestProcess *spawn_python_watcher (LabApplication *app,
                                      const char     *users,
                                      const char     *final);
void            wait_server_users    (LabApplication *app,
                                      guint           users);
GtkWidget      *find_widget_with_class (GtkWidget    *widget,
                                      const char     *css_class);
GtkWidget      *find_widget_of_type  (GtkWidget      *widget,
                                      GType           type);
GtkWidget      *find_server_events   (LabWindow      *window);
void            scroll_server_pane_to (LabWindow     *window,
                                      GtkWidget      *widget);
void            save_widget_png      (GtkWidget      *widget,
                                      const char     *path);
void            save_screenshot      (GtkWidget      *widget,
                                      const char     *name);

G_END_DECLS
