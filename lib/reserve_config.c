// SPDX-License-Identifier: GPL-2.0
/*
 * reserve_config_load(): the one place where the reservation options meet
 * the environment, so ktstr-cgroup, ktstr-vm and the test helpers all apply
 * the same rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "reserve.h"

static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static int env_bool(const char *name, bool *out, struct kt_diag *d)
{
	const char *v = env_value(name);
	struct kt_diag pd;
	int b;

	if (!v)
		return 0;
	if (parse_bool(v, &b, &pd) < 0)
		return kt_diag_set(d, EINVAL, "%s: %s", name, pd.msg);
	*out = b;
	return 0;
}

/* src names where the value came from: "--cpu-cap" or "KTSTR_CPU_CAP". */
static int cap_value(const char *src, const char *v, unsigned *out, struct kt_diag *d)
{
	struct kt_diag pd;
	unsigned n;

	if (parse_uint(v, 0, CPULIST_MAX_CPU + 1, &n, &pd) < 0)
		return kt_diag_set(d, EINVAL, "%s: %s", src, pd.msg);
	if (n == 0)
		return kt_diag_set(d, EINVAL, "%s must be at least 1 CPU (got 0)", src);
	*out = n;
	return 0;
}

static int timeout_value(const char *src, const char *v, uint64_t *out, struct kt_diag *d)
{
	struct kt_diag pd;

	if (parse_duration_ns(v, 0, RESERVE_TIMEOUT_MAX_NS, out, &pd) < 0)
		return kt_diag_set(d, EINVAL, "%s: %s", src, pd.msg);
	return 0;
}

/* cap_src is "--cpu-cap " or "KTSTR_CPU_CAP=", so messages quote the setting as given. */
static int check_rules(const struct reserve_config *c, const char *cap_src, struct kt_diag *d)
{
	if (!c->cpu_cap)
		return 0;
	if (!c->no_perf)
		return kt_diag_set(d, EINVAL,
				   "%s%u requires no-perf mode (--no-perf-mode or "
				   "KTSTR_NO_PERF_MODE=1): perf mode already holds whole LLCs "
				   "exclusively",
				   cap_src, c->cpu_cap);
	if (c->bypass)
		return kt_diag_set(d, EINVAL,
				   "%s%u and KTSTR_BYPASS_LLC_LOCKS=1 are mutually exclusive: a cap "
				   "is a reservation and the bypass takes none; unset one",
				   cap_src, c->cpu_cap);
	return 0;
}

int reserve_config_load(struct reserve_config *c, const struct reserve_flags *f,
			struct kt_diag *d)
{
	const char *cap_src = "--cpu-cap ", *v;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = env_bool("KTSTR_NO_PERF_MODE", &c->no_perf, d);
	if (rc == 0)
		rc = env_bool("KTSTR_BYPASS_LLC_LOCKS", &c->bypass, d);
	if (rc < 0)
		return rc;
	if (f->no_perf)
		c->no_perf = true;
	if (f->cpu_cap)
		rc = cap_value("--cpu-cap", f->cpu_cap, &c->cpu_cap, d);
	else if ((v = env_value("KTSTR_CPU_CAP"))) {
		cap_src = "KTSTR_CPU_CAP=";
		rc = cap_value("KTSTR_CPU_CAP", v, &c->cpu_cap, d);
	}
	if (rc < 0)
		return rc;
	if (f->lock_timeout)
		rc = timeout_value("--lock-timeout", f->lock_timeout, &c->timeout_ns, d);
	else if ((v = env_value("KTSTR_LOCK_TIMEOUT")))
		rc = timeout_value("KTSTR_LOCK_TIMEOUT", v, &c->timeout_ns, d);
	if (rc < 0)
		return rc;
	return check_rules(c, cap_src, d);
}
