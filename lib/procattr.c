// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "parse.h"
#include "procattr.h"

/* The kernel's MPOL_* values (linux/mempolicy.h), without needing libnuma. */
enum { K_MPOL_PREFERRED = 1, K_MPOL_BIND = 2, K_MPOL_INTERLEAVE = 3, K_MPOL_LOCAL = 4 };

static const struct {
	const char *name;
	int policy;
	int rt; /* takes a priority */
} policies[] = {
	{ "normal", SCHED_OTHER, 0 }, { "batch", SCHED_BATCH, 0 }, { "idle", SCHED_IDLE, 0 },
	{ "fifo", SCHED_FIFO, 1 },    { "rr", SCHED_RR, 1 },
};

#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))

int procattr_policy_parse(struct procattr_policy *p, const char *s, struct kt_diag *d)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s), i;
	struct kt_diag pd;
	unsigned prio;

	for (i = 0; i < NPOLICIES; i++)
		if (strlen(policies[i].name) == len && !strncmp(s, policies[i].name, len))
			break;
	if (i == NPOLICIES)
		return kt_diag_set(d, EINVAL,
				   "unknown policy '%s' (normal, batch, idle, fifo:P, rr:P)", s);
	if (!policies[i].rt) {
		if (colon)
			return kt_diag_set(d, EINVAL, "policy '%s' takes no priority", s);
		p->policy = policies[i].policy;
		p->prio = 0;
		return 0;
	}
	if (!colon)
		return kt_diag_set(d, EINVAL, "policy '%s' needs a priority, e.g. '%s:1'", s,
				   policies[i].name);
	if (parse_uint(colon + 1, 1, 99, &prio, &pd) < 0)
		return kt_diag_set(d, EINVAL, "policy '%s': priority %s", s, pd.msg);
	p->policy = policies[i].policy;
	p->prio = (int)prio;
	return 0;
}

void procattr_policy_format(const struct procattr_policy *p, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < NPOLICIES; i++) {
		if (policies[i].policy != p->policy)
			continue;
		if (policies[i].rt)
			snprintf(buf, size, "%s:%d", policies[i].name, p->prio);
		else
			snprintf(buf, size, "%s", policies[i].name);
		return;
	}
	snprintf(buf, size, "unknown");
}

int procattr_policy_apply(pid_t pid, const struct procattr_policy *p)
{
	struct sched_param sp = { .sched_priority = p->prio };

	return sched_setscheduler(pid, p->policy, &sp) < 0 ? -errno : 0;
}

int procattr_nice_apply(pid_t pid, int nice)
{
	return setpriority(PRIO_PROCESS, (id_t)pid, nice) < 0 ? -errno : 0;
}

int procattr_affinity_apply(pid_t pid, const struct cpulist *cpus)
{
	cpu_set_t *set;
	size_t size, i;
	int rc;

	if (!cpus->n)
		return -EINVAL;
	set = CPU_ALLOC(cpus->cpu[cpus->n - 1] + 1);
	if (!set)
		return -ENOMEM;
	size = CPU_ALLOC_SIZE(cpus->cpu[cpus->n - 1] + 1);
	CPU_ZERO_S(size, set);
	for (i = 0; i < cpus->n; i++)
		CPU_SET_S(cpus->cpu[i], size, set);
	rc = sched_setaffinity(pid, size, set) < 0 ? -errno : 0;
	CPU_FREE(set);
	return rc;
}

static int nodes_from_json(struct procattr_mempolicy *mp, const json_t *arr, struct kt_diag *d)
{
	const size_t bits = 8 * sizeof(unsigned long);
	const json_t *v;
	json_int_t n;
	size_t i;

	if (!json_is_array(arr))
		return kt_diag_set(d, EINVAL, "mempolicy \"nodes\" is not an array");
	json_array_foreach(arr, i, v) {
		n = json_integer_value(v);
		if (!json_is_integer(v) || n < 0 || n >= PROCATTR_MAX_NODES)
			return kt_diag_set(d, ERANGE, "mempolicy node %zu is not in 0..%d", i,
					   PROCATTR_MAX_NODES - 1);
		mp->nodes[n / bits] |= 1ul << (n % bits);
	}
	return 0;
}

int procattr_mempolicy_from_json(struct procattr_mempolicy *mp, const json_t *v,
				 struct kt_diag *d)
{
	static const char *const modes[] = { "default", "bind", "preferred", "interleave",
					     "local" };
	const char *mode;
	size_t i;

	memset(mp, 0, sizeof(*mp));
	if (!v || json_is_null(v))
		return 0;
	mode = json_string_value(json_object_get(v, "mode"));
	if (!mode)
		return kt_diag_set(d, EINVAL, "mempolicy is not {\"mode\":M,\"nodes\":[...]}");
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]) && strcmp(mode, modes[i]); i++)
		;
	if (i == sizeof(modes) / sizeof(modes[0]))
		return kt_diag_set(d, EINVAL,
				   "unknown mempolicy mode '%s' (bind, preferred, interleave, local)",
				   mode);
	mp->mode = (enum procattr_mpol_mode)i;
	if (mp->mode == MPOL_MODE_DEFAULT || mp->mode == MPOL_MODE_LOCAL)
		return 0;
	return nodes_from_json(mp, json_object_get(v, "nodes"), d);
}

int procattr_mempolicy_apply(const struct procattr_mempolicy *mp)
{
	static const int kmode[] = { [MPOL_MODE_BIND] = K_MPOL_BIND,
				     [MPOL_MODE_PREFERRED] = K_MPOL_PREFERRED,
				     [MPOL_MODE_INTERLEAVE] = K_MPOL_INTERLEAVE,
				     [MPOL_MODE_LOCAL] = K_MPOL_LOCAL };
	const unsigned long *mask = mp->mode == MPOL_MODE_LOCAL ? NULL : mp->nodes;
	unsigned long maxnode = mask ? PROCATTR_MAX_NODES + 1 : 0;

	if (mp->mode == MPOL_MODE_DEFAULT)
		return 0;
	return syscall(SYS_set_mempolicy, kmode[mp->mode], mask, maxnode) < 0 ? -errno : 0;
}
