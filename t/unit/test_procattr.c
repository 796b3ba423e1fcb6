// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procattr.h"
#include "unit.h"

static void test_policy_parse_and_format(void)
{
	static const char *const ok[] = { "normal", "batch", "idle", "fifo:1", "rr:99" };
	struct procattr_policy p;
	struct kt_diag d;
	char buf[32];
	unsigned i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK(procattr_policy_parse(&p, ok[i], &d) == 0);
		procattr_policy_format(&p, buf, sizeof(buf));
		CHECK_STR(buf, ok[i]);
	}
	CHECK(procattr_policy_parse(&p, "fifo:7", &d) == 0 && p.policy == SCHED_FIFO &&
	      p.prio == 7);
	CHECK(procattr_policy_parse(&p, "fifo", &d) == -EINVAL);
	CHECK(procattr_policy_parse(&p, "fifo:0", &d) == -EINVAL);
	CHECK(procattr_policy_parse(&p, "rr:100", &d) == -EINVAL);
	CHECK(procattr_policy_parse(&p, "normal:1", &d) == -EINVAL);
	CHECK(procattr_policy_parse(&p, "deadline", &d) == -EINVAL);
	CHECK(strstr(d.msg, "deadline") != NULL);
}

/* Applied to a child, so the test process keeps its own attributes. */
static void test_apply_to_a_child(void)
{
	struct procattr_policy p = { SCHED_BATCH, 0 };
	struct cpulist one;
	cpu_set_t set;
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK(procattr_policy_apply(pid, &p) == 0);
	CHECK(sched_getscheduler(pid) == SCHED_BATCH);
	CHECK(procattr_nice_apply(pid, 7) == 0);
	errno = 0;
	CHECK(getpriority(PRIO_PROCESS, (id_t)pid) == 7);
	cpulist_init(&one);
	cpulist_add(&one, 0);
	CHECK(procattr_affinity_apply(pid, &one) == 0);
	CHECK(sched_getaffinity(pid, sizeof(set), &set) == 0 && CPU_COUNT(&set) == 1 &&
	      CPU_ISSET(0, &set));
	cpulist_release(&one);
	CHECK(procattr_affinity_apply(pid, &one) == -EINVAL);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static void test_mempolicy_json(void)
{
	struct procattr_mempolicy mp;
	struct kt_diag d;
	json_t *j;

	CHECK(procattr_mempolicy_from_json(&mp, NULL, &d) == 0 && mp.mode == MPOL_MODE_DEFAULT);
	j = json_pack("{s:s, s:[i,i]}", "mode", "bind", "nodes", 0, 65);
	CHECK(procattr_mempolicy_from_json(&mp, j, &d) == 0 && mp.mode == MPOL_MODE_BIND);
	CHECK(mp.nodes[0] == 1 && mp.nodes[1] == 2);
	json_decref(j);
	j = json_pack("{s:s}", "mode", "local");
	CHECK(procattr_mempolicy_from_json(&mp, j, &d) == 0 && mp.mode == MPOL_MODE_LOCAL);
	json_decref(j);
	j = json_pack("{s:s, s:[i]}", "mode", "spread", "nodes", 0);
	CHECK(procattr_mempolicy_from_json(&mp, j, &d) == -EINVAL);
	json_decref(j);
	j = json_pack("{s:s, s:[i]}", "mode", "bind", "nodes", -1);
	CHECK(procattr_mempolicy_from_json(&mp, j, &d) == -ERANGE);
	json_decref(j);
}

int main(void)
{
	RUN(test_policy_parse_and_format);
	RUN(test_apply_to_a_child);
	RUN(test_mempolicy_json);
	return unit_done();
}
