// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runplan.h"
#include "unit.h"

static char dir[] = "/tmp/ktstr-test-runplan.XXXXXX";
static char sched[256];

/* The stage's argv joined with spaces, for comparing. */
static const char *joined(const struct runplan *p, size_t i)
{
	static char buf[2048];
	char **a;
	size_t n = 0;

	buf[0] = '\0';
	for (a = p->stage[i]; a && *a; a++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? " " : "", *a);
	return buf;
}

static int build(struct runplan *p, char **cg, char **chk, char **own, struct kt_diag *d)
{
	runplan_init(p);
	for (; cg && *cg; cg++)
		runplan_add(p, RUNPLAN_CGROUP, *cg);
	for (; chk && *chk; chk++)
		runplan_add(p, RUNPLAN_CHECK, *chk);
	for (; own && *own; own++)
		runplan_add(p, RUNPLAN_OWN, *own);
	return runplan_build(p, "/usr/bin/ktstr", d);
}

static void test_host_pipeline(void)
{
	char *cg[] = { "--filter", "steady", NULL }, *chk[] = { "--json", NULL };
	struct runplan p;
	struct kt_diag d;

	CHECK(build(&p, cg, chk, NULL, &d) == 0);
	CHECK(p.host && p.nstage == 4);
	CHECK_STR(joined(&p, 0), "ktstr-topo");
	CHECK_STR(joined(&p, 1), "ktstr-cgroup run --filter steady");
	CHECK_STR(joined(&p, 2), "ktstr-work");
	CHECK_STR(joined(&p, 3), "ktstr-check --json");
	runplan_release(&p);
}

static void test_stream_drops_the_judge(void)
{
	char *cg[] = { "--duration", "5", NULL }, *own[] = { "--stream", NULL };
	char *chk[] = { "--tap", NULL };
	struct runplan p;
	struct kt_diag d;

	CHECK(build(&p, cg, NULL, own, &d) == 0);
	CHECK(p.nstage == 3);
	CHECK_STR(joined(&p, 2), "ktstr-work");
	runplan_release(&p);
	CHECK(build(&p, cg, chk, own, &d) == -EINVAL);
	CHECK(strstr(d.msg, "--stream") && strstr(d.msg, "'--tap'"));
	runplan_release(&p);
}

static void test_vm_with_a_scheduler(void)
{
	char *cg[] = { "--duration", "5", "--filter", "a b", NULL };
	char *own[] = { "--kernel", "6.12", "--scheduler", sched, "--scheduler-arg", "-f",
			"--topology=1,2,2,1", NULL };
	char want[1024];
	struct runplan p;
	struct kt_diag d;

	CHECK(build(&p, cg, NULL, own, &d) == 0);
	CHECK(!p.host && p.nstage == 2);
	snprintf(want, sizeof(want),
		 "ktstr-vm --kernel 6.12 --topology 1,2,2,1 --idle-timeout 130s -i %s --exec "
		 "ktstr-sched --scheduler /include-files/scx_fake --arg -f --label "
		 "topology=1,2,2,1 -- ktstr run --stream --duration 5 --filter 'a b'",
		 sched);
	CHECK_STR(joined(&p, 0), want);
	CHECK_STR(joined(&p, 1), "ktstr-check");
	runplan_release(&p);
}

static void test_vm_defaults_and_timeout(void)
{
	char *own[] = { "--kernel", "k", "--timeout", "10m", NULL };
	char *own2[] = { "--kernel", "k", NULL };
	struct runplan p;
	struct kt_diag d;

	CHECK(build(&p, NULL, NULL, own, &d) == 0);
	CHECK_STR(joined(&p, 0), "ktstr-vm --kernel k --topology 1,1,1,1 --idle-timeout 10m "
				 "--exec ktstr run --stream");
	runplan_release(&p);
	CHECK(build(&p, NULL, NULL, own2, &d) == 0); /* 2 x 20 s + 120 s */
	CHECK(strstr(joined(&p, 0), "--idle-timeout 160s") != NULL);
	runplan_release(&p);
}

static void test_vm_reserves_host_cpus_not_guest_ones(void)
{
	char *cg[] = { "--no-perf-mode", "--cpu-cap", "2", "--filter", "x", "--lock-timeout=5s", NULL };
	char *own[] = { "--kernel", "k", "--timeout", "1m", NULL };
	struct runplan p;
	struct kt_diag d;

	CHECK(build(&p, cg, NULL, own, &d) == 0);
	CHECK_STR(joined(&p, 0), "ktstr-vm --kernel k --topology 1,1,1,1 --idle-timeout 1m "
				 "--no-perf-mode --cpu-cap 2 --lock-timeout=5s "
				 "--exec ktstr run --stream --filter x");
	runplan_release(&p);
	CHECK(build(&p, cg, NULL, NULL, &d) == 0); /* on the host they are the run's */
	CHECK_STR(joined(&p, 1), "ktstr-cgroup run --no-perf-mode --cpu-cap 2 --filter x "
				 "--lock-timeout=5s");
	runplan_release(&p);
}

static void test_host_scheduler_runs_ktstr_again(void)
{
	char *cg[] = { "--scenario", "x", NULL };
	char *own[] = { "--scheduler", "scx_fake", "--attach-timeout", "40s", NULL };
	char want[512];
	struct runplan p;
	struct kt_diag d;

	CHECK(build(&p, cg, NULL, own, &d) == 0); /* by name, from KTSTR_SCHED_DIR */
	CHECK(p.host && p.nstage == 2);
	snprintf(want, sizeof(want), "ktstr-sched --scheduler %s --attach-timeout 40s -- "
				     "/usr/bin/ktstr run --stream --scenario x", sched);
	CHECK_STR(joined(&p, 0), want);
	runplan_release(&p);
}

static void test_bad_combinations(void)
{
	char *topo[] = { "--topology", "1,1,1,1", NULL }, *arg[] = { "--scheduler-arg", "x", NULL };
	char *twice[] = { "--kernel", "a", "--kernel", "b", NULL };
	char *missing[] = { "--scheduler", "no-such-scheduler", NULL };
	char *badtopo[] = { "--kernel", "k", "--topology", "2,3,1,1", NULL };
	char *novalue[] = { "--kernel", NULL };
	struct runplan p;
	struct kt_diag d;

	CHECK(build(&p, NULL, NULL, topo, &d) == -EINVAL && strstr(d.msg, "needs --kernel"));
	runplan_release(&p);
	CHECK(build(&p, NULL, NULL, arg, &d) == -EINVAL && strstr(d.msg, "needs --scheduler"));
	runplan_release(&p);
	CHECK(build(&p, NULL, NULL, twice, &d) == -EINVAL && strstr(d.msg, "more than once"));
	runplan_release(&p);
	CHECK(build(&p, NULL, NULL, missing, &d) < 0 && strstr(d.msg, dir));
	runplan_release(&p);
	CHECK(build(&p, NULL, NULL, badtopo, &d) == -EINVAL && strstr(d.msg, "--topology"));
	runplan_release(&p);
	CHECK(build(&p, NULL, NULL, novalue, &d) == -EINVAL && strstr(d.msg, "needs a value"));
	runplan_release(&p);
}

int main(void)
{
	char cmd[300];
	FILE *f;

	if (!mkdtemp(dir))
		return 1;
	snprintf(sched, sizeof(sched), "%s/scx_fake", dir);
	f = fopen(sched, "w");
	fputs("#!/bin/sh\n", f);
	fclose(f);
	chmod(sched, 0755);
	setenv("KTSTR_SCHED_DIR", dir, 1);
	RUN(test_host_pipeline);
	RUN(test_stream_drops_the_judge);
	RUN(test_vm_with_a_scheduler);
	RUN(test_vm_defaults_and_timeout);
	RUN(test_vm_reserves_host_cpus_not_guest_ones);
	RUN(test_host_scheduler_runs_ktstr_again);
	RUN(test_bad_combinations);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? unit_done() : 1;
}
