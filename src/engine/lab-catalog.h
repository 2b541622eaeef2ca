/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One language's compiled gettext catalog (a .mo file), read into memory: lookups that do not
 * depend on the process's locale or LANGUAGE, so each request can have its own language. */
typedef struct _LabCatalog LabCatalog;

LabCatalog  *lab_catalog_new_from_bytes            (GBytes      *bytes,
                                                    GError     **error);
LabCatalog  *lab_catalog_new_for_language          (const char  *localedir,
                                                    const char  *domain,
                                                    const char  *language,
                                                    GError     **error);
LabCatalog  *lab_catalog_ref                       (LabCatalog  *self);
void         lab_catalog_unref                     (LabCatalog  *self);
const char  *lab_catalog_gettext                   (LabCatalog  *self,
                                                    const char  *msgid);
char       **lab_catalog_plural_forms              (LabCatalog  *self,
                                                    const char  *msgid,
                                                    const char  *msgid_plural);
const char  *lab_catalog_plural_expression         (LabCatalog  *self);
gboolean     lab_catalog_plural_expression_is_safe (const char  *expression);
const char  *lab_locale_dir                        (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabCatalog, lab_catalog_unref)

G_END_DECLS
