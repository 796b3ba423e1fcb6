// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "qemu.h"
#include "unit.h"

/* The argument after flag number n (0-based) in argv, or NULL. */
static const char *after(char **argv, const char *flag, int n)
{
	int i;

	for (i = 0; argv[i]; i++)
		if (!strcmp(argv[i], flag) && n-- == 0)
			return argv[i + 1];
	return NULL;
}

static char **build(struct topo_spec t, unsigned mb, bool kvm)
{
	struct vm_launch l = { .qemu = "qemu-system-x86_64", .image = "/k/bzImage",
			       .initrd_fd = 9, .cmdline = "console=ttyS0 quiet", .topo = t,
			       .memory_mb = mb, .kvm = kvm };
	int chan[VM_NCHAN] = { 3, 4, 5, 6 };
	struct kt_diag d;
	char **argv = NULL;

	CHECK(qemu_build_argv(l.qemu, &l, chan, &argv, &d) == 0);
	return argv;
}

static void test_llcs_become_sockets_and_nodes_split_memory(void)
{
	char **a = build((struct topo_spec){ 3, 6, 2, 2 }, 1000, false);

	CHECK_STR(after(a, "-smp", 0), "24,sockets=6,cores=2,threads=2");
	CHECK_STR(after(a, "-numa", 0), "node,nodeid=0,cpus=0-7,memdev=m0");
	CHECK_STR(after(a, "-numa", 2), "node,nodeid=2,cpus=16-23,memdev=m2");
	CHECK_STR(after(a, "-object", 0), "memory-backend-ram,id=m0,size=333M");
	CHECK_STR(after(a, "-object", 2), "memory-backend-ram,id=m2,size=334M"); /* the rest */
	CHECK_STR(after(a, "-m", 0), "1000");
	CHECK_STR(after(a, "-accel", 0), "tcg");
	CHECK_STR(after(a, "-cpu", 0), "max,vendor=GenuineIntel");
	qemu_free_argv(a);
}

static void test_one_node_has_no_numa_and_kvm_uses_the_host_cpu(void)
{
	char **a = build((struct topo_spec){ 1, 1, 1, 1 }, 256, true);

	CHECK(after(a, "-numa", 0) == NULL);
	CHECK_STR(after(a, "-accel", 0), "kvm");
	CHECK_STR(after(a, "-cpu", 0), "host");
	CHECK_STR(after(a, "-initrd", 0), "/proc/self/fd/9");
	CHECK_STR(after(a, "-append", 0), "console=ttyS0 quiet");
	CHECK_STR(after(a, "-chardev", 0), "socket,id=s0,fd=3");
	CHECK_STR(after(a, "-chardev", 3), "socket,id=s3,fd=6");
	CHECK_STR(after(a, "-serial", 3), "chardev:s3");
	CHECK(after(a, "-no-reboot", 0) != NULL); /* a panic must end qemu, not loop */
	qemu_free_argv(a);
}

/* Each node adds four arguments: 16 and more used to overflow a fixed array. */
static void test_many_nodes_fit_on_the_command_line(void)
{
	char **a = build((struct topo_spec){ 128, 128, 1, 1 }, 8192, false);

	CHECK_STR(after(a, "-numa", 127), "node,nodeid=127,cpus=127-127,memdev=m127");
	CHECK_STR(after(a, "-serial", 3), "chardev:s3");
	qemu_free_argv(a);
}

int main(void)
{
	RUN(test_llcs_become_sockets_and_nodes_split_memory);
	RUN(test_one_node_has_no_numa_and_kvm_uses_the_host_cpu);
	RUN(test_many_nodes_fit_on_the_command_line);
	return unit_done();
}
