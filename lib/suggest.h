/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "Did you mean": the candidate closest to a misspelt word by edit
 * distance, if it is close enough (distance <= max(3, len/3)).  Ties go to
 * the earliest candidate.  Returns NULL when nothing is close.
 */
#ifndef KTSTR_SUGGEST_H
#define KTSTR_SUGGEST_H

#include <stddef.h>

size_t suggest_distance(const char *a, const char *b);
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

#endif
