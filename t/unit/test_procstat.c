// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procstat.h"
#include "unit.h"

static void test_schedstat(void)
{
	struct procstat_sched s;

	CHECK(procstat_schedstat_parse("334838694 114627 19\n", &s) == 0);
	CHECK(s.cpu_ns == 334838694 && s.run_delay_ns == 114627 && s.timeslices == 19);
	CHECK(procstat_schedstat_parse("1 2", &s) == -EINVAL);
	CHECK(procstat_schedstat_parse("1 2 3 junk", &s) == -EINVAL);
	CHECK(procstat_schedstat_read("/proc/self/schedstat", &s) == 0 && s.timeslices > 0);
	CHECK(procstat_schedstat_read("/nonexistent/schedstat", &s) == -ENOENT);
}

static void test_numa_lines(void)
{
	uint64_t pages[4] = { 0 };

	procstat_numa_line("55af29876000 default file=/usr/bin/head mapped=2 N0=2 "
			   "kernelpagesize_kB=4\n", pages, 4);
	procstat_numa_line("7f0000000000 interleave:0-1 anon=10 dirty=10 N0=4 N1=6 "
			   "kernelpagesize_kB=4", pages, 4);
	procstat_numa_line("7f0000001000 default anon=3 N9=3 Nx=1 N2=bad", pages, 4);
	CHECK(pages[0] == 6 && pages[1] == 6 && pages[2] == 0 && pages[3] == 0);
}

static void test_numa_file(void)
{
	char path[] = "/tmp/ktstr-numa-XXXXXX";
	uint64_t pages[2] = { 0 };
	FILE *f;
	int fd = mkstemp(path);

	f = fdopen(fd, "w");
	fputs("1000 default anon=1 N0=1\n2000 default anon=5 N1=5\n", f);
	fclose(f);
	CHECK(procstat_numa_pages_read(path, pages, 2) == 0);
	CHECK(pages[0] == 1 && pages[1] == 5);
	remove(path);
	CHECK(procstat_numa_pages_read(path, pages, 2) == -ENOENT);
}

int main(void)
{
	RUN(test_schedstat);
	RUN(test_numa_lines);
	RUN(test_numa_file);
	return unit_done();
}
