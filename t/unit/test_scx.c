// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scx.h"
#include "unit.h"

static char root[] = "/tmp/ktstr-test-scx.XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_state_and_ops_from_sysfs(void)
{
	char buf[SCX_NAME_MAX], path[512];
	enum scx_state st;

	CHECK(scx_state_read(&st) == -ENOENT); /* no sched_ext in this kernel */
	snprintf(path, sizeof(path), "%s/kernel/sched_ext/root", root);
	snprintf(path, sizeof(path), "mkdir -p %s/kernel/sched_ext/root", root);
	CHECK(system(path) == 0);
	put("kernel/sched_ext/state", "enabled\n");
	put("kernel/sched_ext/root/ops", "simple\n");
	CHECK(scx_state_read(&st) == 0 && st == SCX_STATE_ENABLED);
	CHECK(scx_ops_read(buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "simple");
	put("kernel/sched_ext/state", "disabling\n");
	CHECK(scx_state_read(&st) == 0 && st == SCX_STATE_DISABLING);
	put("kernel/sched_ext/state", "sideways\n");
	CHECK(scx_state_read(&st) == 0 && st == SCX_STATE_UNKNOWN);
	CHECK_STR(scx_state_name(st), "unknown");
	put("kernel/sched_ext/root/ops", "");
	CHECK(scx_ops_read(buf, sizeof(buf)) == -ENOENT);
}

static void test_exit_kinds_are_the_kernels(void)
{
	CHECK_STR(scx_exit_kind("scx_bpf_error"), "error_bpf");
	CHECK_STR(scx_exit_kind("runnable task stall"), "stall");
	CHECK_STR(scx_exit_kind("runtime error"), "error");
	CHECK_STR(scx_exit_kind("unregistered from user space"), "unregistered");
	CHECK_STR(scx_exit_kind("unregistered from BPF"), "unregistered_bpf");
	CHECK_STR(scx_exit_kind("disabled by sysrq-S"), "sysrq");
	CHECK_STR(scx_exit_kind("something new"), "unknown");
	CHECK_STR(scx_exit_kind(NULL), "unknown");
	CHECK(scx_exit_kind_is_error("stall") && scx_exit_kind_is_error("error_bpf"));
	CHECK(!scx_exit_kind_is_error("unregistered") && !scx_exit_kind_is_error("unknown"));
}

static void test_kmsg_lines(void)
{
	struct scx_kmsg m;

	CHECK(scx_kmsg_parse("sched_ext: BPF scheduler \"simple\" enabled", &m) ==
	      SCX_KMSG_ENABLED);
	CHECK_STR(m.ops, "simple");
	CHECK(scx_kmsg_parse("sched_ext: BPF scheduler \"qmap\" disabled (runnable task stall)",
			     &m) == SCX_KMSG_DISABLED);
	CHECK_STR(m.ops, "qmap");
	CHECK_STR(m.reason, "runnable task stall");
	CHECK(scx_kmsg_parse("sched_ext: qmap: kworker/1:1[30] failed to run for 3.2s", &m) ==
	      SCX_KMSG_MESSAGE);
	CHECK_STR(m.ops, "qmap");
	CHECK_STR(m.text, "kworker/1:1[30] failed to run for 3.2s");
	CHECK(scx_kmsg_parse("sched_ext: \"x\" does not implement cgroup cpu.weight", &m) ==
	      SCX_KMSG_OTHER);
	CHECK(scx_kmsg_parse("sched_ext: BPF scheduler \"x\" disabled (no closing", &m) ==
	      SCX_KMSG_OTHER);
	CHECK(scx_kmsg_parse("Linux version 6.12", &m) == SCX_KMSG_NONE);
	CHECK(scx_kmsg_parse("", &m) == SCX_KMSG_NONE);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(root))
		return 1;
	setenv("KTSTR_SYSFS_ROOT", root, 1);
	RUN(test_state_and_ops_from_sysfs);
	RUN(test_exit_kinds_are_the_kernels);
	RUN(test_kmsg_lines);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? unit_done() : 1;
}
