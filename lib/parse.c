// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

static int digits_only(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct kt_diag *d)
{
	unsigned long long v;
	char *end;

	if (!s || !digits_only(s))
		return kt_diag_set(d, EINVAL, "'%s' is not a non-negative integer", s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || v < min || v > max)
		return kt_diag_set(d, ERANGE, "'%s' is out of range %llu..%llu", s,
				   (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, struct kt_diag *d)
{
	long long v;
	const char *p = s;
	char *end;

	if (p && *p == '-')
		p++;
	if (!s || !digits_only(p))
		return kt_diag_set(d, EINVAL, "'%s' is not an integer", s ? s : "");
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || v < min || v > max)
		return kt_diag_set(d, ERANGE, "'%s' is out of range %lld..%lld", s, (long long)min,
				   (long long)max);
	*out = v;
	return 0;
}

int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out, struct kt_diag *d)
{
	uint64_t v;
	int rc = parse_u64(s, min, max, &v, d);

	if (!rc)
		*out = (unsigned)v;
	return rc;
}

int parse_int(const char *s, int min, int max, int *out, struct kt_diag *d)
{
	int64_t v;
	int rc = parse_i64(s, min, max, &v, d);

	if (!rc)
		*out = (int)v;
	return rc;
}

/* Accepts [-]digits[.digits]; no exponents, no hex, no inf/nan. */
static int decimal_prefix(const char *s, double *out, const char **end)
{
	const char *p = s;
	int ndig = 0;

	if (*p == '-')
		p++;
	while (isdigit((unsigned char)*p))
		p++, ndig++;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++, ndig++;
	}
	if (!ndig)
		return -EINVAL;
	*out = strtod(s, NULL);
	*end = p;
	return 0;
}

int parse_double(const char *s, double min, double max, double *out, struct kt_diag *d)
{
	const char *end;
	double v;

	/* %.15g: the bounds as a reader may type them back, never "1e+12" */
	if (!s || decimal_prefix(s, &v, &end) < 0 || *end)
		return kt_diag_set(d, EINVAL,
				   "'%s' is not a decimal number (digits with an optional point) "
				   "in %.15g..%.15g",
				   s ? s : "", min, max);
	if (!isfinite(v) || v < min || v > max)
		return kt_diag_set(d, ERANGE, "'%s' is out of range %.15g..%.15g", s, min, max);
	*out = v;
	return 0;
}

struct unit {
	const char *name;
	double mult;
};

static const struct unit duration_units[] = {
	{ "ns", 1.0 },	  { "us", 1e3 },   { "ms", 1e6 },    { "s", 1e9 },
	{ "m", 60e9 },	  { "h", 3600e9 }, { "d", 86400e9 }, { NULL, 0 },
};

static const struct unit size_units[] = {
	{ "", 1.0 },	   { "B", 1.0 },	     { "K", 1024.0 },
	{ "KB", 1024.0 }, { "KiB", 1024.0 },	     { "M", 1048576.0 },
	{ "MB", 1048576.0 }, { "MiB", 1048576.0 },  { "G", 1073741824.0 },
	{ "GB", 1073741824.0 }, { "GiB", 1073741824.0 }, { "T", 1099511627776.0 },
	{ "TB", 1099511627776.0 }, { "TiB", 1099511627776.0 }, { NULL, 0 },
};

/*
 * v in the largest unit of the table that divides it evenly (the first
 * unit is 1, and the first name of a multiplier wins), so a range reads as
 * it is typed: "10ms..24h", "1M..16G".
 */
static const char *fmt_unit(uint64_t v, const struct unit *units, char *buf, size_t size)
{
	const struct unit *best = units;

	if (!v)
		return "0";
	for (; units->name; units++)
		if (units->mult > best->mult && v % (uint64_t)units->mult == 0)
			best = units;
	snprintf(buf, size, "%llu%s", (unsigned long long)(v / (uint64_t)best->mult), best->name);
	return buf;
}

static int out_of_range(struct kt_diag *d, const char *what, const char *s, uint64_t min,
			uint64_t max, const struct unit *units)
{
	char lo[32], hi[32];

	return kt_diag_set(d, ERANGE, "%s '%s' is out of range %s..%s", what, s,
			   fmt_unit(min, units, lo, sizeof(lo)), fmt_unit(max, units, hi, sizeof(hi)));
}

/* Length of the longest unit name that starts p, or -1 when none does. */
static int match_unit(const char *p, const struct unit *units, double *mult)
{
	int best = -1, n;

	for (; units->name; units++) {
		n = (int)strlen(units->name);
		if (n > best && !strncmp(p, units->name, n)) {
			best = n;
			*mult = units->mult;
		}
	}
	return best;
}

int parse_duration_ns(const char *s, uint64_t min_ns, uint64_t max_ns, uint64_t *out,
		      struct kt_diag *d)
{
	const char *p = s, *end;
	double total = 0, v, mult;
	int ulen, terms = 0;

	if (!s)
		return kt_diag_set(d, EINVAL, "missing duration");
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '-' || decimal_prefix(p, &v, &end) < 0)
			goto bad;
		p = end;
		ulen = match_unit(p, duration_units, &mult);
		if (ulen < 0) {
			/* a bare number is seconds, but only as the whole string */
			if (*p || terms)
				goto bad;
			mult = 1e9;
		} else {
			p += ulen;
		}
		total += v * mult;
		terms++;
	}
	if (!terms)
		goto bad;
	if (!isfinite(total) || total < (double)min_ns || total > (double)max_ns)
		return out_of_range(d, "duration", s, min_ns, max_ns, duration_units);
	*out = (uint64_t)(total + 0.5);
	if (*out < min_ns || *out > max_ns)
		return out_of_range(d, "duration", s, min_ns, max_ns, duration_units);
	return 0;
bad:
	return kt_diag_set(d, EINVAL, "'%s' is not a duration (examples: 500ms, 2s, 5m, 1h30m)", s);
}

int parse_size_bytes(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct kt_diag *d)
{
	const char *end;
	double v, mult = 1.0;
	int ulen;

	if (!s || *s == '-' || decimal_prefix(s, &v, &end) < 0)
		goto bad;
	ulen = match_unit(end, size_units, &mult);
	if (ulen < 0 || end[ulen])
		goto bad;
	v *= mult;
	if (!isfinite(v) || v < (double)min || v > (double)max)
		return out_of_range(d, "size", s, min, max, size_units);
	*out = (uint64_t)v;
	return 0;
bad:
	return kt_diag_set(d, EINVAL, "'%s' is not a size (examples: 4096, 64K, 2M, 1G)",
			   s ? s : "");
}

int parse_bool(const char *s, int *out, struct kt_diag *d)
{
	static const char *yes[] = { "1", "true", "yes", "on" };
	static const char *no[] = { "0", "false", "no", "off", "" };
	unsigned i;

	for (i = 0; s && i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!strcasecmp(s, yes[i]))
			return *out = 1, 0;
	for (i = 0; s && i < sizeof(no) / sizeof(no[0]); i++)
		if (!strcasecmp(s, no[i]))
			return *out = 0, 0;
	return kt_diag_set(d, EINVAL, "'%s' is not a boolean (use 1 or 0)", s ? s : "");
}
