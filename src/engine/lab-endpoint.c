/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-endpoint"

#include "config.h"

#include <gio/gio.h>

#include "lab-endpoint.h"
#include "lab-url.h"

/* One address the server answers at, as data: what it is for, its scheme,
 * host, port and path, and the URL built from them, so that nobody has to
 * take a URL apart again to learn what it is. */

struct _LabEndpoint
{
  GObject          parent_instance;

  LabEndpointKind  kind;
  char            *scheme;
  char            *host;
  char            *path;
  char            *url;
  guint            port;
  gboolean         classic;
};

G_DEFINE_ENUM_TYPE (LabEndpointKind, lab_endpoint_kind,
  G_DEFINE_ENUM_VALUE (LAB_ENDPOINT_COUNTER_PAGE, "counter-page"),
  G_DEFINE_ENUM_VALUE (LAB_ENDPOINT_COUNTER, "counter"),
  G_DEFINE_ENUM_VALUE (LAB_ENDPOINT_TIME_PAGE, "time-page"),
  G_DEFINE_ENUM_VALUE (LAB_ENDPOINT_TIME, "time"),
  G_DEFINE_ENUM_VALUE (LAB_ENDPOINT_HELLO, "hello"))

G_DEFINE_FINAL_TYPE (LabEndpoint, lab_endpoint, G_TYPE_OBJECT)

static void
lab_endpoint_finalize (GObject *object)
{
  LabEndpoint *self = LAB_ENDPOINT (object);

  g_free (self->scheme);
  g_free (self->host);
  g_free (self->path);
  g_free (self->url);

  G_OBJECT_CLASS (lab_endpoint_parent_class)->finalize (object);
}

static void
lab_endpoint_class_init (LabEndpointClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_endpoint_finalize;
}

static void
lab_endpoint_init (LabEndpoint *self)
{
}

static gboolean
kind_is_page (LabEndpointKind kind)
{
  return kind == LAB_ENDPOINT_COUNTER_PAGE || kind == LAB_ENDPOINT_TIME_PAGE;
}

/**
 * lab_endpoint_new:
 * @tls: whether the listener speaks TLS: the scheme follows from it and @kind
 * @classic: on one of the tutorial's own ports
 */
LabEndpoint *
lab_endpoint_new (LabEndpointKind  kind,
                  gboolean         tls,
                  const char      *host,
                  guint            port,
                  const char      *path,
                  gboolean         classic)
{
  LabEndpoint *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  self = g_object_new (LAB_TYPE_ENDPOINT, NULL);
  self->kind = kind;
  if (kind_is_page (kind))
    self->scheme = g_strdup (tls ? "https" : "http");
  else
    self->scheme = g_strdup (tls ? "wss" : "ws");
  self->host = g_strdup (host);
  self->port = port;
  self->path = g_strdup (path);
  self->classic = !!classic;
  self->url = lab_url_build (self->scheme, host, port, path);

  return self;
}

LabEndpointKind
lab_endpoint_get_kind (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), 0);
  return self->kind;
}

const char *
lab_endpoint_get_scheme (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), NULL);
  return self->scheme;
}

const char *
lab_endpoint_get_host (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), NULL);
  return self->host;
}

guint
lab_endpoint_get_port (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), 0);
  return self->port;
}

const char *
lab_endpoint_get_path (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), NULL);
  return self->path;
}

const char *
lab_endpoint_get_url (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), NULL);
  return self->url;
}

gboolean
lab_endpoint_is_page (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);
  return kind_is_page (self->kind);
}

gboolean
lab_endpoint_is_classic (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);
  return self->classic;
}

/* Reachable from this computer only: what the app's own clients use. */
gboolean
lab_endpoint_is_loopback (LabEndpoint *self)
{
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);

  address = g_inet_address_new_from_string (self->host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}
