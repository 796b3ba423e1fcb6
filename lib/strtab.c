// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strtab.h"

void strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
}

void strtab_release(struct strtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->str[i]);
	free(t->str);
	free(t->slot);
	strtab_init(t);
}

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* The slot holding s, or the empty slot where it would go. */
static size_t probe(const struct strtab *t, const char *s, size_t len)
{
	size_t mask = t->nslots - 1, i = (size_t)hash(s, len) & mask;
	const char *cand;

	for (;; i = (i + 1) & mask) {
		if (!t->slot[i])
			return i;
		cand = t->str[t->slot[i] - 1];
		if (!strncmp(cand, s, len) && cand[len] == '\0')
			return i;
	}
}

static int rehash(struct strtab *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64, i, j;
	int *old = t->slot;
	size_t oldn = t->nslots;

	t->slot = calloc(n, sizeof(*t->slot));
	if (!t->slot) {
		t->slot = old;
		return -ENOMEM;
	}
	t->nslots = n;
	for (i = 0; i < oldn; i++) {
		if (!old[i])
			continue;
		j = probe(t, t->str[old[i] - 1], strlen(t->str[old[i] - 1]));
		t->slot[j] = old[i];
	}
	free(old);
	return 0;
}

int strtab_find(const struct strtab *t, const char *s, size_t len)
{
	size_t i;

	if (!t->nslots)
		return -ENOENT;
	i = probe(t, s, len);
	return t->slot[i] ? t->slot[i] - 1 : -ENOENT;
}

int strtab_add(struct strtab *t, const char *s, size_t len)
{
	char **p, *copy;
	size_t i;

	/* keep the load factor under one half */
	if ((t->n + 1) * 2 > t->nslots && rehash(t) < 0)
		return -ENOMEM;
	i = probe(t, s, len);
	if (t->slot[i])
		return t->slot[i] - 1;
	if (t->n == t->cap) {
		p = realloc(t->str, (t->cap ? t->cap * 2 : 16) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		t->str = p;
		t->cap = t->cap ? t->cap * 2 : 16;
	}
	copy = strndup(s, len);
	if (!copy)
		return -ENOMEM;
	t->str[t->n] = copy;
	t->slot[i] = (int)++t->n;
	return (int)t->n - 1;
}

const char *strtab_get(const struct strtab *t, int idx)
{
	return idx >= 0 && (size_t)idx < t->n ? t->str[idx] : NULL;
}

size_t strtab_count(const struct strtab *t)
{
	return t->n;
}
