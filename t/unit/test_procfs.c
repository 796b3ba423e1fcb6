// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "unit.h"

static void test_stat(void)
{
	char buf[] = "42 (a) b)) S 1 42 42 0 -1 4194560 10 0 3 0 250 100 0 0 20 -5 2 0 77 "
		     "1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 50 2 0 0 0\n";
	struct procfs_stat st;

	procfs_parse_stat(buf, &st);
	/* the comm is "a) b)": it ends at the last ')' */
	CHECK(st.comm && st.comm_len == 5 && !memcmp(st.comm, "a) b)", 5));
	CHECK(st.state == 'S');
	CHECK(st.ppid == 1 && st.minflt == 10 && st.majflt == 3);
	CHECK(st.utime == 250 && st.stime == 100);
	CHECK(st.priority == 20 && st.nice == -5 && st.num_threads == 2);
	CHECK(st.starttime == 77 && st.processor == 1 && st.rt_priority == 50 && st.policy == 2);
}

static void test_stat_garbage(void)
{
	char none[] = "no parentheses here 1 2 3";
	char shortline[] = "7 (x) R 1 1 1 0 -1 0 5 0 6";
	char badnice[] = "7 (x) R 1 1 1 0 -1 0 5 0 6 0 7 8 0 0 20 42 1 0 99";
	struct procfs_stat st;

	procfs_parse_stat(none, &st);
	CHECK(!st.comm && st.state == 0 && st.minflt == PROCFS_NONE && st.policy == PROCFS_NONE);
	procfs_parse_stat(shortline, &st);
	CHECK(st.comm && st.minflt == 5 && st.majflt == 6 && st.utime == PROCFS_NONE);
	procfs_parse_stat(badnice, &st);
	CHECK(st.nice == PROCFS_NONE && st.starttime == 99);
}

static void test_schedstat(void)
{
	char ok[] = "123 456 7\n", two[] = "1 2\n", bad[] = "1 x 3\n";
	struct procfs_schedstat ss;

	procfs_parse_schedstat(ok, &ss);
	CHECK(ss.run_ns == 123 && ss.wait_ns == 456 && ss.timeslices == 7);
	procfs_parse_schedstat(two, &ss);
	CHECK(ss.run_ns == PROCFS_NONE && ss.timeslices == PROCFS_NONE);
	procfs_parse_schedstat(bad, &ss);
	CHECK(ss.run_ns == 1 && ss.wait_ns == PROCFS_NONE && ss.timeslices == 3);
}

static void test_status_io(void)
{
	char status[] = "Name:\tx\nCpus_allowed_list:\t0-3,5\n"
			"voluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t-1\n";
	char io[] = "rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 5\nwrite_bytes: 6\n";
	struct procfs_status st;
	struct procfs_io pio;

	procfs_parse_status(status, &st);
	CHECK(st.voluntary_csw == 12 && st.nonvoluntary_csw == PROCFS_NONE);
	CHECK_STR(st.cpus_allowed, "0-3,5");
	procfs_parse_io(io, &pio);
	CHECK(pio.rchar == 1 && pio.wchar == 2 && pio.syscr == 3 && pio.syscw == 4);
	CHECK(pio.read_bytes == 5 && pio.write_bytes == 6);
	CHECK(pio.cancelled_write_bytes == PROCFS_NONE);
}

static void test_sched(void)
{
	char buf[] = "x: y (1, #threads: 1)\n"
		     "---------\n"
		     "se.sum_exec_runtime            :   1500.250000\n"
		     "stats.wait_sum                 :      0.000001\n"
		     "se.vruntime                    :     -5.000003\n"
		     "nr_switches                    :   40\n"
		     "odd                            :   1.5\n"
		     "bad key                        :   1\n"
		     "numa_faults node=0 task_private=0\n"
		     "mm->numa_scan_seq              :   0\n";
	const char *key;
	int64_t v;
	char *cur = procfs_sched_begin(buf);

	CHECK(procfs_sched_next(&cur, &key, &v) == 1);
	CHECK_STR(key, "se.sum_exec_runtime");
	CHECK(v == 1500250000);
	CHECK(procfs_sched_next(&cur, &key, &v) == 1 && v == 1);
	CHECK_STR(key, "stats.wait_sum");
	CHECK(procfs_sched_next(&cur, &key, &v) == 1 && v == -5000003);
	CHECK(procfs_sched_next(&cur, &key, &v) == 1 && v == 40);
	CHECK(procfs_sched_next(&cur, &key, &v) == 1);
	CHECK_STR(key, "mm->numa_scan_seq");
	CHECK(procfs_sched_next(&cur, &key, &v) == 0);
}

static void test_cgroup(void)
{
	char buf[] = "12:cpu,cpuacct:/a:b\n0::/\nbroken\n3:cpuset:rel\n4:memory:/m";
	const char *ctrl, *path;
	char *cur = buf;

	CHECK(procfs_cgroup_next(&cur, &ctrl, &path) == 1);
	CHECK_STR(ctrl, "cpu,cpuacct");
	CHECK_STR(path, "/a:b");
	CHECK(procfs_cgroup_next(&cur, &ctrl, &path) == 1);
	CHECK_STR(ctrl, "");
	CHECK_STR(path, "/");
	CHECK(procfs_cgroup_next(&cur, &ctrl, &path) == 1);
	CHECK_STR(ctrl, "memory");
	CHECK(procfs_cgroup_next(&cur, &ctrl, &path) == 0);
}

static void test_read_at(void)
{
	char dir[] = "/tmp/ktstr-procfs.XXXXXX", path[64];
	struct procfs_buf b;
	int dfd, fd, i;
	FILE *f;

	procfs_buf_init(&b);
	CHECK(mkdtemp(dir) != NULL);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(procfs_read_at(dfd, "missing", &b) == -ENOENT);
	/* larger than the first buffer: read on until the end */
	snprintf(path, sizeof(path), "%s/big", dir);
	f = fopen(path, "w");
	for (i = 0; i < 5000; i++)
		fputs("0123456789", f);
	fclose(f);
	CHECK(procfs_read_at(dfd, "big", &b) == 50000 && b.data[50000] == '\0');
	fd = open(path, O_WRONLY | O_TRUNC);
	close(fd);
	CHECK(procfs_read_at(dfd, "big", &b) == 0 && b.data[0] == '\0');
	unlink(path);
	close(dfd);
	rmdir(dir);
	procfs_buf_release(&b);
}

int main(void)
{
	RUN(test_stat);
	RUN(test_stat_garbage);
	RUN(test_schedstat);
	RUN(test_status_io);
	RUN(test_sched);
	RUN(test_cgroup);
	RUN(test_read_at);
	return unit_done();
}
