/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU lists: the kernel's list syntax ("0-3,5,7-9", also "0-15:2/4") and a
 * sorted set of CPU numbers.
 *
 *   struct cpulist cl;
 *   cpulist_init(&cl);
 *   if (cpulist_parse(&cl, "0-3,8", CPULIST_STRICT, &diag) < 0) ...
 *   char *s = cpulist_format(&cl);          "0-3,8", caller frees
 *   cpulist_release(&cl);
 *
 * Strict parsing rejects anything the kernel would reject; lenient parsing
 * skips bad terms (used on sysfs files that may be garbled).  The empty
 * string is the empty list.  CPU numbers above CPULIST_MAX_CPU are refused,
 * so a hostile "0-4294967295" cannot make us allocate gigabytes.
 */
#ifndef KTSTR_CPULIST_H
#define KTSTR_CPULIST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

#define CPULIST_MAX_CPU 65535u

enum cpulist_mode {
	CPULIST_STRICT,
	CPULIST_LENIENT,
};

struct cpulist {
	unsigned *cpu; /* owned; sorted ascending, no duplicates */
	size_t n;
	size_t cap;
};

void cpulist_init(struct cpulist *cl);
void cpulist_release(struct cpulist *cl);
void cpulist_clear(struct cpulist *cl);

int cpulist_parse(struct cpulist *cl, const char *s, enum cpulist_mode mode, struct kt_diag *d);
char *cpulist_format(const struct cpulist *cl);

int cpulist_add(struct cpulist *cl, unsigned cpu);
int cpulist_add_range(struct cpulist *cl, unsigned first, unsigned last);
bool cpulist_has(const struct cpulist *cl, unsigned cpu);
int cpulist_copy(struct cpulist *dst, const struct cpulist *src);
int cpulist_merge(struct cpulist *dst, const struct cpulist *src);	/* dst |= src */
void cpulist_intersect(struct cpulist *dst, const struct cpulist *src); /* dst &= src */
void cpulist_subtract(struct cpulist *dst, const struct cpulist *src);  /* dst -= src */
bool cpulist_subset(const struct cpulist *a, const struct cpulist *b);	/* a <= b */
bool cpulist_equal(const struct cpulist *a, const struct cpulist *b);

/* JSON arrays of CPU numbers, as records carry them. */
json_t *cpulist_to_json(const struct cpulist *cl);
int cpulist_from_json(struct cpulist *cl, const json_t *arr, struct kt_diag *d);

#endif
