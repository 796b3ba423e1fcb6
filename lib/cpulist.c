// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"

void cpulist_init(struct cpulist *cl)
{
	cl->cpu = NULL;
	cl->n = cl->cap = 0;
}

void cpulist_release(struct cpulist *cl)
{
	free(cl->cpu);
	cpulist_init(cl);
}

void cpulist_clear(struct cpulist *cl)
{
	cl->n = 0;
}

static int reserve(struct cpulist *cl, size_t want)
{
	size_t cap = cl->cap ? cl->cap : 8;
	unsigned *p;

	if (want <= cl->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	p = realloc(cl->cpu, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	cl->cpu = p;
	cl->cap = cap;
	return 0;
}

/* Index of the first element >= cpu. */
static size_t lower_bound(const struct cpulist *cl, unsigned cpu)
{
	size_t lo = 0, hi = cl->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cl->cpu[mid] < cpu)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool cpulist_has(const struct cpulist *cl, unsigned cpu)
{
	size_t i = lower_bound(cl, cpu);

	return i < cl->n && cl->cpu[i] == cpu;
}

int cpulist_add(struct cpulist *cl, unsigned cpu)
{
	size_t i;

	if (cpu > CPULIST_MAX_CPU)
		return -ERANGE;
	/* Appending in order is the common case: keep it O(1). */
	if (cl->n && cl->cpu[cl->n - 1] < cpu)
		i = cl->n;
	else
		i = lower_bound(cl, cpu);
	if (i < cl->n && cl->cpu[i] == cpu)
		return 0;
	if (reserve(cl, cl->n + 1) < 0)
		return -ENOMEM;
	memmove(cl->cpu + i + 1, cl->cpu + i, (cl->n - i) * sizeof(*cl->cpu));
	cl->cpu[i] = cpu;
	cl->n++;
	return 0;
}

int cpulist_add_range(struct cpulist *cl, unsigned first, unsigned last)
{
	unsigned c;
	int rc;

	if (first > last || last > CPULIST_MAX_CPU)
		return -ERANGE;
	for (c = first;; c++) {
		rc = cpulist_add(cl, c);
		if (rc < 0 || c == last)
			return rc;
	}
}

/* One CPU number: digits only, bounded, so "4294967296" is an error, not 0. */
static int parse_cpu(const char **pp, unsigned *out)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > CPULIST_MAX_CPU)
			return -ERANGE;
		p++;
	}
	*out = (unsigned)v;
	*pp = p;
	return 0;
}

/* "a", "a-b" or "a-b:used/group" between p and end. */
static int parse_term(struct cpulist *cl, const char *p, const char *end)
{
	unsigned a, b, used = 1, group = 1, c;
	int rc;

	if ((rc = parse_cpu(&p, &a)) < 0)
		return rc;
	b = a;
	if (p < end && *p == '-') {
		p++;
		if ((rc = parse_cpu(&p, &b)) < 0)
			return rc;
		if (b < a)
			return -EINVAL;
		if (p < end && *p == ':') {
			p++;
			if ((rc = parse_cpu(&p, &used)) < 0 || *p != '/')
				return rc < 0 ? rc : -EINVAL;
			p++;
			if ((rc = parse_cpu(&p, &group)) < 0)
				return rc;
			if (!used || !group || used > group)
				return -EINVAL;
		}
	}
	if (p != end)
		return -EINVAL;
	for (c = a; c <= b; c++) {
		if ((c - a) % group < used && (rc = cpulist_add(cl, c)) < 0)
			return rc;
	}
	return 0;
}

int cpulist_parse(struct cpulist *cl, const char *s, enum cpulist_mode mode, struct kt_diag *d)
{
	const char *p = s, *end, *comma;
	int rc;

	cpulist_clear(cl);
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (!comma)
			comma = end;
		rc = parse_term(cl, p, comma);
		if (rc == -ENOMEM)
			return kt_diag_set(d, ENOMEM, "out of memory");
		if (rc < 0 && mode == CPULIST_STRICT)
			return kt_diag_set(d, rc,
					   rc == -ERANGE ? "'%.*s' in '%s': CPU number above %u"
							 : "'%.*s' in '%s' is not a CPU or CPU range",
					   (int)(comma - p), p, s, CPULIST_MAX_CPU);
		if (comma == end)
			break;
		p = comma + 1;
		if (p == end && mode == CPULIST_STRICT)
			return kt_diag_set(d, EINVAL, "'%s' ends with a comma", s);
	}
	return 0;
}

char *cpulist_format(const struct cpulist *cl)
{
	size_t i = 0, j, len = 0, cap = 16 + cl->n * 12;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	while (i < cl->n) {
		for (j = i; j + 1 < cl->n && cl->cpu[j + 1] == cl->cpu[j] + 1; j++)
			;
		len += (size_t)snprintf(out + len, cap - len, "%s%u", len ? "," : "", cl->cpu[i]);
		if (j > i)
			len += (size_t)snprintf(out + len, cap - len, "-%u", cl->cpu[j]);
		i = j + 1;
	}
	return out;
}

int cpulist_copy(struct cpulist *dst, const struct cpulist *src)
{
	if (reserve(dst, src->n) < 0)
		return -ENOMEM;
	if (src->n)
		memcpy(dst->cpu, src->cpu, src->n * sizeof(*src->cpu));
	dst->n = src->n;
	return 0;
}

int cpulist_merge(struct cpulist *dst, const struct cpulist *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		if (cpulist_add(dst, src->cpu[i]) < 0)
			return -ENOMEM;
	return 0;
}

void cpulist_intersect(struct cpulist *dst, const struct cpulist *src)
{
	size_t i, k = 0;

	for (i = 0; i < dst->n; i++)
		if (cpulist_has(src, dst->cpu[i]))
			dst->cpu[k++] = dst->cpu[i];
	dst->n = k;
}

void cpulist_subtract(struct cpulist *dst, const struct cpulist *src)
{
	size_t i, k = 0;

	for (i = 0; i < dst->n; i++)
		if (!cpulist_has(src, dst->cpu[i]))
			dst->cpu[k++] = dst->cpu[i];
	dst->n = k;
}

bool cpulist_subset(const struct cpulist *a, const struct cpulist *b)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!cpulist_has(b, a->cpu[i]))
			return false;
	return true;
}

bool cpulist_equal(const struct cpulist *a, const struct cpulist *b)
{
	return a->n == b->n && (!a->n || !memcmp(a->cpu, b->cpu, a->n * sizeof(*a->cpu)));
}

json_t *cpulist_to_json(const struct cpulist *cl)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < cl->n; i++)
		if (json_array_append_new(arr, json_integer(cl->cpu[i])) < 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

int cpulist_from_json(struct cpulist *cl, const json_t *arr, struct kt_diag *d)
{
	size_t i;
	json_t *v;
	json_int_t c;

	cpulist_clear(cl);
	if (!json_is_array(arr))
		return kt_diag_set(d, EINVAL, "CPU list is not an array");
	json_array_foreach(arr, i, v) {
		c = json_is_integer(v) ? json_integer_value(v) : -1;
		if (c < 0 || c > CPULIST_MAX_CPU)
			return kt_diag_set(d, EINVAL, "CPU list element %zu is not a CPU number", i);
		if (cpulist_add(cl, (unsigned)c) < 0)
			return kt_diag_set(d, ENOMEM, "out of memory");
	}
	return 0;
}
