/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "lab-fuzz.h"
#include "lab-handshake.h"
#include "lab-server-limits.h"
#include "lab-web-pages.h"

/* What the server makes of a plain HTTP request, short of a socket: the
 * request parsed as libsoup parses it, its path through the page router on
 * each kind of port, its Origin and Host through the Origin policy, and its
 * text through the Inspector's handshake reader. The whole input is tried as
 * a path too. */

#define WEB_RESOURCE_PREFIX "/io/github/wslab/WebSocketLab/web/"

GResource *lab_web_get_resource (void);

static const LabListenerRole roles[] = {
  LAB_LISTENER_MAIN, LAB_LISTENER_CLASSIC_TIME, LAB_LISTENER_CLASSIC_HELLO,
};

static LabServerLimits *default_limits;
static LabServerLimits *listing_limits;
static LabServerLimits *any_limits;

static void
check_path (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      const char *page = lab_web_find_page (roles[i], path);
      LabRoute route;

      if (lab_web_find_route (roles[i], path, &route))
        g_assert_true (g_str_equal (path, "/") || g_str_equal (path, "/counter") ||
                       g_str_equal (path, "/time") || g_str_equal (path, "/hello"));

      if (page != NULL)
        {
          g_autofree char *resource = g_strconcat (WEB_RESOURCE_PREFIX, page, NULL);

          /* Only pages of the bundle, and only at their own path or "/". */
          g_assert_true (g_str_equal (path, "/") || g_str_equal (path + 1, page));
          g_assert_true (g_resources_get_info (resource, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                               NULL, NULL, NULL));
        }
    }
}

static void
check_origin (const char *origin,
              const char *host)
{
  for (int tls = 0; tls <= 1; tls++)
    {
      gboolean by_default = lab_server_limits_allows_origin (default_limits, origin, host, tls);
      gboolean listing = lab_server_limits_allows_origin (listing_limits, origin, host, tls);

      g_assert_true (lab_server_limits_allows_origin (any_limits, origin, host, tls));
      /* Listing origins only ever lets more in. */
      g_assert_true (!by_default || listing);
      if (origin == NULL || g_str_equal (origin, "null"))
        g_assert_true (by_default);
    }

  if (origin != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!lab_server_limits_check_origin_text (origin, &error))
        g_assert_nonnull (error);
    }
}

static void
check_handshake (const char *text)
{
  g_autoptr(LabHandshake) handshake = lab_handshake_new_from_text (text, text);
  g_autofree char *request = lab_handshake_format_request (handshake);
  g_autofree char *response = lab_handshake_format_response (handshake);
  g_auto(GStrv) derivation = lab_handshake_describe_derivation (handshake);

  g_assert_nonnull (request);
  g_assert_nonnull (response);
  g_assert_nonnull (derivation);
  g_assert_nonnull (lab_handshake_get_request_line (handshake));
  g_assert_nonnull (lab_handshake_get_response_line (handshake));
  for (guint i = 0; i < lab_handshake_get_n_request_headers (handshake); i++)
    {
      const char *name;
      const char *value;

      lab_handshake_get_request_header (handshake, i, &name, &value);
      g_assert_nonnull (name);
      g_assert_nonnull (value);
    }
  (void) lab_handshake_checks_out (handshake);
}

static void
check_request (const char *text,
               gsize       length)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *method = NULL;
  g_autofree char *target = NULL;
  SoupHTTPVersion version;
  guint status;

  status = soup_headers_parse_request (text, length, headers, &method, &target, &version);
  if (status != SOUP_STATUS_OK)
    return;

  g_assert_nonnull (target);

  /* The handler sees the path of the request's URI, as SoupServer makes it. */
  if (target[0] == '/')
    {
      g_autoptr(GUri) base = g_uri_parse ("http://127.0.0.1:6789/", SOUP_HTTP_URI_FLAGS, NULL);
      g_autoptr(GUri) absolute = g_uri_parse_relative (base, target, SOUP_HTTP_URI_FLAGS, NULL);

      if (absolute != NULL)
        check_path (g_uri_get_path (absolute));
    }

  check_origin (soup_message_headers_get_one (headers, "Origin"),
                soup_message_headers_get_one (headers, "Host"));
}

static void
init (void)
{
  static const char * const listed[] = {
    "https://example.org", "http://teacher.local:8080", "http://[fe80::1]", NULL,
  };
  g_autoptr(LabServerConfig) config = lab_server_config_new ();

  lab_fuzz_init ();
  (void) lab_web_get_resource ();

  default_limits = lab_server_limits_new ();
  listing_limits = lab_server_limits_new ();
  any_limits = lab_server_limits_new ();

  config->allowed_origins = g_strdupv ((char **) listed);
  lab_server_limits_apply_config (listing_limits, config);
  g_clear_pointer (&config->allowed_origins, g_strfreev);
  config->allow_any_origin = TRUE;
  lab_server_limits_apply_config (any_limits, config);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autofree char *text = NULL;

  if (!initialized)
    {
      init ();
      initialized = TRUE;
    }

  /* libsoup reads the request from a nul-terminated buffer of its own. */
  text = g_malloc (size + 1);
  memcpy (text, data, size);
  text[size] = '\0';

  check_request (text, size);

  /* Paths and header values hold no nul byte: try the whole text as one. */
  if (memchr (text, '\0', size) == NULL)
    {
      check_path (text);
      check_origin (text, "127.0.0.1:6789");
      check_origin ("http://127.0.0.1:6789", text);
      check_handshake (text);
    }

  return 0;
}
