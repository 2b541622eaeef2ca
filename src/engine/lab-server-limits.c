/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-server-limits"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-server-limits.h"
#include "lab-types.h"

/* What the server lets a room of curious students do: how many connect at
 * once, how fast each may send, how long a socket may stay silent before its
 * first request, and which web pages may open a WebSocket to it.
 *
 * Origin: a browser says which page opens a WebSocket; nothing stops a page
 * on another site from pressing the counter's buttons but this check. Native
 * clients send no Origin, pages opened from file:// (as the tutorial's are)
 * send "null", and this server's own pages send its own address: all
 * allowed, and so are pages on this computer (localhost, 127.0.0.1, [::1]) on
 * any port. Any other site needs to be listed. */

struct _LabServerLimits
{
  GObject   parent_instance;

  guint     max_clients;
  guint     max_rate;
  guint     request_timeout;
  gboolean  allow_any_origin;
  GStrv     allowed_origins;   /* as given */
};

G_DEFINE_FINAL_TYPE (LabServerLimits, lab_server_limits, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_CLIENTS,
  PROP_MAX_RATE,
  PROP_REQUEST_TIMEOUT,
  PROP_ALLOW_ANY_ORIGIN,
  PROP_ALLOWED_ORIGINS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* An origin as scheme, lower-case host (IPv6 without brackets) and port. */
typedef struct
{
  char *scheme;
  char *host;
  int   port;
} Origin;

static void
origin_clear (Origin *origin)
{
  g_clear_pointer (&origin->scheme, g_free);
  g_clear_pointer (&origin->host, g_free);
}

static int
default_port (const char *scheme)
{
  return g_str_equal (scheme, "https") ? 443 : 80;
}

static gboolean
origin_parse (const char *text,
              Origin     *origin)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme;
  const char *path;

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  path = g_uri_get_path (uri);
  if ((g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL || (path[0] != '\0' && !g_str_equal (path, "/")))
    return FALSE;

  origin->scheme = g_ascii_strdown (scheme, -1);
  origin->host = g_ascii_strdown (g_uri_get_host (uri), -1);
  origin->port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : default_port (origin->scheme);

  return TRUE;
}

static gboolean
origin_equal (const Origin *a,
              const Origin *b)
{
  return g_str_equal (a->scheme, b->scheme) && g_str_equal (a->host, b->host) && a->port == b->port;
}

/* The Host header of a request to this server, as an origin would name it. */
static gboolean
origin_from_host (const char *host,
                  gboolean    tls,
                  Origin     *origin)
{
  g_autofree char *text = g_strconcat (tls ? "https://" : "http://", host, NULL);

  return host != NULL && origin_parse (text, origin);
}

static gboolean
is_this_computer (const char *host)
{
  return g_str_equal (host, "localhost") || g_str_equal (host, "127.0.0.1") ||
         g_str_equal (host, "::1");
}

/**
 * lab_server_limits_check_origin_text:
 *
 * Returns: whether @origin can be listed as allowed: `http://` or `https://`,
 *   a host, maybe a port, nothing else
 */
gboolean
lab_server_limits_check_origin_text (const char  *origin,
                                     GError     **error)
{
  Origin parsed = { 0 };
  gboolean ok = origin != NULL && origin_parse (origin, &parsed);

  origin_clear (&parsed);
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not an origin: write it as a browser sends it, like "
                   "https://example.org or http://192.168.1.20:8000"),
                 origin != NULL ? origin : "");

  return ok;
}

/**
 * lab_server_limits_allows_origin:
 * @origin: (nullable): the request's Origin header
 * @host: (nullable): its Host header
 * @tls: whether it came over TLS
 *
 * Returns: whether a WebSocket from @origin may open: see the top of the file
 */
gboolean
lab_server_limits_allows_origin (LabServerLimits *self,
                                 const char      *origin,
                                 const char      *host,
                                 gboolean         tls)
{
  Origin asked = { 0 };
  Origin served = { 0 };
  gboolean allowed = FALSE;

  g_return_val_if_fail (LAB_IS_SERVER_LIMITS (self), FALSE);

  if (origin == NULL || self->allow_any_origin || g_str_equal (origin, "null"))
    return TRUE;

  if (!origin_parse (origin, &asked))
    return FALSE;

  if (is_this_computer (asked.host))
    allowed = TRUE;
  else if (origin_from_host (host, tls, &served) && origin_equal (&asked, &served))
    allowed = TRUE;
  else
    for (guint i = 0; self->allowed_origins != NULL && self->allowed_origins[i] != NULL && !allowed; i++)
      {
        Origin listed = { 0 };

        allowed = origin_parse (self->allowed_origins[i], &listed) && origin_equal (&asked, &listed);
        origin_clear (&listed);
      }

  origin_clear (&asked);
  origin_clear (&served);
  return allowed;
}

static const char * const *
or_empty (char **strv)
{
  static const char * const none[] = { NULL };

  return strv != NULL ? (const char * const *) strv : none;
}

static void
set_uint (LabServerLimits *self,
          guint           *field,
          guint            value,
          int              prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Every limit at once, from the settings or the command line. */
void
lab_server_limits_apply_config (LabServerLimits       *self,
                                const LabServerConfig *config)
{
  g_return_if_fail (LAB_IS_SERVER_LIMITS (self));
  g_return_if_fail (config != NULL);

  set_uint (self, &self->max_clients, config->max_clients, PROP_MAX_CLIENTS);
  set_uint (self, &self->max_rate, config->max_rate, PROP_MAX_RATE);
  set_uint (self, &self->request_timeout, config->request_timeout, PROP_REQUEST_TIMEOUT);

  if (self->allow_any_origin != !!config->allow_any_origin)
    {
      self->allow_any_origin = !!config->allow_any_origin;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_ANY_ORIGIN]);
    }

  if (!g_strv_equal (or_empty (self->allowed_origins), or_empty (config->allowed_origins)))
    {
      g_strfreev (self->allowed_origins);
      self->allowed_origins = g_strdupv (config->allowed_origins);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOWED_ORIGINS]);
    }
}

guint
lab_server_limits_get_max_clients (LabServerLimits *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_LIMITS (self), 0);

  return self->max_clients;
}

guint
lab_server_limits_get_max_rate (LabServerLimits *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_LIMITS (self), 0);

  return self->max_rate;
}

/* A client may send this many at once before the rate applies. */
guint
lab_server_limits_get_max_burst (LabServerLimits *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_LIMITS (self), 0);

  return self->max_rate * LAB_RATE_BURST_SECONDS;
}

guint
lab_server_limits_get_request_timeout (LabServerLimits *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_LIMITS (self), 0);

  return self->request_timeout;
}

gboolean
lab_server_limits_get_allow_any_origin (LabServerLimits *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_LIMITS (self), FALSE);

  return self->allow_any_origin;
}

/* Returns: (transfer none): the origins allowed besides the usual ones */
const char * const *
lab_server_limits_get_allowed_origins (LabServerLimits *self)
{
  g_return_val_if_fail (LAB_IS_SERVER_LIMITS (self), NULL);

  return or_empty (self->allowed_origins);
}

static void
lab_server_limits_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabServerLimits *self = LAB_SERVER_LIMITS (object);

  switch (prop_id)
    {
    case PROP_MAX_CLIENTS:
      g_value_set_uint (value, self->max_clients);
      break;
    case PROP_MAX_RATE:
      g_value_set_uint (value, self->max_rate);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout);
      break;
    case PROP_ALLOW_ANY_ORIGIN:
      g_value_set_boolean (value, self->allow_any_origin);
      break;
    case PROP_ALLOWED_ORIGINS:
      g_value_set_boxed (value, self->allowed_origins);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_server_limits_finalize (GObject *object)
{
  LabServerLimits *self = LAB_SERVER_LIMITS (object);

  g_strfreev (self->allowed_origins);

  G_OBJECT_CLASS (lab_server_limits_parent_class)->finalize (object);
}

static void
lab_server_limits_class_init (LabServerLimitsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_server_limits_finalize;
  object_class->get_property = lab_server_limits_get_property;

  properties[PROP_MAX_CLIENTS] =
    g_param_spec_uint ("max-clients", NULL, NULL, 0, G_MAXUINT, LAB_MAX_CLIENTS_DEFAULT,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_RATE] =
    g_param_spec_uint ("max-rate", NULL, NULL, 0, G_MAXUINT, LAB_MAX_RATE_DEFAULT,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", NULL, NULL, 0, G_MAXUINT, LAB_REQUEST_TIMEOUT_DEFAULT,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_ANY_ORIGIN] =
    g_param_spec_boolean ("allow-any-origin", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOWED_ORIGINS] =
    g_param_spec_boxed ("allowed-origins", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_server_limits_init (LabServerLimits *self)
{
  self->max_clients = LAB_MAX_CLIENTS_DEFAULT;
  self->max_rate = LAB_MAX_RATE_DEFAULT;
  self->request_timeout = LAB_REQUEST_TIMEOUT_DEFAULT;
}

LabServerLimits *
lab_server_limits_new (void)
{
  return g_object_new (LAB_TYPE_SERVER_LIMITS, NULL);
}
