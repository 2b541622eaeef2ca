/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-trust-store.h"

G_BEGIN_DECLS

void lab_trusted_certificates_bind (GSettings     *settings,
                                    LabTrustStore *trust_store);

G_END_DECLS
