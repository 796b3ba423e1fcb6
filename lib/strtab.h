/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A set of distinct strings with stable indexes (interning): the distinct
 * cgroups seen in a capture, the group keys of a compare.  Strings are
 * copied in; a returned pointer lives until strtab_release().
 *
 *   struct strtab t;
 *   strtab_init(&t);
 *   idx = strtab_add(&t, "cpu:/a", 6);      index (>= 0) or -ENOMEM
 *   strtab_find(&t, "cpu:/a", 6)            index or -ENOENT
 *   strtab_get(&t, idx)                      the stored, NUL-terminated copy
 *   strtab_release(&t);
 *
 * Open addressing with FNV-1a; strings may contain any byte but NUL.
 */
#ifndef KTSTR_STRTAB_H
#define KTSTR_STRTAB_H

#include <stddef.h>

struct strtab {
	char **str;	/* owned, by index */
	size_t n, cap;
	int *slot;	/* owned; hash slots holding index + 1, 0 when empty */
	size_t nslots;
};

void strtab_init(struct strtab *t);
void strtab_release(struct strtab *t);
int strtab_add(struct strtab *t, const char *s, size_t len);
int strtab_find(const struct strtab *t, const char *s, size_t len);
const char *strtab_get(const struct strtab *t, int idx);
size_t strtab_count(const struct strtab *t);

#endif
