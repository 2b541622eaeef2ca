/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-url"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lab-url.h"

/* Every URL the app shows, opens or connects to is parsed and built here:
 * schemes, IPv6 brackets and default ports are worked out in one place. */

static gboolean
has_text (const char *text)
{
  return text != NULL && text[0] != '\0';
}

static gboolean
scheme_is (GUri       *uri,
           const char *scheme)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), scheme) == 0;
}

/**
 * lab_url_parse_websocket:
 * @url: what a person typed
 *
 * libsoup upgrades http:// and https:// as it does ws:// and wss://; any other
 * scheme, or no host, is refused in words that say what an address looks like.
 *
 * Returns: (transfer full) (nullable): the parsed URL
 */
GUri *
lab_url_parse_websocket (const char  *url,
                         GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  if (!has_text (url))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("There is no server address to connect to"));
      return NULL;
    }

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  if (uri == NULL || !has_text (g_uri_get_host (uri)) ||
      !(scheme_is (uri, "ws") || scheme_is (uri, "wss") ||
        scheme_is (uri, "http") || scheme_is (uri, "https")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a WebSocket address: it should look like ws://127.0.0.1:6789/"),
                   url);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

/**
 * lab_url_build:
 * @host: a name or an address; an IPv6 address gets its brackets here
 * @path: starts with "/"
 *
 * Returns: (transfer full): the URL as text
 */
char *
lab_url_build (const char *scheme,
               const char *host,
               guint       port,
               const char *path)
{
  g_return_val_if_fail (scheme != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);
  g_return_val_if_fail (port <= G_MAXUINT16, NULL);

  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, host, (int) port, path, NULL, NULL);
}

/**
 * lab_url_with_path:
 *
 * Returns: (transfer full) (nullable): @url with another path (and no query),
 * or %NULL when @url is not a URL with a host
 */
char *
lab_url_with_path (const char *url,
                   const char *path)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  /* Not normalized: a default port stays unwritten, as it was. */
  if (url == NULL ||
      !(uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS & ~G_URI_FLAGS_SCHEME_NORMALIZE, NULL)) ||
      !has_text (g_uri_get_host (uri)))
    return NULL;

  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), path, NULL, NULL);
}

gboolean
lab_url_is_secure (GUri *uri)
{
  g_return_val_if_fail (uri != NULL, FALSE);

  return scheme_is (uri, "wss") || scheme_is (uri, "https");
}

/* The port, or the scheme's own when the URL names none. */
int
lab_url_get_port (GUri *uri)
{
  g_return_val_if_fail (uri != NULL, -1);

  if (g_uri_get_port (uri) != -1)
    return g_uri_get_port (uri);

  return lab_url_is_secure (uri) ? 443 : 80;
}

/**
 * lab_url_format_host_port:
 * @host: a name or an address; an IPv6 address gets its brackets here
 *
 * Returns: (transfer full): "host:port", how the trusted certificates are keyed
 */
char *
lab_url_format_host_port (const char *host,
                          guint       port)
{
  g_return_val_if_fail (host != NULL, NULL);

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);

  return g_strdup_printf ("%s:%u", host, port);
}

/**
 * lab_url_dup_host_port:
 *
 * Returns: (transfer full): "host:port" of @uri, the scheme's port if it
 * names none: see lab_url_format_host_port()
 */
char *
lab_url_dup_host_port (GUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return lab_url_format_host_port (g_uri_get_host (uri), (guint) lab_url_get_port (uri));
}
