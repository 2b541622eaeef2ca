/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How a client decides whether to trust a server's certificate. */
typedef enum
{
  LAB_TRUST_SYSTEM,   /* the system's certificate authorities */
  LAB_TRUST_CA_FILE,  /* a CA or certificate file the user chose */
  LAB_TRUST_ASK,      /* the system's, else ask the user about the fingerprint */
} LabTrustMode;

typedef enum
{
  LAB_TLS_KEY_ECDSA_P256,
  LAB_TLS_KEY_RSA_2048,
} LabTlsKeyType;

#define LAB_TYPE_TRUST_MODE (lab_trust_mode_get_type ())
#define LAB_TYPE_TLS_KEY_TYPE (lab_tls_key_type_get_type ())

/* What a person checks about a certificate. */
typedef struct
{
  char      *subject;
  char      *names;        /* the subject alternative names, comma-separated */
  GDateTime *not_after;
  char      *fingerprint;  /* SHA-256 of the DER, as AB:CD:… */
} LabTlsSummary;

GType            lab_trust_mode_get_type        (void) G_GNUC_CONST;
GType            lab_tls_key_type_get_type      (void) G_GNUC_CONST;
GTlsCertificate *lab_tls_load                   (const char          *certificate_file,
                                                 const char          *key_file,
                                                 GError             **error);
void             lab_tls_load_async             (const char          *certificate_file,
                                                 const char          *key_file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GTlsCertificate *lab_tls_load_finish            (GAsyncResult        *result,
                                                 GError             **error);
void             lab_tls_load_database_async    (const char          *ca_file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GTlsDatabase    *lab_tls_load_database_finish   (GAsyncResult        *result,
                                                 char               **ca_file_problem,
                                                 GError             **error);
char            *lab_tls_dup_generated_directory (void);
gboolean         lab_tls_generate               (const char          *directory,
                                                 LabTlsKeyType        key_type,
                                                 const char * const  *hosts,
                                                 GDateTime           *not_before,
                                                 GDateTime           *not_after,
                                                 char               **certificate_file,
                                                 char               **key_file,
                                                 GError             **error);
void             lab_tls_generate_async         (const char          *directory,
                                                 LabTlsKeyType        key_type,
                                                 const char * const  *keep,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         lab_tls_generate_finish        (GAsyncResult        *result,
                                                 char               **certificate_file,
                                                 char               **key_file,
                                                 GError             **error);
gboolean         lab_tls_delete_generated       (const char          *directory,
                                                 const char * const  *keep,
                                                 GError             **error);
char           **lab_tls_dup_default_hosts      (void);
char            *lab_tls_dup_fingerprint        (GTlsCertificate     *certificate);
char            *lab_tls_describe_errors        (GTlsCertificateFlags errors);
LabTlsSummary   *lab_tls_summary_new            (GTlsCertificate     *certificate);
void             lab_tls_summary_free           (LabTlsSummary       *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTlsSummary, lab_tls_summary_free)

G_END_DECLS
