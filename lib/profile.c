// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "suggest.h"

static const struct {
	const char *name;
	unsigned needs; /* flags this flag requires */
} flags[PROFILE_NFLAGS] = {
	{ "llc", 0 },	     { "borrow", 0 },	  { "steal", PROFILE_LLC },
	{ "rebal", 0 },	     { "reject-pin", 0 }, { "no-ctrl", 0 },
};

unsigned profile_flag(const char *name)
{
	unsigned i;

	for (i = 0; i < PROFILE_NFLAGS; i++)
		if (!strcmp(flags[i].name, name))
			return 1u << i;
	return 0;
}

const char *profile_flag_name(unsigned bit)
{
	unsigned i;

	for (i = 0; i < PROFILE_NFLAGS; i++)
		if (bit == 1u << i)
			return flags[i].name;
	return NULL;
}

const char *profile_flag_list(void)
{
	return "llc, borrow, steal, rebal, reject-pin, no-ctrl";
}

static unsigned unmet(unsigned mask)
{
	unsigned i, missing = 0;

	for (i = 0; i < PROFILE_NFLAGS; i++)
		if (mask & (1u << i))
			missing |= flags[i].needs & ~mask;
	return missing;
}

size_t profile_expand(unsigned required, unsigned excluded, unsigned out[PROFILE_MAX])
{
	unsigned opt[PROFILE_NFLAGS], nopt = 0, m, i, cand;
	size_t n = 0;

	for (i = 0; i < PROFILE_NFLAGS; i++)
		if (!((required | excluded) & (1u << i)))
			opt[nopt++] = 1u << i;
	for (m = 0; m < (1u << nopt); m++) {
		cand = required;
		for (i = 0; i < nopt; i++)
			if (m & (1u << i))
				cand |= opt[i];
		if (!unmet(cand))
			out[n++] = cand;
	}
	return n;
}

int profile_name(unsigned mask, char *buf, size_t size)
{
	size_t len = 0;
	unsigned i;
	int n;

	if (size)
		buf[0] = '\0';
	if (!mask) {
		n = snprintf(buf, size, "default");
		return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
	}
	for (i = 0; i < PROFILE_NFLAGS; i++) {
		if (!(mask & (1u << i)))
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len ? "+" : "", flags[i].name);
		if (n < 0 || (size_t)n >= size - len)
			return -ENAMETOOLONG;
		len += (size_t)n;
	}
	return 0;
}

int profile_from_name(const char *name, unsigned *mask)
{
	char canon[PROFILE_NAME_MAX], *copy, *tok, *save = NULL;
	unsigned m = 0, bit;
	int rc = 0;

	if (!strcmp(name, "default")) {
		*mask = 0;
		return 0;
	}
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, "+", &save); tok && !rc; tok = strtok_r(NULL, "+", &save)) {
		bit = profile_flag(tok);
		if (!bit || (m & bit))
			rc = -EINVAL;
		m |= bit;
	}
	free(copy);
	/* only the canonical spelling names a profile */
	if (!rc && (!m || profile_name(m, canon, sizeof(canon)) < 0 || strcmp(canon, name)))
		rc = -EINVAL;
	if (!rc)
		*mask = m;
	return rc;
}

static int unknown_flag(const char *tok, struct kt_diag *d)
{
	static const char *const names[] = { "llc", "borrow", "steal", "rebal", "reject-pin",
					     "no-ctrl", "default" };
	const char *hint = suggest_closest(tok, names, sizeof(names) / sizeof(names[0]));

	if (hint)
		return kt_diag_set(d, EINVAL, "unknown flag '%s' (did you mean '%s'?); valid flags: %s",
				   tok, hint, profile_flag_list());
	return kt_diag_set(d, EINVAL, "unknown flag '%s'; valid flags: %s", tok,
			   profile_flag_list());
}

/* The first flag of mask whose own requirement is missing, as a message. */
static int unmet_msg(unsigned m, struct kt_diag *d)
{
	unsigned i, miss;

	for (i = 0; i < PROFILE_NFLAGS; i++) {
		miss = flags[i].needs & ~m;
		if ((m & (1u << i)) && miss)
			return kt_diag_set(d, EINVAL, "flag '%s' needs flag '%s'", flags[i].name,
					   profile_flag_name(miss & -miss));
	}
	return 0;
}

int profile_parse(unsigned *mask, const char *list, struct kt_diag *d)
{
	char *copy = strdup(list), *tok, *save = NULL;
	unsigned bit, m = *mask, ntok = 0;
	bool dflt = false;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		ntok++;
		if (!strcmp(tok, "default")) {
			dflt = true;
			continue;
		}
		bit = profile_flag(tok);
		if (!bit)
			rc = unknown_flag(tok, d);
		m |= bit;
	}
	free(copy);
	if (!rc && !ntok)
		rc = kt_diag_set(d, EINVAL, "empty flag list; valid flags: %s, or 'default'",
				 profile_flag_list());
	if (!rc && dflt && m)
		rc = kt_diag_set(d, EINVAL, "'default' means no flags; it cannot be combined");
	if (!rc)
		rc = unmet_msg(m, d);
	if (!rc)
		*mask = m;
	return rc;
}

static int name_set(unsigned set, char *buf, size_t size)
{
	char tmp[PROFILE_NAME_MAX];
	size_t i, n;

	profile_name(set, tmp, sizeof(tmp));
	n = snprintf(buf, size, "%s", tmp);
	for (i = 0; i < n && i < size; i++)
		if (buf[i] == '+')
			buf[i] = ',';
	return 0;
}

int profile_check(unsigned mask, unsigned required, unsigned excluded, char *why, size_t size)
{
	char names[PROFILE_NAME_MAX];

	if ((mask & required) != required) {
		name_set(required & ~mask, names, sizeof(names));
		snprintf(why, size, "scenario requires flag%s %s", strchr(names, ',') ? "s" : "",
			 names);
		return -EINVAL;
	}
	if (mask & excluded) {
		name_set(mask & excluded, names, sizeof(names));
		snprintf(why, size, "scenario excludes flag%s %s", strchr(names, ',') ? "s" : "",
			 names);
		return -EINVAL;
	}
	return 0;
}
