/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-client"

#include "config.h"

#include "lab-client-private.h"

/* Whom the client trusts over wss:// is the trust store's to say; the client
 * follows it. A certificate refused waits here for the user's word, and the
 * client reconnects once the store trusts it, or trusts differently. */

void
_lab_client_set_untrusted (LabClient            *self,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           const char           *peer)
{
  if (self->untrusted_certificate == certificate)
    return;

  g_set_object (&self->untrusted_certificate, certificate);
  self->untrusted_errors = errors;
  g_free (self->untrusted_peer);
  self->untrusted_peer = g_strdup (peer);
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_UNTRUSTED_CERTIFICATE]);
}

void
_lab_client_refused_certificate_cb (LabClient            *self,
                                    GTlsCertificate      *certificate,
                                    GTlsCertificateFlags  errors,
                                    const char           *peer)
{
  _lab_client_set_untrusted (self, certificate, errors, peer);
}

/* What decides trust changed: the next connections follow it, made now. */
static void
reconnect (LabClient *self)
{
  _lab_client_set_untrusted (self, NULL, 0, NULL);

  if (!self->running)
    return;

  lab_client_channel_stop (self->counter);
  lab_client_channel_stop (self->time);
  lab_client_connect (self);
}

/* Trusted meanwhile (from another window, say): go on with it. */
static void
trust_store_changed_cb (LabClient *self)
{
  if (self->untrusted_certificate != NULL &&
      lab_trust_store_is_trusted (self->trust_store, self->untrusted_peer,
                                  self->untrusted_certificate))
    reconnect (self);
}

/**
 * lab_client_get_trust_store:
 *
 * Returns: (transfer none): whom the client trusts
 */
LabTrustStore *
lab_client_get_trust_store (LabClient *self)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);

  return self->trust_store;
}

/**
 * lab_client_set_trust_store:
 * @trust_store: the store to follow, shared with other clients
 *
 * From now on the client checks wss:// servers with @trust_store, and
 * reconnects when it changes its mind: a refused certificate trusted there,
 * another trust mode or CA file.
 */
void
lab_client_set_trust_store (LabClient     *self,
                            LabTrustStore *trust_store)
{
  g_return_if_fail (LAB_IS_CLIENT (self));
  g_return_if_fail (LAB_IS_TRUST_STORE (trust_store));

  if (self->trust_store == trust_store)
    return;

  if (self->trust_store != NULL)
    g_signal_handlers_disconnect_by_data (self->trust_store, self);

  g_set_object (&self->trust_store, trust_store);
  lab_client_channel_set_trust_store (self->counter, trust_store);
  lab_client_channel_set_trust_store (self->time, trust_store);

  g_signal_connect_object (trust_store, "changed",
                           G_CALLBACK (trust_store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (trust_store, "notify::mode",
                           G_CALLBACK (reconnect), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (trust_store, "notify::ca-file",
                           G_CALLBACK (reconnect), self, G_CONNECT_SWAPPED);

  reconnect (self);
  g_object_notify_by_pspec (G_OBJECT (self), _lab_client_properties[PROP_TRUST_STORE]);
}

/**
 * lab_client_get_untrusted_certificate:
 * @errors: (out) (optional): why it is not trusted
 * @peer: (out) (optional) (transfer none): "host:port" it came from
 *
 * Returns: (transfer none) (nullable): the certificate waiting for the user's word
 */
GTlsCertificate *
lab_client_get_untrusted_certificate (LabClient            *self,
                                      GTlsCertificateFlags *errors,
                                      const char          **peer)
{
  g_return_val_if_fail (LAB_IS_CLIENT (self), NULL);

  if (errors != NULL)
    *errors = self->untrusted_errors;
  if (peer != NULL)
    *peer = self->untrusted_peer;

  return self->untrusted_certificate;
}
