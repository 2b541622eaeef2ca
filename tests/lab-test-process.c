/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <signal.h>
#include <sys/prctl.h>

#include "lab-test-utils.h"

/* Child processes */

struct _LabTestProcess
{
  GSubprocess      *subprocess;
  GDataInputStream *output;
  GCancellable     *cancellable;
  GPtrArray        *lines;
  gboolean          output_done;
  gboolean          exited;
};

static void read_next_line (LabTestProcess *process);

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LabTestProcess *process = user_data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (line == NULL)
    {
      process->output_done = TRUE;
      return;
    }

  g_test_message ("child: %s", line);
  g_ptr_array_add (process->lines, line);
  read_next_line (process);
}

static void
read_next_line (LabTestProcess *process)
{
  g_data_input_stream_read_line_async (process->output, G_PRIORITY_DEFAULT, process->cancellable,
                                       line_read_cb, process);
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LabTestProcess *process = user_data;

  if (g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL))
    process->exited = TRUE;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static LabTestProcess *
process_spawn (const char * const *argv,
               const char * const *environment,
               const char         *stdin_text)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  LabTestProcess *process = g_new0 (LabTestProcess, 1);
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE;

  if (stdin_text != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;

  launcher = g_subprocess_launcher_new (flags);
  /* Should this test die mid-way, its children die with it and free their ports. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);

  if (environment != NULL)
    g_subprocess_launcher_set_environ (launcher, (char **) environment);
  else
    {
      /* The server and the peers need no display: prove it by giving them none. */
      g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
      g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
    }
  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);

  process->subprocess = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  if (stdin_text != NULL)
    {
      GOutputStream *input = g_subprocess_get_stdin_pipe (process->subprocess);

      g_output_stream_write_all (input, stdin_text, strlen (stdin_text), NULL, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_close (input, NULL, NULL);
    }

  process->cancellable = g_cancellable_new ();
  process->lines = g_ptr_array_new_with_free_func (g_free);
  process->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process->subprocess));
  read_next_line (process);
  g_subprocess_wait_async (process->subprocess, process->cancellable, exited_cb, process);

  return process;
}

/* A child with no display, in this test's environment otherwise. */
LabTestProcess *
lab_test_process_spawn (const char * const *argv,
                        const char         *stdin_text)
{
  return process_spawn (argv, NULL, stdin_text);
}

/* A child with exactly @environment (a display too, if it holds one). */
LabTestProcess *
lab_test_process_spawn_in (const char * const *argv,
                           const char * const *environment)
{
  return process_spawn (argv, environment, NULL);
}

gboolean
lab_test_process_has_exited (LabTestProcess *process)
{
  return process->exited;
}

typedef struct
{
  LabTestProcess *process;
  const char     *substring;
  const char     *found;
} LineSearch;

static gboolean
line_found (gpointer data)
{
  LineSearch *search = data;

  for (guint i = 0; i < search->process->lines->len; i++)
    {
      const char *line = g_ptr_array_index (search->process->lines, i);

      if (strstr (line, search->substring) != NULL)
        {
          search->found = line;
          return TRUE;
        }
    }

  return search->process->output_done;
}

gboolean
lab_test_process_has_line (LabTestProcess *process,
                           const char     *substring)
{
  LineSearch search = { process, substring, NULL };

  line_found (&search);
  return search.found != NULL;
}

/* Returns: the first line holding @substring; fails the test if none comes. */
const char *
lab_test_process_wait_line (LabTestProcess *process,
                            const char     *substring)
{
  LineSearch search = { process, substring, NULL };

  lab_test_wait_until (line_found, &search, LAB_TEST_TIMEOUT_MS);
  if (search.found == NULL)
    g_error ("No line with “%s” in the child's output", substring);

  return search.found;
}

/* Returns: the port the headless server says it listens on */
guint
lab_test_process_wait_listening (LabTestProcess *process)
{
  const char *prefix = "Listening on ";
  const char *line = lab_test_process_wait_line (process, prefix);
  const char *host = strstr (line, "://127.0.0.1:");

  g_assert_nonnull (host);
  return (guint) g_ascii_strtoull (host + strlen ("://127.0.0.1:"), NULL, 10);
}

static gboolean
process_finished (gpointer data)
{
  LabTestProcess *process = data;

  return process->exited && process->output_done;
}

/* Returns: the exit status; fails the test on a hang or a crash */
int
lab_test_process_wait_exit (LabTestProcess *process)
{
  g_assert_true (lab_test_wait_until (process_finished, process, LAB_TEST_TIMEOUT_MS));
  g_assert_true (g_subprocess_get_if_exited (process->subprocess));

  return g_subprocess_get_exit_status (process->subprocess);
}

void
lab_test_process_signal (LabTestProcess *process,
                         int             signal_number)
{
  g_subprocess_send_signal (process->subprocess, signal_number);
}

char *
lab_test_process_dup_output (LabTestProcess *process)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < process->lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (process->lines, i));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
lab_test_process_free (LabTestProcess *process)
{
  if (!process->exited)
    {
      g_subprocess_force_exit (process->subprocess);
      lab_test_wait_until (process_finished, process, LAB_TEST_TIMEOUT_MS);
    }

  g_cancellable_cancel (process->cancellable);
  /* Let the cancelled reads return before their data goes. */
  lab_test_run_for (10);

  g_clear_object (&process->cancellable);
  g_clear_object (&process->output);
  g_clear_object (&process->subprocess);
  g_clear_pointer (&process->lines, g_ptr_array_unref);
  g_free (process);
}

const char *
lab_test_websocket_lab (void)
{
  const char *path = g_getenv ("LAB_WEBSOCKET_LAB");

  g_assert_nonnull (path);
  return path;
}

const char *
lab_test_python (void)
{
  const char *path = g_getenv ("PYTHON3");

  return path != NULL ? path : "/usr/bin/python3";
}

/* The tutorial's clients and servers, and our Python peers */
char *
lab_test_interop_script (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "interop", name, NULL);
}

/* Fails the test, saying how to mend it, when Debian's python3-websockets is missing:
 * the real peers are never skipped. */
gboolean
lab_test_require_python_websockets (void)
{
  const char *argv[] = { lab_test_python (), "-c", "import websockets", NULL };
  g_autoptr(LabTestProcess) probe = lab_test_process_spawn (argv, NULL);

  if (lab_test_process_wait_exit (probe) == 0)
    return TRUE;

  g_test_fail_printf ("python3-websockets is missing: install it (see .ci/run)");
  return FALSE;
}

/* `websocket-lab --headless --port 0 OPTIONS…` (NULL-terminated; NULL alone
 * for none), once it listens; @port says where. */
LabTestProcess *
lab_test_headless_start (guint      *port,
                         const char *first_option,
                         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  LabTestProcess *server;
  va_list args;

  g_ptr_array_add (argv, (char *) lab_test_websocket_lab ());
  g_ptr_array_add (argv, (char *) "--headless");
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  va_start (args, first_option);
  for (const char *option = first_option; option != NULL; option = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) option);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  server = lab_test_process_spawn ((const char * const *) argv->pdata, NULL);
  *port = lab_test_process_wait_listening (server);

  return server;
}

/* SIGTERM, as a service manager stops it: the server must leave cleanly. */
void
lab_test_headless_stop (LabTestProcess *server)
{
  lab_test_process_signal (server, SIGTERM);
  g_assert_cmpint (lab_test_process_wait_exit (server), ==, 0);
}
