/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>

G_BEGIN_DECLS

/* Each target defines libFuzzer's entry point: clang's libFuzzer drives it in
 * the fuzzing build, fuzz-corpus-main.c feeds it the seed corpus in the normal
 * one. */
int  LLVMFuzzerTestOneInput (const uint8_t *data,
                             size_t         size);

/* Criticals and warnings abort, as assertions do: a g_return_if_fail() that an
 * input trips is a finding. abort(), not GLib's fatal mask: that may end in
 * SIGTRAP, which libFuzzer does not catch, and the input would be lost. */
static inline void
lab_fuzz_log_cb (const char     *log_domain,
                 GLogLevelFlags  log_level,
                 const char     *message,
                 gpointer        user_data)
{
  g_log_default_handler (log_domain, log_level, message, user_data);
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
}

/* Call once, before the first input. */
static inline void
lab_fuzz_init (void)
{
  g_log_set_default_handler (lab_fuzz_log_cb, NULL);
}

G_END_DECLS
