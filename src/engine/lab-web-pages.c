/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-web-pages"

#include "config.h"

#include <string.h>

#include "lab-web-i18n.h"
#include "lab-web-pages.h"

/* What plain HTTP gets on the server's ports: the browser pages from the
 * app's resources, and which paths are WebSocket endpoints instead. */

#define WEB_RESOURCE_PREFIX "/io/github/wslab/WebSocketLab/web/"

/**
 * lab_web_find_route:
 * @route: (out): where a WebSocket upgrade on @path goes
 *
 * Returns: whether @path is a WebSocket endpoint on a port of @role
 */
gboolean
lab_web_find_route (LabListenerRole  role,
                    const char      *path,
                    LabRoute        *route)
{
  if (g_str_equal (path, "/"))
    {
      if (role == LAB_LISTENER_CLASSIC_TIME)
        *route = LAB_ROUTE_TIME;
      else if (role == LAB_LISTENER_CLASSIC_HELLO)
        *route = LAB_ROUTE_HELLO;
      else
        *route = LAB_ROUTE_COUNTER;
      return TRUE;
    }

  if (g_str_equal (path, "/counter"))
    *route = LAB_ROUTE_COUNTER;
  else if (g_str_equal (path, "/time"))
    *route = LAB_ROUTE_TIME;
  else if (g_str_equal (path, "/hello"))
    *route = LAB_ROUTE_HELLO;
  else
    return FALSE;

  return TRUE;
}

/**
 * lab_web_find_page:
 *
 * Returns: (nullable): the page's name in the resources, or %NULL
 */
const char *
lab_web_find_page (LabListenerRole  role,
                   const char      *path)
{
  static const char * const pages[] = {
    "index.html", "time.html", "style.css", "counter.js", "time.js", "i18n.js",
  };

  if (g_str_equal (path, "/"))
    {
      if (role == LAB_LISTENER_MAIN)
        return "index.html";
      if (role == LAB_LISTENER_CLASSIC_TIME)
        return "time.html";
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (path[0] == '/' && g_str_equal (path + 1, pages[i]))
      return pages[i];

  return NULL;
}

static const char *
content_type_for (const char *page)
{
  if (g_str_has_suffix (page, ".html"))
    return "text/html; charset=utf-8";
  if (g_str_has_suffix (page, ".css"))
    return "text/css; charset=utf-8";
  if (g_str_has_suffix (page, ".js"))
    return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

/* libsoup keeps a connection open after a response only while it listens
 * itself, and here it does not (see lab-server-listeners.c): saying so keeps
 * clients from sending their next request down a connection being closed. */
static void
close_after_response (SoupServerMessage *message)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Connection", "close");
}

void
lab_web_respond_text (SoupServerMessage *message,
                      guint              status,
                      const char        *text)
{
  close_after_response (message);
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/plain; charset=utf-8",
                                    SOUP_MEMORY_COPY, text, strlen (text));
}

/* GET and HEAD of a page built into the app: nothing from elsewhere, so an
 * offline classroom works. HTML pages come in the language the browser asks for. */
void
lab_web_serve_page (SoupServerMessage *message,
                    const char        *page)
{
  g_autofree char *resource_path = g_strconcat (WEB_RESOURCE_PREFIX, page, NULL);
  g_autoptr(GBytes) bytes = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  const char *method = soup_server_message_get_method (message);

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (headers, "Allow", "GET, HEAD");
      lab_web_respond_text (message, SOUP_STATUS_METHOD_NOT_ALLOWED,
                         "Only GET and HEAD are allowed here.\n");
      return;
    }

  bytes = g_resources_lookup_data (resource_path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      lab_web_respond_text (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Page missing from this build.\n");
      return;
    }

  if (g_str_has_suffix (page, ".html"))
    {
      SoupMessageHeaders *request = soup_server_message_get_request_headers (message);
      g_autofree char *tag = NULL;
      g_autoptr(LabCatalog) catalog =
        lab_web_catalog_for (soup_message_headers_get_list (request, "Accept-Language"), &tag);
      gsize size = 0;
      const char *text = g_bytes_get_data (bytes, &size);
      char *localized = lab_web_localize_page (text, size, catalog, tag);

      g_bytes_unref (bytes);
      bytes = g_bytes_new_take (localized, strlen (localized));
      soup_message_headers_replace (headers, "Vary", "Accept-Language");
      soup_message_headers_replace (headers, "Content-Language", tag);
    }

  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  close_after_response (message);
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, content_type_for (page), SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

