/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lab-catalog.h"

G_BEGIN_DECLS

char       *lab_web_pick_language  (const char         *accept_language,
                                    const char * const *available);
char       *lab_web_language_tag   (const char         *language);
LabCatalog *lab_web_catalog_for    (const char         *accept_language,
                                    char              **tag);
char       *lab_web_localize_page  (const char         *page,
                                    gsize               length,
                                    LabCatalog         *catalog,
                                    const char         *tag);

G_END_DECLS
