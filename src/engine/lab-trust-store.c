/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-trust-store"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-trust-store.h"

/* Whom a client trusts: the certificates the user accepted ("host:port" →
 * SHA-256 fingerprint), those the application vouches for without asking (its
 * own server's, for this run only), and for everything else the system's
 * authorities or a CA file's. One store serves every client of a process; the
 * application keeps it in step with its settings, tests use it as it is.
 *
 * The CA file's database and the system's are loaded in a worker thread
 * (lab_tls_load_database_async()), once for each mode and file. */

struct _LabTrustStore
{
  GObject       parent_instance;

  GHashTable   *accepted;  /* the user's word, remembered across runs */
  GHashTable   *vouched;   /* the application's word, this run only */

  LabTrustMode  mode;
  char         *ca_file;
  char         *ca_file_problem;

  /* The database for @mode and @ca_file, once loaded */
  GTlsDatabase *database;
  GCancellable *loading;   /* the load in flight, if any */
  GPtrArray    *waiting;   /* GTasks waiting for it */
  guint         loaded : 1;
};

enum {
  PROP_0,
  PROP_CA_FILE,
  PROP_CA_FILE_PROBLEM,
  PROP_MODE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (LabTrustStore, lab_trust_store, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
has_text (const char *text)
{
  return text != NULL && text[0] != '\0';
}

static gboolean
same_tables (GHashTable *a,
             GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (g_hash_table_lookup (b, key), value) != 0)
      return FALSE;

  return TRUE;
}

static GHashTable *
new_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
copy_table (GHashTable *from,
            GHashTable *into)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (into, g_strdup (key), g_strdup (value));
}

/* Returns: whether @table changed */
static gboolean
insert (GHashTable *table,
        const char *peer,
        const char *fingerprint)
{
  if (g_strcmp0 (g_hash_table_lookup (table, peer), fingerprint) == 0)
    return FALSE;

  g_hash_table_insert (table, g_strdup (peer), g_strdup (fingerprint));
  return TRUE;
}

/* Loading the database */

static void
set_ca_file_problem (LabTrustStore *self,
                     const char    *problem)
{
  if (g_strcmp0 (self->ca_file_problem, problem) == 0)
    return;

  g_free (self->ca_file_problem);
  self->ca_file_problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE_PROBLEM]);
}

static void
answer_waiting (LabTrustStore *self,
                const GError  *error)
{
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&self->waiting);

  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, self->database ? g_object_ref (self->database) : NULL,
                               g_object_unref);
    }
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabTrustStore) self = user_data;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *problem = NULL;
  g_autoptr(GError) error = NULL;

  database = lab_tls_load_database_finish (result, &problem, &error);

  /* Another mode or file was chosen meanwhile: its own load answers. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->loading);
  g_set_object (&self->database, database);
  self->loaded = TRUE;
  set_ca_file_problem (self, problem);

  answer_waiting (self, NULL);
}

static void
start_loading (LabTrustStore *self)
{
  gboolean use_file = self->mode == LAB_TRUST_CA_FILE && has_text (self->ca_file);

  self->loading = g_cancellable_new ();
  lab_tls_load_database_async (use_file ? self->ca_file : NULL, self->loading,
                               loaded_cb, g_object_ref (self));
}

/* The mode or the file changed: what was loaded is for the old ones. The CA
 * file is loaded at once, so that a file that cannot be used is said now;
 * the system's waits until a client needs it. */
static void
reset_database (LabTrustStore *self)
{
  if (self->loading != NULL)
    {
      g_cancellable_cancel (self->loading);
      g_clear_object (&self->loading);
    }

  g_clear_object (&self->database);
  self->loaded = FALSE;

  if (self->mode == LAB_TRUST_CA_FILE && !has_text (self->ca_file))
    set_ca_file_problem (self, _("Choose the certificate file to trust in Preferences"));
  else
    set_ca_file_problem (self, NULL);

  if ((self->mode == LAB_TRUST_CA_FILE && has_text (self->ca_file)) || self->waiting->len > 0)
    start_loading (self);
}

/* GObject */

static void
lab_trust_store_dispose (GObject *object)
{
  LabTrustStore *self = LAB_TRUST_STORE (object);

  if (self->loading != NULL)
    {
      g_cancellable_cancel (self->loading);
      g_clear_object (&self->loading);
    }

  if (self->waiting != NULL && self->waiting->len > 0)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "The trust store is gone");

      answer_waiting (self, error);
    }

  g_clear_object (&self->database);

  G_OBJECT_CLASS (lab_trust_store_parent_class)->dispose (object);
}

static void
lab_trust_store_finalize (GObject *object)
{
  LabTrustStore *self = LAB_TRUST_STORE (object);

  g_clear_pointer (&self->accepted, g_hash_table_unref);
  g_clear_pointer (&self->vouched, g_hash_table_unref);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->ca_file_problem, g_free);

  G_OBJECT_CLASS (lab_trust_store_parent_class)->finalize (object);
}

static void
lab_trust_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabTrustStore *self = LAB_TRUST_STORE (object);

  switch (prop_id)
    {
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;

    case PROP_CA_FILE_PROBLEM:
      g_value_set_string (value, self->ca_file_problem);
      break;

    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_trust_store_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LabTrustStore *self = LAB_TRUST_STORE (object);

  switch (prop_id)
    {
    case PROP_CA_FILE:
      lab_trust_store_set_ca_file (self, g_value_get_string (value));
      break;

    case PROP_MODE:
      lab_trust_store_set_mode (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_trust_store_class_init (LabTrustStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_trust_store_dispose;
  object_class->finalize = lab_trust_store_finalize;
  object_class->get_property = lab_trust_store_get_property;
  object_class->set_property = lab_trust_store_set_property;

  /* The PEM file of the authority to trust in the "ca-file" mode. */
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Why the CA file cannot be used, in words; NULL when it can or is not used. */
  properties[PROP_CA_FILE_PROBLEM] =
    g_param_spec_string ("ca-file-problem", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       LAB_TYPE_TRUST_MODE, LAB_TRUST_SYSTEM,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabTrustStore::changed:
   * @self: a #LabTrustStore
   *
   * A certificate was trusted, vouched for or forgotten.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
lab_trust_store_init (LabTrustStore *self)
{
  self->accepted = new_table ();
  self->vouched = new_table ();
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  self->mode = LAB_TRUST_SYSTEM;
}

/* Public API */

/**
 * lab_trust_store_new:
 *
 * Returns: (transfer full): a store that trusts the system's authorities and
 * no certificate of its own, kept in memory
 */
LabTrustStore *
lab_trust_store_new (void)
{
  return g_object_new (LAB_TYPE_TRUST_STORE, NULL);
}

/**
 * lab_trust_store_trust:
 * @peer: "host:port", as lab_url_dup_host_port() makes it
 * @fingerprint: the SHA-256 fingerprint the user accepted for it
 *
 * Trusts that certificate for that server from now on, in every mode.
 */
void
lab_trust_store_trust (LabTrustStore *self,
                       const char    *peer,
                       const char    *fingerprint)
{
  g_return_if_fail (LAB_IS_TRUST_STORE (self));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (fingerprint != NULL);

  if (insert (self->accepted, peer, fingerprint))
    g_signal_emit (self, signals[CHANGED], 0);
}

void
lab_trust_store_forget (LabTrustStore *self,
                        const char    *peer)
{
  g_return_if_fail (LAB_IS_TRUST_STORE (self));
  g_return_if_fail (peer != NULL);

  if (g_hash_table_remove (self->accepted, peer))
    g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * lab_trust_store_dup_trusted:
 *
 * Returns: (transfer full) (element-type utf8 utf8): the certificates the
 * user accepted, "host:port" → fingerprint; not those vouched for
 */
GHashTable *
lab_trust_store_dup_trusted (LabTrustStore *self)
{
  GHashTable *copy;

  g_return_val_if_fail (LAB_IS_TRUST_STORE (self), NULL);

  copy = new_table ();
  copy_table (self->accepted, copy);

  return copy;
}

/**
 * lab_trust_store_set_trusted:
 * @trusted: (element-type utf8 utf8): "host:port" → fingerprint
 *
 * Replaces the certificates the user accepted: what the settings remember.
 */
void
lab_trust_store_set_trusted (LabTrustStore *self,
                             GHashTable    *trusted)
{
  g_return_if_fail (LAB_IS_TRUST_STORE (self));
  g_return_if_fail (trusted != NULL);

  if (same_tables (self->accepted, trusted))
    return;

  g_hash_table_remove_all (self->accepted);
  copy_table (trusted, self->accepted);

  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * lab_trust_store_vouch:
 *
 * Trusts a certificate the application knows without asking (its own
 * server's), until lab_trust_store_clear_vouched(). Never remembered.
 */
void
lab_trust_store_vouch (LabTrustStore *self,
                       const char    *peer,
                       const char    *fingerprint)
{
  g_return_if_fail (LAB_IS_TRUST_STORE (self));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (fingerprint != NULL);

  if (insert (self->vouched, peer, fingerprint))
    g_signal_emit (self, signals[CHANGED], 0);
}

void
lab_trust_store_clear_vouched (LabTrustStore *self)
{
  g_return_if_fail (LAB_IS_TRUST_STORE (self));

  if (g_hash_table_size (self->vouched) == 0)
    return;

  g_hash_table_remove_all (self->vouched);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * lab_trust_store_is_trusted:
 * @peer: "host:port" the certificate came from
 *
 * Returns: whether the user accepted, or the application vouched for,
 * exactly this certificate for @peer
 */
gboolean
lab_trust_store_is_trusted (LabTrustStore   *self,
                            const char      *peer,
                            GTlsCertificate *certificate)
{
  g_autofree char *fingerprint = NULL;

  g_return_val_if_fail (LAB_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);

  fingerprint = lab_tls_dup_fingerprint (certificate);

  return g_strcmp0 (g_hash_table_lookup (self->accepted, peer), fingerprint) == 0 ||
         g_strcmp0 (g_hash_table_lookup (self->vouched, peer), fingerprint) == 0;
}

LabTrustMode
lab_trust_store_get_mode (LabTrustStore *self)
{
  g_return_val_if_fail (LAB_IS_TRUST_STORE (self), LAB_TRUST_SYSTEM);

  return self->mode;
}

void
lab_trust_store_set_mode (LabTrustStore *self,
                          LabTrustMode   mode)
{
  g_return_if_fail (LAB_IS_TRUST_STORE (self));

  if (self->mode == mode)
    return;

  self->mode = mode;
  reset_database (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

const char *
lab_trust_store_get_ca_file (LabTrustStore *self)
{
  g_return_val_if_fail (LAB_IS_TRUST_STORE (self), NULL);

  return self->ca_file;
}

void
lab_trust_store_set_ca_file (LabTrustStore *self,
                             const char    *path)
{
  g_return_if_fail (LAB_IS_TRUST_STORE (self));

  if (g_strcmp0 (self->ca_file, path) == 0)
    return;

  g_free (self->ca_file);
  self->ca_file = g_strdup (path);
  reset_database (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
}

/**
 * lab_trust_store_get_ca_file_problem:
 *
 * Returns: (nullable): why the CA file cannot be used (none chosen, or it
 * cannot be read), in words; meanwhile clients trust the system's authorities
 */
const char *
lab_trust_store_get_ca_file_problem (LabTrustStore *self)
{
  g_return_val_if_fail (LAB_IS_TRUST_STORE (self), NULL);

  return self->ca_file_problem;
}

/**
 * lab_trust_store_load_database_async:
 *
 * Gets the database a client verifies certificates with in the current mode:
 * the CA file's, else the system's. It is loaded in a worker thread the first
 * time, and again after the mode or the file changes.
 */
void
lab_trust_store_load_database_async (LabTrustStore       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_TRUST_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_trust_store_load_database_async);

  if (self->loaded)
    {
      g_task_return_pointer (task, self->database ? g_object_ref (self->database) : NULL,
                             g_object_unref);
      return;
    }

  g_ptr_array_add (self->waiting, g_steal_pointer (&task));
  if (self->loading == NULL)
    start_loading (self);
}

/**
 * lab_trust_store_load_database_finish:
 *
 * Returns: (transfer full) (nullable): the database, or %NULL with @error
 * set when cancelled; %NULL without an error where TLS is not available
 */
GTlsDatabase *
lab_trust_store_load_database_finish (LabTrustStore  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (LAB_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        lab_trust_store_load_database_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
