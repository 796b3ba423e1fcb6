// SPDX-License-Identifier: GPL-2.0
/*
 * Reservations: option and environment rules, then real locks in a
 * temporary $KTSTR_LOCK_DIR over the desktop-2llc-smt fixture topology
 * (LLC 0 = CPUs 2,3,6,7; LLC 1 = CPUs 0,1,4,5).  Several reservations in
 * one process conflict exactly as separate processes do, because flock
 * locks belong to open file descriptions.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktime.h"
#include "reserve.h"
#include "sig.h"
#include "unit.h"

static char dir[64];
static struct topo topo;
static struct cpulist all;

static void clear_env(void)
{
	unsetenv("KTSTR_NO_PERF_MODE");
	unsetenv("KTSTR_CPU_CAP");
	unsetenv("KTSTR_BYPASS_LLC_LOCKS");
	unsetenv("KTSTR_LOCK_TIMEOUT");
}

static int load_cfg(struct reserve_config *c, bool no_perf, const char *cap, const char *timeout,
		    struct kt_diag *d)
{
	struct reserve_flags f = { no_perf, cap, timeout };

	return reserve_config_load(c, &f, d);
}

static void config_fails(bool no_perf, const char *cap, const char *needle)
{
	struct reserve_config c;
	struct kt_diag d = { "" };

	CHECK(load_cfg(&c, no_perf, cap, NULL, &d) == -EINVAL);
	CHECK(strstr(d.msg, needle) != NULL);
	if (!strstr(d.msg, needle))
		printf("# diag: %s\n", d.msg);
}

static void test_config_from_flags_and_env(void)
{
	struct reserve_config c;
	struct kt_diag d;

	clear_env();
	CHECK(load_cfg(&c, false, NULL, NULL, &d) == 0);
	CHECK(!c.no_perf && !c.cpu_cap && !c.bypass && c.timeout_ns == 0);
	CHECK(load_cfg(&c, true, "4", "1.5s", &d) == 0);
	CHECK(c.no_perf && c.cpu_cap == 4 && c.timeout_ns == 1500 * KTIME_NS_PER_MS);
	setenv("KTSTR_NO_PERF_MODE", "1", 1);
	setenv("KTSTR_CPU_CAP", "2", 1);
	setenv("KTSTR_LOCK_TIMEOUT", "100ms", 1);
	CHECK(load_cfg(&c, false, NULL, NULL, &d) == 0);
	CHECK(c.no_perf && c.cpu_cap == 2 && c.timeout_ns == 100 * KTIME_NS_PER_MS);
	/* a flag wins over its variable */
	CHECK(load_cfg(&c, false, "3", "2s", &d) == 0);
	CHECK(c.cpu_cap == 3 && c.timeout_ns == 2 * KTIME_NS_PER_SEC);
	/* "0" means off, unlike the reference, where any value meant on */
	setenv("KTSTR_NO_PERF_MODE", "0", 1);
	setenv("KTSTR_CPU_CAP", "", 1);
	CHECK(load_cfg(&c, false, NULL, NULL, &d) == 0);
	CHECK(!c.no_perf && c.cpu_cap == 0);
	clear_env();
}

static void test_config_rules_are_named(void)
{
	clear_env();
	config_fails(true, "0", "--cpu-cap must be at least 1 CPU (got 0)");
	config_fails(true, "x", "--cpu-cap: ");
	config_fails(false, "2", "--cpu-cap 2 requires no-perf mode");
	setenv("KTSTR_CPU_CAP", "2", 1);
	config_fails(false, NULL, "KTSTR_CPU_CAP=2 requires no-perf mode");
	setenv("KTSTR_BYPASS_LLC_LOCKS", "1", 1);
	config_fails(true, NULL, "KTSTR_CPU_CAP=2 and KTSTR_BYPASS_LLC_LOCKS=1 are mutually exclusive");
	unsetenv("KTSTR_CPU_CAP");
	setenv("KTSTR_NO_PERF_MODE", "maybe", 1);
	config_fails(false, NULL, "KTSTR_NO_PERF_MODE: 'maybe' is not a boolean");
	clear_env();
	setenv("KTSTR_LOCK_TIMEOUT", "forever", 1);
	config_fails(false, NULL, "KTSTR_LOCK_TIMEOUT: ");
	clear_env();
}

static struct reserve_config cfg(bool no_perf, unsigned cap, uint64_t timeout_ns)
{
	return (struct reserve_config){ .no_perf = no_perf, .cpu_cap = cap,
					.timeout_ns = timeout_ns };
}

static int take(struct reserve *r, struct reserve_config c, enum reserve_mode ex, unsigned count,
		struct kt_diag *d)
{
	struct reserve_request q = { .exclusive = ex, .count = count, .allowed = &all };

	return reserve_acquire(r, &c, &topo, &q, d);
}

static void cpus_are(const struct reserve *r, const char *want)
{
	char *s = cpulist_format(&r->cpus);

	CHECK_STR(s, want);
	free(s);
}

static void test_perf_excludes_everyone(void)
{
	struct reserve a, b;
	struct kt_diag d = { "" };
	char needle[32];

	reserve_init(&a);
	reserve_init(&b);
	CHECK(take(&a, cfg(false, 0, 0), RESERVE_LLCS, 0, &d) == 0);
	CHECK(a.mode == RESERVE_LLCS && a.nfds == 2);
	cpus_are(&a, "0-7");
	CHECK(take(&b, cfg(false, 0, 0), RESERVE_LLCS, 1, &d) == -EBUSY);
	/* the message names the holder: this very process */
	snprintf(needle, sizeof(needle), "pid %d '", (int)getpid());
	CHECK(strstr(d.msg, needle) != NULL);
	CHECK(strstr(d.msg, "cannot reserve 1 whole LLC (perf mode)") == d.msg);
	CHECK(strstr(d.msg, "'ktstr locks'") != NULL);
	CHECK(b.nfds == 0 && b.cpus.n == 0);
	CHECK(take(&b, cfg(true, 0, 0), RESERVE_LLCS, 0, &d) == -EBUSY);
	CHECK(strstr(d.msg, "(no-perf mode)") != NULL);
	reserve_release(&a);
	CHECK(a.nfds == 0);
	CHECK(take(&b, cfg(false, 0, 0), RESERVE_LLCS, 1, &d) == 0);
	cpus_are(&b, "2-3,6-7");
	reserve_release(&b);
}

static void test_no_perf_runs_share(void)
{
	struct reserve a, b, c;
	struct kt_diag d;

	reserve_init(&a);
	reserve_init(&b);
	reserve_init(&c);
	CHECK(take(&a, cfg(true, 3, 0), RESERVE_LLCS, 0, &d) == 0);
	CHECK(a.mode == RESERVE_SHARED);
	cpus_are(&a, "2-3,6");
	CHECK(take(&b, cfg(true, 3, 0), RESERVE_LLCS, 0, &d) == 0);
	cpus_are(&b, "2-3,6");
	/* perf mode can still have the LLC nobody shares */
	CHECK(take(&c, cfg(false, 0, 0), RESERVE_LLCS, 1, &d) == 0);
	cpus_are(&c, "0-1,4-5");
	reserve_release(&c);
	reserve_release(&b);
	reserve_release(&a);
}

/* Per-CPU mode takes CPUs one by one and the next run gets others. */
static void test_cpu_mode_avoids_busy_cpus(void)
{
	struct reserve a, b, c;
	struct kt_diag d = { "" };

	reserve_init(&a);
	reserve_init(&b);
	reserve_init(&c);
	CHECK(take(&a, cfg(false, 0, 0), RESERVE_CPUS, 3, &d) == 0);
	cpus_are(&a, "2-3,6");
	CHECK(a.nfds == 4); /* LLC 0 shared + three CPUs */
	CHECK(take(&b, cfg(false, 0, 0), RESERVE_CPUS, 3, &d) == 0);
	cpus_are(&b, "0-1,7");
	CHECK(take(&c, cfg(false, 0, 0), RESERVE_CPUS, 3, &d) == -EBUSY);
	CHECK(strstr(d.msg, "CPU ") != NULL);
	CHECK(take(&c, cfg(false, 0, 0), RESERVE_LLCS, 1, &d) == -EBUSY);
	reserve_release(&b);
	reserve_release(&a);
}

/* A child holds LLC 0 for a while: fail at once, then wait it out. */
static void test_waits_up_to_the_timeout(void)
{
	struct reserve r;
	struct kt_diag d = { "" };
	struct reserve_config c = cfg(false, 0, 0);
	int pfd[2], status;
	pid_t pid;
	char ch;

	reserve_init(&r);
	CHECK(pipe(pfd) == 0);
	pid = fork();
	if (pid == 0) {
		struct reserve mine;

		reserve_init(&mine);
		if (take(&mine, c, RESERVE_LLCS, 2, &d) < 0 || write(pfd[1], "x", 1) != 1)
			_exit(1);
		usleep(300 * 1000);
		_exit(0);
	}
	CHECK(read(pfd[0], &ch, 1) == 1);
	CHECK(take(&r, c, RESERVE_LLCS, 1, &d) == -EBUSY);
	CHECK(strstr(d.msg, "gave up after") != NULL);
	c.timeout_ns = 60 * KTIME_NS_PER_SEC; /* the child lets go after 300 ms */
	CHECK(take(&r, c, RESERVE_LLCS, 1, &d) == 0);
	reserve_release(&r);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(pfd[0]);
	close(pfd[1]);
}

static void test_bypass_takes_nothing(void)
{
	struct reserve a, b;
	struct reserve_config c = cfg(false, 0, 0);
	struct kt_diag d;

	reserve_init(&a);
	reserve_init(&b);
	CHECK(take(&a, c, RESERVE_LLCS, 0, &d) == 0);
	c.bypass = true;
	CHECK(take(&b, c, RESERVE_LLCS, 0, &d) == 0);
	CHECK(b.bypassed && b.nfds == 0);
	cpus_are(&b, "0-7");
	CHECK(strstr(b.warning, "KTSTR_BYPASS_LLC_LOCKS") != NULL);
	reserve_release(&b);
	reserve_release(&a);
}

static void test_refusals(void)
{
	struct reserve r;
	struct reserve_config c = cfg(true, 9, 0);
	struct reserve_request q = { .allowed = &all };
	struct topo syn;
	struct topo_spec spec = { 1, 1, 2, 1 };
	struct kt_diag d = { "" };

	reserve_init(&r);
	CHECK(reserve_acquire(&r, &c, &topo, &q, &d) == -ERANGE);
	CHECK(strstr(d.msg, "wants 9 CPUs, but this process may only use 8") != NULL);
	topo_init(&syn);
	CHECK(topo_synthetic(&syn, &spec, &d) == 0);
	CHECK(reserve_acquire(&r, &c, &syn, &q, &d) == -EINVAL);
	CHECK(strstr(d.msg, "synthetic") != NULL);
	topo_release(&syn);
	CHECK(r.nfds == 0);
}

static void test_json(void)
{
	struct reserve r;
	struct kt_diag d;
	json_t *o;
	char *s;

	reserve_init(&r);
	CHECK(take(&r, cfg(true, 5, 0), RESERVE_LLCS, 0, &d) == 0);
	o = reserve_to_json(&r);
	s = json_dumps(o, JSON_COMPACT);
	CHECK(s && strstr(s, "\"mode\":\"no-perf\",\"bypassed\":false,\"cpus\":[0,2,3,6,7],"
			     "\"mems\":[0],\"llcs\":[0,1]") != NULL);
	free(s);
	json_decref(o);
	reserve_release(&r);
}

/* Last: a stop request cannot be taken back. */
static void test_stop_signal_ends_the_wait(void)
{
	struct reserve a, b;
	struct kt_diag d = { "" };

	reserve_init(&a);
	reserve_init(&b);
	CHECK(take(&a, cfg(false, 0, 0), RESERVE_LLCS, 0, &d) == 0);
	kt_stop_request(SIGINT);
	CHECK(take(&b, cfg(false, 0, 3600 * KTIME_NS_PER_SEC), RESERVE_LLCS, 0, &d) == -EINTR);
	CHECK(strstr(d.msg, "interrupted") != NULL);
	reserve_release(&a);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

int main(void)
{
	struct kt_diag d;

	snprintf(dir, sizeof(dir), "/tmp/ktstr-unit-reserve.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	setenv("KTSTR_LOCK_DIR", dir, 1);
	topo_init(&topo);
	cpulist_init(&all);
	if (topo_load_sysfs(&topo, "t/fixtures/topo/desktop-2llc-smt/sys", &d) < 0 ||
	    cpulist_parse(&all, "0-7", CPULIST_STRICT, &d) < 0)
		return 1;
	RUN(test_config_from_flags_and_env);
	RUN(test_config_rules_are_named);
	RUN(test_perf_excludes_everyone);
	RUN(test_no_perf_runs_share);
	RUN(test_cpu_mode_avoids_busy_cpus);
	RUN(test_waits_up_to_the_timeout);
	RUN(test_bypass_takes_nothing);
	RUN(test_refusals);
	RUN(test_json);
	RUN(test_stop_signal_ends_the_wait);
	topo_release(&topo);
	cpulist_release(&all);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return unit_done();
}
