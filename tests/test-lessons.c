/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-hello-call.h"
#include "lab-lesson-progress.h"
#include "lab-protocol.h"
#include "lab-server.h"
#include "lab-test-utils.h"
#include "lab-tls.h"
#include "lab-url.h"

/* The lessons' engine: the one-shot hello client against a real server, over
 * ws:// and wss://, and the progress observer checking each step from real
 * connections, never before the traffic, and forgetting on reset. */

typedef struct
{
  LabServer         *server;
  LabLessonProgress *progress;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = lab_test_server_new_started ();
  fixture->progress = lab_lesson_progress_new (fixture->server);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->progress);
  lab_test_server_shutdown (fixture->server);
  g_clear_object (&fixture->server);
}

typedef struct
{
  LabLessonProgress *progress;
  LabLessonStep      step;
} StepWait;

static gboolean
step_done (gpointer data)
{
  StepWait *wait = data;

  return lab_lesson_progress_is_done (wait->progress, wait->step);
}

static void
wait_step (LabLessonProgress *progress,
           LabLessonStep      step)
{
  StepWait wait = { progress, step };

  g_assert_true (lab_test_wait_until (step_done, &wait, LAB_TEST_TIMEOUT_MS));
}

static LabHelloReply *
say_hello (const char     *url,
           const char     *name,
           LabTrustStore  *trust_store,
           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lab_hello_call_async (url, name, trust_store, NULL, lab_test_keep_result_cb, &result);
  return lab_hello_call_finish (lab_test_wait_result (&result), error);
}

static void
assert_frame_says (LabLessonProgress *progress,
                   LabLessonStep      step,
                   const char        *text)
{
  g_autoptr(LabFrame) frame = lab_lesson_progress_get_frame (progress, step);
  g_autofree char *payload = NULL;

  g_assert_nonnull (frame);
  payload = lab_frame_dup_payload_text (frame);
  g_assert_cmpstr (payload, ==, text);
}

static void
test_hello (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *url = lab_test_url (fixture->server, "/hello");
  g_autoptr(LabHelloReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  LabPeer *peer;

  g_assert_false (lab_lesson_progress_is_done (fixture->progress, LAB_LESSON_STEP_HELLO));
  g_assert_cmpuint (lab_lesson_progress_count_done (fixture->progress), ==, 0);

  reply = say_hello (url, "Ada", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reply->reply, ==, "Hello Ada!");
  g_assert_cmpuint (reply->close_code, ==, 1000);
  g_assert_null (reply->certificate);

  wait_step (fixture->progress, LAB_LESSON_STEP_HELLO);
  g_assert_false (lab_lesson_progress_is_done (fixture->progress, LAB_LESSON_STEP_HELLO_TLS));
  g_assert_nonnull (strstr (lab_lesson_progress_get_detail (fixture->progress,
                                                           LAB_LESSON_STEP_HELLO),
                            "Hello Ada!"));
  peer = lab_lesson_progress_get_peer (fixture->progress, LAB_LESSON_STEP_HELLO);
  g_assert_nonnull (peer);
  g_assert_cmpint (lab_peer_get_route (peer), ==, LAB_ROUTE_HELLO);
  g_assert_cmpuint (lab_peer_get_close_code_received (peer), ==, 1000);
  assert_frame_says (fixture->progress, LAB_LESSON_STEP_HELLO, "Hello Ada!");

  lab_lesson_progress_reset (fixture->progress);
  g_assert_false (lab_lesson_progress_is_done (fixture->progress, LAB_LESSON_STEP_HELLO));
  g_assert_null (lab_lesson_progress_get_peer (fixture->progress, LAB_LESSON_STEP_HELLO));
}

static void
test_hello_refused (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(LabHelloReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* No WebSocket address: refused in words before any connection. */
  reply = say_hello ("ftp://127.0.0.1/hello", "Ada", NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_false (lab_lesson_progress_is_done (fixture->progress, LAB_LESSON_STEP_HELLO));
}

static void
test_hello_tls (void)
{
  g_autofree char *directory = lab_tls_dup_generated_directory ();
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *url = NULL;
  g_autofree char *host_port = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(LabServer) server = lab_server_new ();
  g_autoptr(LabLessonProgress) progress = NULL;
  g_autoptr(LabTrustStore) trust_store = lab_trust_store_new ();
  g_autoptr(LabHelloReply) reply = NULL;
  g_autoptr(LabHelloReply) refused = NULL;
  g_autoptr(GError) error = NULL;

  lab_tls_generate (directory, LAB_TLS_KEY_ECDSA_P256, NULL, NULL, NULL,
                    &certificate_file, &key_file, &error);
  g_assert_no_error (error);
  certificate = lab_tls_load (certificate_file, key_file, &error);
  g_assert_no_error (error);
  fingerprint = lab_tls_dup_fingerprint (certificate);

  progress = lab_lesson_progress_new (server);
  lab_server_set_port (server, 0);
  lab_server_set_tls_certificate (server, certificate);
  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_TLS_ON));
  lab_server_start (server, &error);
  g_assert_no_error (error);
  g_assert_true (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_TLS_ON));
  g_assert_nonnull (strstr (lab_lesson_progress_get_detail (progress, LAB_LESSON_STEP_TLS_ON),
                            fingerprint));

  url = lab_test_url (server, "/hello");
  g_assert_true (g_str_has_prefix (url, "wss://"));

  /* Not trusted by anyone: refused, and no step checked. */
  refused = say_hello (url, "Eve", trust_store, &error);
  g_assert_null (refused);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);
  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_HELLO_TLS));

  /* Trusted as the window's client trusts its own server's. */
  host_port = lab_url_format_host_port ("127.0.0.1", lab_server_get_bound_port (server));
  lab_trust_store_vouch (trust_store, host_port, fingerprint);
  reply = say_hello (url, "Grace", trust_store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reply->reply, ==, "Hello Grace!");
  g_assert_cmpuint (reply->close_code, ==, 1000);
  g_assert_nonnull (reply->certificate);
  g_assert_true (g_tls_certificate_is_same (reply->certificate, certificate));

  wait_step (progress, LAB_LESSON_STEP_HELLO_TLS);
  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_HELLO));
  g_assert_nonnull (strstr (lab_lesson_progress_get_detail (progress, LAB_LESSON_STEP_HELLO_TLS),
                            fingerprint));
  assert_frame_says (progress, LAB_LESSON_STEP_HELLO_TLS, "Hello Grace!");

  lab_test_server_shutdown (server);
}

static void
test_time (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) own_client = NULL;
  g_autoptr(SoupWebsocketConnection) page = NULL;
  g_autoptr(LabFrame) frame = NULL;
  g_autofree char *first_time = NULL;
  g_autofree char *text = NULL;

  lab_server_set_time_interval_max (fixture->server, 0.2);

  /* An app's own client follows the time from the start: not the lesson. */
  own_client = lab_test_connect_path (fixture->server, "/time");
  first_time = lab_test_receive (own_client);
  g_assert_nonnull (first_time);
  lab_test_run_for (300);
  g_assert_false (lab_lesson_progress_is_done (fixture->progress, LAB_LESSON_STEP_TIME));

  page = lab_test_connect_as_page (fixture->server, "/time");
  wait_step (fixture->progress, LAB_LESSON_STEP_TIME);

  frame = lab_lesson_progress_get_frame (fixture->progress, LAB_LESSON_STEP_TIME);
  g_assert_nonnull (frame);
  g_assert_cmpint (lab_frame_get_direction (frame), ==, LAB_FRAME_SERVER_TO_CLIENT);
  text = lab_frame_dup_payload_text (frame);
  g_assert_true (g_str_has_suffix (text, "Z"));
  g_assert_cmpint (lab_peer_get_route (lab_lesson_progress_get_peer (fixture->progress,
                                                                     LAB_LESSON_STEP_TIME)),
                   ==, LAB_ROUTE_TIME);

  lab_test_close_and_wait (page);
  lab_test_close_and_wait (own_client);
}

static void
test_counter (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) own = NULL;
  g_autoptr(SoupWebsocketConnection) other_own = NULL;
  g_autoptr(SoupWebsocketConnection) page = NULL;
  LabLessonProgress *progress = fixture->progress;
  LabPeer *clicker;

  /* Alone, a click is no broadcast to several clients. */
  own = lab_test_connect_path (fixture->server, "/");
  lab_test_receive_until (own, "{\"type\":\"state\",\"value\":0}");
  lab_test_click (own, LAB_ACTION_PLUS, 1);
  lab_test_run_for (100);
  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_COUNTER_BROADCAST));

  /* An app's own clients (no Origin) come and go by themselves: a second one
   * joining is no lesson. */
  other_own = lab_test_connect_path (fixture->server, "/");
  lab_test_receive_until (other_own, "{\"type\":\"users\",\"count\":2}");
  lab_test_run_for (100);
  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_COUNTER_JOIN));

  page = lab_test_connect_as_page (fixture->server, "/");
  wait_step (progress, LAB_LESSON_STEP_COUNTER_JOIN);
  g_assert_nonnull (strstr (lab_lesson_progress_get_detail (progress,
                                                           LAB_LESSON_STEP_COUNTER_JOIN),
                            "2 → 3"));
  lab_test_receive_until (page, "{\"type\":\"state\",\"value\":1}");
  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_COUNTER_BROADCAST));

  lab_test_click (page, LAB_ACTION_MINUS, 0);
  wait_step (progress, LAB_LESSON_STEP_COUNTER_BROADCAST);
  g_assert_nonnull (strstr (lab_lesson_progress_get_detail (progress,
                                                           LAB_LESSON_STEP_COUNTER_BROADCAST),
                            "3 clients"));
  /* The connection that clicked; its frames only if someone inspected it. */
  clicker = lab_lesson_progress_get_peer (progress, LAB_LESSON_STEP_COUNTER_BROADCAST);
  g_assert_nonnull (clicker);
  g_assert_false (lab_peer_get_capture (clicker));
  g_assert_null (lab_lesson_progress_get_frame (progress, LAB_LESSON_STEP_COUNTER_BROADCAST));
  g_assert_true (lab_lesson_progress_get_peer (progress, LAB_LESSON_STEP_COUNTER_JOIN) == clicker);

  /* The app's own client leaving is no lesson; the page leaving is. */
  lab_test_close_and_wait (other_own);
  lab_test_run_for (100);
  g_assert_false (lab_lesson_progress_is_done (progress, LAB_LESSON_STEP_COUNTER_LEAVE));
  lab_test_close_and_wait (page);
  wait_step (progress, LAB_LESSON_STEP_COUNTER_LEAVE);
  g_assert_nonnull (strstr (lab_lesson_progress_get_detail (progress,
                                                           LAB_LESSON_STEP_COUNTER_LEAVE),
                            "2 → 1"));
  g_assert_cmpuint (lab_lesson_progress_count_done (progress), ==, 3);

  lab_lesson_progress_reset (progress);
  g_assert_cmpuint (lab_lesson_progress_count_done (progress), ==, 0);
  g_assert_null (lab_lesson_progress_get_peer (progress, LAB_LESSON_STEP_COUNTER_BROADCAST));

  lab_test_close_and_wait (own);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add ("/lessons/hello", Fixture, NULL, fixture_setup, test_hello, fixture_teardown);
  g_test_add ("/lessons/hello-refused", Fixture, NULL, fixture_setup, test_hello_refused,
              fixture_teardown);
  g_test_add_func ("/lessons/hello-tls", test_hello_tls);
  g_test_add ("/lessons/time", Fixture, NULL, fixture_setup, test_time, fixture_teardown);
  g_test_add ("/lessons/counter", Fixture, NULL, fixture_setup, test_counter, fixture_teardown);

  return g_test_run ();
}
