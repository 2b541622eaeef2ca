/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-json-strict"

#include "config.h"

#include <string.h>

#include "lab-json-strict.h"

/* RFC 8259 JSON and nothing else. json-glib 1.6 is lenient: it takes
 * single-quoted strings ({'action':'plus'}), and the Python tutorial's
 * server does not; browsers' JSON.parse does not either. Every message is
 * checked here first, so what counts as an action is what JSON says. */

typedef struct
{
  const char *p;
  const char *end;
  const char *start;
  char       *problem;
} Scanner;

static gboolean
fail (Scanner    *scanner,
      const char *what)
{
  if (scanner->problem == NULL)
    scanner->problem = g_strdup_printf ("%s at byte %" G_GSIZE_FORMAT, what,
                                        (gsize) (scanner->p - scanner->start));
  return FALSE;
}

static void
skip_whitespace (Scanner *scanner)
{
  while (scanner->p < scanner->end &&
         (*scanner->p == ' ' || *scanner->p == '\t' || *scanner->p == '\n' || *scanner->p == '\r'))
    scanner->p++;
}

static gboolean
accept_literal (Scanner    *scanner,
                const char *literal)
{
  gsize n = strlen (literal);

  if ((gsize) (scanner->end - scanner->p) < n || memcmp (scanner->p, literal, n) != 0)
    return fail (scanner, "unexpected text");

  scanner->p += n;
  return TRUE;
}

static gboolean
accept_digits (Scanner *scanner)
{
  const char *first = scanner->p;

  while (scanner->p < scanner->end && g_ascii_isdigit (*scanner->p))
    scanner->p++;

  return scanner->p > first || fail (scanner, "a digit expected");
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? : no NaN, no Infinity, no
 * leading +, no leading zeros, no bare dot. */
static gboolean
accept_number (Scanner *scanner)
{
  if (scanner->p < scanner->end && *scanner->p == '-')
    scanner->p++;

  if (scanner->p < scanner->end && *scanner->p == '0')
    scanner->p++;
  else if (!accept_digits (scanner))
    return FALSE;

  if (scanner->p < scanner->end && *scanner->p == '.')
    {
      scanner->p++;
      if (!accept_digits (scanner))
        return FALSE;
    }

  if (scanner->p < scanner->end && (*scanner->p == 'e' || *scanner->p == 'E'))
    {
      scanner->p++;
      if (scanner->p < scanner->end && (*scanner->p == '+' || *scanner->p == '-'))
        scanner->p++;
      if (!accept_digits (scanner))
        return FALSE;
    }

  return TRUE;
}

/* Double quotes only; control characters escaped; only JSON's escapes. The
 * text is valid UTF-8 already (libsoup checks every text message). */
static gboolean
accept_string (Scanner *scanner)
{
  if (scanner->p >= scanner->end || *scanner->p != '"')
    return fail (scanner, "a string in double quotes expected");
  scanner->p++;

  while (scanner->p < scanner->end)
    {
      guchar c = (guchar) *scanner->p;

      if (c == '"')
        {
          scanner->p++;
          return TRUE;
        }

      if (c < 0x20)
        return fail (scanner, "a control character inside a string");

      if (c != '\\')
        {
          scanner->p++;
          continue;
        }

      scanner->p++;
      if (scanner->p >= scanner->end)
        break;

      switch (*scanner->p)
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          scanner->p++;
          break;

        case 'u':
          scanner->p++;
          for (int i = 0; i < 4; i++, scanner->p++)
            if (scanner->p >= scanner->end || !g_ascii_isxdigit (*scanner->p))
              return fail (scanner, "four hexadecimal digits expected after \\u");
          break;

        default:
          return fail (scanner, "an unknown escape");
        }
    }

  return fail (scanner, "a string that never ends");
}

static gboolean accept_value (Scanner *scanner,
                              guint    depth);

/* Members or elements between @open and @close, separated by commas, with
 * no trailing comma. */
static gboolean
accept_container (Scanner *scanner,
                  char     open,
                  char     close,
                  guint    depth)
{
  if (depth >= LAB_JSON_STRICT_MAX_DEPTH)
    return fail (scanner, "nested too deeply");

  g_assert (*scanner->p == open);
  scanner->p++;
  skip_whitespace (scanner);

  if (scanner->p < scanner->end && *scanner->p == close)
    {
      scanner->p++;
      return TRUE;
    }

  for (;;)
    {
      if (open == '{')
        {
          if (!accept_string (scanner))
            return FALSE;
          skip_whitespace (scanner);
          if (scanner->p >= scanner->end || *scanner->p != ':')
            return fail (scanner, "a colon expected");
          scanner->p++;
        }

      if (!accept_value (scanner, depth + 1))
        return FALSE;

      skip_whitespace (scanner);
      if (scanner->p < scanner->end && *scanner->p == ',')
        {
          scanner->p++;
          skip_whitespace (scanner);
          continue;
        }
      if (scanner->p < scanner->end && *scanner->p == close)
        {
          scanner->p++;
          return TRUE;
        }

      return fail (scanner, open == '{' ? "a comma or } expected" : "a comma or ] expected");
    }
}

static gboolean
accept_value (Scanner *scanner,
              guint    depth)
{
  skip_whitespace (scanner);
  if (scanner->p >= scanner->end)
    return fail (scanner, "a value expected");

  switch (*scanner->p)
    {
    case '{':
      return accept_container (scanner, '{', '}', depth);
    case '[':
      return accept_container (scanner, '[', ']', depth);
    case '"':
      return accept_string (scanner);
    case 't':
      return accept_literal (scanner, "true");
    case 'f':
      return accept_literal (scanner, "false");
    case 'n':
      return accept_literal (scanner, "null");
    default:
      if (*scanner->p == '-' || g_ascii_isdigit (*scanner->p))
        return accept_number (scanner);
      return fail (scanner, *scanner->p == '\'' ? "a single quote (JSON strings take double quotes)"
                                               : "unexpected text");
    }
}

/**
 * lab_json_strict_check:
 * @text: the message (need not be nul-terminated)
 * @length: its length in bytes
 * @problem: (out) (optional): what is wrong and where, when it is not JSON
 *
 * Returns: whether @text is exactly one JSON value, as RFC 8259 defines it,
 *   with only whitespace around it
 */
gboolean
lab_json_strict_check (const char  *text,
                       gsize        length,
                       char       **problem)
{
  Scanner scanner = { text, text + length, text, NULL };
  gboolean ok;

  ok = accept_value (&scanner, 0);
  if (ok)
    {
      skip_whitespace (&scanner);
      if (scanner.p != scanner.end)
        ok = fail (&scanner, "text after the value");
    }

  if (problem != NULL)
    *problem = g_steal_pointer (&scanner.problem);
  g_free (scanner.problem);

  return ok;
}

/**
 * lab_json_strict_fix_generated:
 * @json: (transfer full): what json_generator_to_data() wrote
 *
 * json-glib 1.6's generator escapes every control character in a string but
 * U+001F, which it writes as it is, and RFC 8259 forbids that: a peer's
 * JSON.parse() would refuse the text. The generator writes control
 * characters nowhere else, so each one left is inside a string.
 *
 * Returns: (transfer full): @json, as RFC 8259 JSON
 */
char *
lab_json_strict_fix_generated (char *json)
{
  GString *fixed;

  g_return_val_if_fail (json != NULL, NULL);

  if (strchr (json, 0x1f) == NULL)
    return json;

  fixed = g_string_new (NULL);
  for (const char *p = json; *p != '\0'; p++)
    {
      if (*p == 0x1f)
        g_string_append (fixed, "\\u001f");
      else
        g_string_append_c (fixed, *p);
    }
  g_free (json);

  return g_string_free (fixed, FALSE);
}
