/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-tls.h"

G_BEGIN_DECLS

#define LAB_TYPE_TRUST_STORE (lab_trust_store_get_type ())

G_DECLARE_FINAL_TYPE (LabTrustStore, lab_trust_store, LAB, TRUST_STORE, GObject)

LabTrustStore *lab_trust_store_new                 (void);
void           lab_trust_store_trust               (LabTrustStore        *self,
                                                    const char           *peer,
                                                    const char           *fingerprint);
void           lab_trust_store_forget              (LabTrustStore        *self,
                                                    const char           *peer);
GHashTable    *lab_trust_store_dup_trusted         (LabTrustStore        *self);
void           lab_trust_store_set_trusted         (LabTrustStore        *self,
                                                    GHashTable           *trusted);
void           lab_trust_store_vouch               (LabTrustStore        *self,
                                                    const char           *peer,
                                                    const char           *fingerprint);
void           lab_trust_store_clear_vouched       (LabTrustStore        *self);
gboolean       lab_trust_store_is_trusted          (LabTrustStore        *self,
                                                    const char           *peer,
                                                    GTlsCertificate      *certificate);
LabTrustMode   lab_trust_store_get_mode            (LabTrustStore        *self);
void           lab_trust_store_set_mode            (LabTrustStore        *self,
                                                    LabTrustMode          mode);
const char    *lab_trust_store_get_ca_file         (LabTrustStore        *self);
void           lab_trust_store_set_ca_file         (LabTrustStore        *self,
                                                    const char           *path);
const char    *lab_trust_store_get_ca_file_problem (LabTrustStore        *self);
void           lab_trust_store_load_database_async (LabTrustStore        *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GTlsDatabase  *lab_trust_store_load_database_finish (LabTrustStore       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
