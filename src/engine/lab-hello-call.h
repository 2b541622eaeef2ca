/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-trust-store.h"

G_BEGIN_DECLS

/* What one hello conversation brought back. */
typedef struct
{
  char            *reply;        /* the server's one text message */
  gushort          close_code;   /* the code in the server's close frame */
  char            *close_reason;
  GTlsCertificate *certificate;  /* the server's, over wss://; else %NULL */
} LabHelloReply;

void           lab_hello_call_async  (const char           *url,
                                      const char           *name,
                                      LabTrustStore        *trust_store,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
LabHelloReply *lab_hello_call_finish (GAsyncResult         *result,
                                      GError              **error);
void           lab_hello_reply_free  (LabHelloReply        *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabHelloReply, lab_hello_reply_free)

G_END_DECLS
