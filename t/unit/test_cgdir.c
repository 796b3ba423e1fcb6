// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting for a cgroup v2 directory to empty, on a fake directory whose
 * cgroup.events a thread rewrites (real cgroups are tested as root in bats).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgdir.h"
#include "ktime.h"
#include "unit.h"

static char tmp[] = "/tmp/ktstr-cgdir-XXXXXX";

/* Rewrite in place, same length: a reader never sees the file empty. */
static void write_events(int populated)
{
	char path[PATH_MAX], text[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/cgroup.events", tmp);
	n = snprintf(text, sizeof(text), "populated %d\nfrozen 0\n", populated);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		CHECK(pwrite(fd, text, (size_t)n, 0) == n);
		close(fd);
	}
}

static void *empty_later(void *arg)
{
	(void)arg;
	usleep(100 * 1000);
	write_events(0);
	return NULL;
}

static void test_waits_for_populated_0(void)
{
	uint64_t t0 = ktime_now_ns(), waited;
	pthread_t th;

	write_events(1);
	CHECK(cgdir_is_empty(tmp, true) == 0);
	CHECK(pthread_create(&th, NULL, empty_later, NULL) == 0);
	CHECK(cgdir_wait_empty(tmp, true, t0 + 5 * KTIME_NS_PER_SEC) == 0);
	waited = ktime_now_ns() - t0;
	pthread_join(th, NULL);
	/* it returned because the file changed, neither before nor long after */
	CHECK(waited >= 90 * KTIME_NS_PER_MS);
	CHECK(waited < 2 * KTIME_NS_PER_SEC);
	CHECK(cgdir_is_empty(tmp, true) == 1);
}

static void test_times_out_while_populated(void)
{
	uint64_t t0 = ktime_now_ns(), waited;

	write_events(1);
	CHECK(cgdir_wait_empty(tmp, true, t0 + 150 * KTIME_NS_PER_MS) == -ETIMEDOUT);
	waited = ktime_now_ns() - t0;
	CHECK(waited >= 140 * KTIME_NS_PER_MS);
	CHECK(waited < 2 * KTIME_NS_PER_SEC);
}

static void test_missing_events_is_an_error(void)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/cgroup.events", tmp);
	unlink(path);
	CHECK(cgdir_wait_empty(tmp, true, ktime_now_ns() + KTIME_NS_PER_SEC) < 0);
}

int main(void)
{
	char cmd[PATH_MAX + 16];
	int rc;

	if (!mkdtemp(tmp))
		return 1;
	RUN(test_waits_for_populated_0);
	RUN(test_times_out_while_populated);
	RUN(test_missing_events_is_an_error);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	rc = system(cmd);
	(void)rc;
	return unit_done();
}
