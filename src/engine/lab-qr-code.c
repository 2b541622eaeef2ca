/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-qr-code"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <qrencode.h>

#include "lab-qr-code.h"

/* A QR code of a URL, as modules a window draws at any size or a terminal
 * prints: what a class scans to join. Medium error correction: a code on a
 * projector survives glare and a thumb at the edge of the camera. */

struct _LabQrCode
{
  GObject  parent_instance;

  char    *text;
  guint    size;      /* modules per side, without the quiet zone */
  guint8  *modules;   /* size × size, row by row: 1 for dark */
};

G_DEFINE_FINAL_TYPE (LabQrCode, lab_qr_code, G_TYPE_OBJECT)

static void
lab_qr_code_finalize (GObject *object)
{
  LabQrCode *self = LAB_QR_CODE (object);

  g_free (self->text);
  g_free (self->modules);

  G_OBJECT_CLASS (lab_qr_code_parent_class)->finalize (object);
}

static void
lab_qr_code_class_init (LabQrCodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_qr_code_finalize;
}

static void
lab_qr_code_init (LabQrCode *self)
{
}

/**
 * lab_qr_code_new:
 * @text: what the code carries, usually a URL
 *
 * Returns: (transfer full) (nullable): the code, or %NULL when @text is too
 *   long for any QR code
 */
LabQrCode *
lab_qr_code_new (const char  *text,
                 GError     **error)
{
  g_autoptr(LabQrCode) self = NULL;
  QRcode *code;

  g_return_val_if_fail (text != NULL && text[0] != '\0', NULL);

  /* Eight-bit mode keeps a URL exactly as it is (no case folding). */
  code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("“%s” does not fit in a QR code"), text);
      return NULL;
    }

  self = g_object_new (LAB_TYPE_QR_CODE, NULL);
  self->text = g_strdup (text);
  self->size = (guint) code->width;
  self->modules = g_new (guint8, self->size * self->size);
  /* The lowest bit of each of libqrencode's bytes is the module's colour. */
  for (guint i = 0; i < self->size * self->size; i++)
    self->modules[i] = code->data[i] & 1;
  QRcode_free (code);

  return g_steal_pointer (&self);
}

const char *
lab_qr_code_get_text (LabQrCode *self)
{
  g_return_val_if_fail (LAB_IS_QR_CODE (self), NULL);

  return self->text;
}

guint
lab_qr_code_get_size (LabQrCode *self)
{
  g_return_val_if_fail (LAB_IS_QR_CODE (self), 0);

  return self->size;
}

/* Outside the code (the quiet zone) every module is light. */
gboolean
lab_qr_code_is_dark (LabQrCode *self,
                     guint      x,
                     guint      y)
{
  g_return_val_if_fail (LAB_IS_QR_CODE (self), FALSE);

  if (x >= self->size || y >= self->size)
    return FALSE;

  return self->modules[y * self->size + x] != 0;
}

static gboolean
is_dark_with_margin (LabQrCode *self,
                     int        x,
                     int        y)
{
  x -= LAB_QR_CODE_QUIET_ZONE;
  y -= LAB_QR_CODE_QUIET_ZONE;

  return x >= 0 && y >= 0 && lab_qr_code_is_dark (self, (guint) x, (guint) y);
}

/**
 * lab_qr_code_format_terminal:
 *
 * The code with its quiet zone in UTF-8 half blocks, two rows of modules per
 * line. Light modules are the blocks: a terminal draws them in its text
 * colour, light on the usual dark background, so the code reads the right
 * way round for a phone's camera.
 *
 * Returns: (transfer full): lines, each ending in a newline
 */
char *
lab_qr_code_format_terminal (LabQrCode *self)
{
  GString *text;
  int side;

  g_return_val_if_fail (LAB_IS_QR_CODE (self), NULL);

  side = (int) self->size + 2 * LAB_QR_CODE_QUIET_ZONE;
  text = g_string_sized_new ((gsize) (side * (side / 2 + 1) * 3));

  for (int y = 0; y < side; y += 2)
    {
      for (int x = 0; x < side; x++)
        {
          gboolean top_light = !is_dark_with_margin (self, x, y);
          /* An odd side leaves a last line with only its top half in the code:
           * the bottom half is outside, and stays unlit. */
          gboolean bottom_light = y + 1 < side && !is_dark_with_margin (self, x, y + 1);

          if (top_light && bottom_light)
            g_string_append (text, "█");
          else if (top_light)
            g_string_append (text, "▀");
          else if (bottom_light)
            g_string_append (text, "▄");
          else
            g_string_append_c (text, ' ');
        }
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}
