/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-endpoint.h"
#include "lab-network.h"
#include "lab-server-supervisor.h"
#include "lab-tls.h"
#include "lab-test-utils.h"

/* Supervision without a display: what the window and --headless rely on when
 * a port is taken, a certificate does not load, or new settings fail. */

typedef gboolean (*FinishFunc) (LabServerSupervisor  *self,
                                GAsyncResult         *result,
                                GError              **error);

typedef struct
{
  FinishFunc  finish;
  gboolean    done;
  gboolean    ok;
  GError     *error;
} Outcome;

static void
finished_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = outcome->finish (LAB_SERVER_SUPERVISOR (object), result, &outcome->error);
  outcome->done = TRUE;
}

static gboolean
outcome_done (gpointer data)
{
  return ((Outcome *) data)->done;
}

static LabServerSupervisor *
supervisor_new (LabSupervisionMode mode)
{
  g_autoptr(LabServer) server = lab_server_new ();

  return lab_server_supervisor_new (server, mode);
}

/* Starts (or applies) and waits; the outcome's error is the caller's to free. */
static Outcome
run (LabServerSupervisor   *supervisor,
     const LabServerConfig *config,
     gboolean               apply)
{
  Outcome outcome = { apply ? lab_server_supervisor_apply_finish : lab_server_supervisor_start_finish };

  if (apply)
    lab_server_supervisor_apply_async (supervisor, config, NULL, finished_cb, &outcome);
  else
    lab_server_supervisor_start_async (supervisor, config, NULL, finished_cb, &outcome);
  g_assert_true (lab_test_wait_until (outcome_done, &outcome, LAB_TEST_TIMEOUT_MS));

  return outcome;
}

#define start(supervisor, config) run (supervisor, config, FALSE)
#define apply(supervisor, config) run (supervisor, config, TRUE)

static LabServerConfig *
config_for_port (guint port)
{
  LabServerConfig *config = lab_server_config_new ();

  config->port = port;
  return config;
}

/* A plain HTTP server that is not a WebSocket Lab. */
static void
other_page_cb (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "other\n", 6);
}

static SoupServer *
other_program_new (guint *port)
{
  g_autoptr(SoupServer) server = soup_server_new ("server-header", "SomethingElse/1.0", NULL);

  soup_server_add_handler (server, NULL, other_page_cb, NULL, NULL);
  *port = lab_test_soup_server_listen (server);

  return g_steal_pointer (&server);
}

static void
test_strict_port_in_use (void)
{
  g_autoptr(LabServer) holder = lab_test_server_new_started ();
  g_autoptr(LabServerSupervisor) supervisor = supervisor_new (LAB_SUPERVISION_STRICT);
  g_autoptr(LabServerConfig) config = config_for_port (lab_server_get_bound_port (holder));
  g_autofree char *port_text = g_strdup_printf ("%u", config->port);
  Outcome outcome = start (supervisor, config);

  /* --headless on a taken port fails, naming it, even when the holder is ours. */
  g_assert_false (outcome.ok);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (outcome.error->message, port_text));
  g_assert_false (lab_server_get_running (lab_server_supervisor_get_server (supervisor)));
  g_assert_null (lab_server_supervisor_get_joined_notice (supervisor));
  g_clear_error (&outcome.error);
}

static gboolean
client_url_is_own (gpointer data)
{
  LabServerSupervisor *supervisor = data;
  g_autofree char *own = lab_server_dup_url (lab_server_supervisor_get_server (supervisor),
                                             LAB_ENDPOINT_COUNTER);

  return g_strcmp0 (lab_server_supervisor_get_client_url (supervisor), own) == 0;
}

static void
test_share_joins_another_lab (void)
{
  g_autoptr(LabServer) first = lab_test_server_new_started ();
  g_autoptr(LabServerSupervisor) supervisor = supervisor_new (LAB_SUPERVISION_SHARE);
  g_autoptr(LabServerConfig) config = config_for_port (lab_server_get_bound_port (first));
  g_autofree char *first_url = lab_server_dup_url (first, LAB_ENDPOINT_COUNTER);
  LabServer *server = lab_server_supervisor_get_server (supervisor);
  Outcome outcome = start (supervisor, config);

  /* Clients go to the first one's counter; this one serves the next free port. */
  g_assert_true (outcome.ok);
  g_assert_no_error (outcome.error);
  g_assert_true (lab_server_get_running (server));
  g_assert_cmpuint (lab_server_get_bound_port (server), >, config->port);
  g_assert_cmpstr (lab_server_supervisor_get_client_url (supervisor), ==, first_url);
  g_assert_nonnull (lab_server_supervisor_get_joined_notice (supervisor));
  g_assert_null (lab_server_supervisor_get_problem (supervisor));

  /* When the first one goes away, clients come back to this one. */
  lab_server_stop (first);
  g_assert_true (lab_test_wait_until (client_url_is_own, supervisor, 3 * LAB_TEST_TIMEOUT_MS));
  g_assert_null (lab_server_supervisor_get_joined_notice (supervisor));
}

static void
test_share_other_program (void)
{
  guint port = 0;
  g_autoptr(SoupServer) other = other_program_new (&port);
  g_autoptr(LabServerSupervisor) supervisor = supervisor_new (LAB_SUPERVISION_SHARE);
  g_autoptr(LabServerConfig) config = config_for_port (port);
  LabServer *server = lab_server_supervisor_get_server (supervisor);
  Outcome outcome = start (supervisor, config);

  /* Someone else's: said so, nothing joined, and a way out. */
  g_assert_false (outcome.ok);
  g_clear_error (&outcome.error);
  g_assert_false (lab_server_get_running (server));
  g_assert_true (lab_server_supervisor_get_port_conflict (supervisor));
  g_assert_nonnull (strstr (lab_server_supervisor_get_problem (supervisor), "used by another program"));
  g_assert_null (lab_server_supervisor_get_client_url (supervisor));

  g_assert_true (lab_server_supervisor_use_another_port (supervisor));
  g_assert_true (lab_server_get_running (server));
  g_assert_cmpuint (lab_server_get_bound_port (server), >, port);
  g_assert_false (lab_server_supervisor_get_port_conflict (supervisor));
  g_assert_null (lab_server_supervisor_get_problem (supervisor));
  g_assert_true (client_url_is_own (supervisor));
}

static void
test_last_port (void)
{
  g_autoptr(LabServer) first = lab_server_new ();
  g_autoptr(LabServerSupervisor) supervisor = supervisor_new (LAB_SUPERVISION_SHARE);
  g_autoptr(LabServerConfig) config = config_for_port (G_MAXUINT16);
  Outcome outcome;

  lab_server_set_port (first, G_MAXUINT16);
  if (!lab_server_start (first, NULL))
    {
      g_test_skip ("Port 65535 is taken on this machine");
      return;
    }

  /* There is no next port to serve: the message says so, not "between 65536 and 65535". */
  outcome = start (supervisor, config);
  g_assert_false (outcome.ok);
  g_assert_nonnull (strstr (outcome.error->message, "65535 is the last one"));
  g_assert_null (strstr (outcome.error->message, "65536"));
  g_assert_cmpstr (lab_server_supervisor_get_problem (supervisor), ==, outcome.error->message);
  g_clear_error (&outcome.error);
}

static void
test_rollback_after_failed_port_change (void)
{
  g_autoptr(LabServer) holder = lab_test_server_new_started ();
  g_autoptr(LabServerSupervisor) supervisor = supervisor_new (LAB_SUPERVISION_SHARE);
  g_autoptr(LabServerConfig) config = config_for_port (0);
  g_autoptr(LabServerConfig) taken = NULL;
  LabServer *server = lab_server_supervisor_get_server (supervisor);
  g_autoptr(SoupWebsocketConnection) client = NULL;
  g_autofree char *url = NULL;
  g_autofree char *before = NULL;
  Outcome outcome = start (supervisor, config);
  guint port;

  g_assert_true (outcome.ok);
  port = lab_server_get_bound_port (server);
  before = lab_server_dup_url (server, LAB_ENDPOINT_COUNTER);

  /* Another setting with the same port preference keeps the port clients know. */
  config->classic_ports = FALSE;
  config->allow_lan = FALSE;
  outcome = apply (supervisor, config);
  g_assert_true (outcome.ok);
  g_assert_cmpuint (lab_server_get_bound_port (server), ==, port);

  /* A port in use: an error saying so, and the old configuration serves on. */
  taken = config_for_port (lab_server_get_bound_port (holder));
  outcome = apply (supervisor, taken);
  g_assert_false (outcome.ok);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_clear_error (&outcome.error);
  g_assert_true (lab_server_get_running (server));
  g_assert_cmpuint (lab_server_get_bound_port (server), ==, port);
  g_assert_cmpstr (lab_server_supervisor_get_client_url (supervisor), ==, before);

  url = lab_test_url (server, "/");
  client = lab_test_connect (url, NULL);
  g_assert_nonnull (client);
  g_free (lab_test_receive (client));
}

static void
test_certificate_problems (void)
{
  g_autoptr(LabServerSupervisor) supervisor = supervisor_new (LAB_SUPERVISION_SHARE);
  g_autoptr(LabServerSupervisor) strict = supervisor_new (LAB_SUPERVISION_STRICT);
  g_autoptr(LabServerConfig) config = config_for_port (0);
  LabServer *server = lab_server_supervisor_get_server (supervisor);
  Outcome outcome;

  /* TLS asked for with no certificate: the window serves without TLS, and says why. */
  config->tls = TRUE;
  outcome = start (supervisor, config);
  g_assert_true (outcome.ok);
  g_assert_true (lab_server_get_running (server));
  g_assert_null (lab_server_get_tls_certificate (server));
  g_assert_nonnull (strstr (lab_server_supervisor_get_problem (supervisor), "Serving without TLS"));
  g_assert_nonnull (strstr (lab_server_supervisor_get_problem (supervisor), "TLS needs a certificate"));

  /* --headless does not start at all. */
  config->certificate_file = g_strdup ("/nonexistent/certificate.pem");
  outcome = start (strict, config);
  g_assert_false (outcome.ok);
  g_assert_nonnull (strstr (outcome.error->message, "Cannot serve TLS"));
  g_assert_nonnull (strstr (outcome.error->message, "/nonexistent/certificate.pem"));
  g_clear_error (&outcome.error);
  g_assert_false (lab_server_get_running (lab_server_supervisor_get_server (strict)));

  /* New settings whose certificate does not load change nothing. */
  outcome = apply (supervisor, config);
  g_assert_false (outcome.ok);
  g_clear_error (&outcome.error);
  g_assert_true (lab_server_get_running (server));
  g_assert_null (lab_server_get_tls_certificate (server));
}

static void
test_switch (void)
{
  g_autoptr(LabServerSupervisor) supervisor = supervisor_new (LAB_SUPERVISION_SHARE);
  g_autoptr(LabServerConfig) config = config_for_port (0);
  LabServer *server = lab_server_supervisor_get_server (supervisor);
  Outcome outcome = start (supervisor, config);

  g_assert_true (outcome.ok);
  g_assert_true (lab_server_supervisor_set_running (supervisor, FALSE));
  g_assert_false (lab_server_get_running (server));
  g_assert_cmpuint (g_list_model_get_n_items (lab_server_get_endpoints (server)), ==, 0);

  /* A stopped server takes new settings and stays stopped. */
  config->classic_ports = FALSE;
  config->allow_lan = TRUE;
  outcome = apply (supervisor, config);
  g_assert_true (outcome.ok);
  g_assert_false (lab_server_get_running (server));

  g_assert_true (lab_server_supervisor_set_running (supervisor, TRUE));
  g_assert_true (lab_server_get_running (server));
  g_assert_true (lab_server_get_allow_lan (server));
}

/* The addresses other devices use, and the endpoints the server lists for them. */
static void
test_lan_addresses (void)
{
  g_auto(GStrv) lan = lab_network_dup_lan_addresses ();
  g_autoptr(LabServerSupervisor) supervisor = supervisor_new (LAB_SUPERVISION_STRICT);
  g_autoptr(LabServerConfig) config = config_for_port (0);
  LabServer *server = lab_server_supervisor_get_server (supervisor);
  GListModel *endpoints = lab_server_get_endpoints (server);
  guint n_lan = g_strv_length (lan);
  gboolean seen_ipv6 = FALSE;
  Outcome outcome;

  /* IPv4 first, then IPv6; none a browser could not open (loopback, link-local). */
  for (guint i = 0; i < n_lan; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (lan[i]);

      g_assert_nonnull (address);
      if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
        seen_ipv6 = TRUE;
      else
        g_assert_false (seen_ipv6);
      g_assert_false (g_inet_address_get_is_loopback (address));
      g_assert_false (g_inet_address_get_is_link_local (address));
    }

  config->allow_lan = TRUE;
  config->classic_ports = FALSE;
  outcome = start (supervisor, config);
  g_assert_true (outcome.ok);

  /* Per address: the counter page, the counter socket and the time page. */
  g_assert_cmpuint (g_list_model_get_n_items (endpoints), ==, 3 * (1 + n_lan));
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      const char *host = lab_endpoint_get_host (endpoint);

      g_assert_true (g_str_equal (host, "127.0.0.1") || g_strv_contains ((const char * const *) lan, host));
      g_assert_cmpuint (lab_endpoint_get_port (endpoint), ==, lab_server_get_bound_port (server));
      g_assert_true (g_str_has_prefix (lab_endpoint_get_url (endpoint), lab_endpoint_get_scheme (endpoint)));
    }
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/supervisor/strict-port-in-use", test_strict_port_in_use);
  g_test_add_func ("/supervisor/share-joins-another-lab", test_share_joins_another_lab);
  g_test_add_func ("/supervisor/share-other-program", test_share_other_program);
  g_test_add_func ("/supervisor/last-port", test_last_port);
  g_test_add_func ("/supervisor/rollback-after-failed-port-change", test_rollback_after_failed_port_change);
  g_test_add_func ("/supervisor/certificate-problems", test_certificate_problems);
  g_test_add_func ("/supervisor/switch", test_switch);
  g_test_add_func ("/supervisor/lan-addresses", test_lan_addresses);

  return g_test_run ();
}
