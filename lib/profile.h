/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flags and flag profiles.  A flag names a scheduler feature a scenario is
 * about (llc, borrow, steal, rebal, reject-pin, no-ctrl); flags do not
 * configure the scheduler, they select and label runs.  A profile is a set
 * of flags, held as a bit mask in canonical order (bit 0 = llc, ...), and
 * named by its flags joined with '+' in that order, or "default".
 *
 *   unsigned masks[PROFILE_MAX];
 *   size_t n = profile_expand(required, excluded, masks);   mask order
 *   profile_name(masks[i], buf, sizeof(buf));               "llc+borrow"
 *   profile_parse(&mask, "borrow,llc", &diag);              user --flags
 *   profile_check(mask, required, excluded, why, size);     0, or -EINVAL + why
 *
 * Generation: the optional flags (all minus required minus excluded, in
 * canonical order) are enumerated by bit mask m = 0 .. 2^n - 1; each
 * candidate is required plus the selected optional flags, kept when every
 * member's own requirement (steal needs llc) is present.
 */
#ifndef KTSTR_PROFILE_H
#define KTSTR_PROFILE_H

#include <stddef.h>

#include "err.h"

#define PROFILE_NFLAGS 6
#define PROFILE_MAX (1u << PROFILE_NFLAGS)
#define PROFILE_NAME_MAX 64

enum profile_flag {
	PROFILE_LLC = 1u << 0,
	PROFILE_BORROW = 1u << 1,
	PROFILE_STEAL = 1u << 2,
	PROFILE_REBAL = 1u << 3,
	PROFILE_REJECT_PIN = 1u << 4,
	PROFILE_NO_CTRL = 1u << 5,
};

/* The flag's bit, or 0 for an unknown name. */
unsigned profile_flag(const char *name);
const char *profile_flag_name(unsigned bit);
/* "llc, borrow, steal, rebal, reject-pin, no-ctrl" */
const char *profile_flag_list(void);

size_t profile_expand(unsigned required, unsigned excluded, unsigned out[PROFILE_MAX]);
int profile_name(unsigned mask, char *buf, size_t size);
/* A name as profile_name() makes it, back to a mask; -EINVAL if it is not one. */
int profile_from_name(const char *name, unsigned *mask);
/* A comma-separated --flags value, or "default"; accumulates into *mask. */
int profile_parse(unsigned *mask, const char *list, struct kt_diag *d);
int profile_check(unsigned mask, unsigned required, unsigned excluded, char *why, size_t size);

#endif
