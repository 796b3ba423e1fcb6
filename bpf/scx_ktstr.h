/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scx_ktstr, the test fixture scheduler: what its BPF side and its loader
 * share.  Fixed-width types only.
 */
#ifndef KTSTR_SCX_KTSTR_H
#define KTSTR_SCX_KTSTR_H

#define KTSTR_NAME_LEN 64	    /* a cgroup's directory name */
#define KTSTR_EXIT_DUMP_LEN 16384   /* the kernel's debug dump kept at exit */
#define KTSTR_EXIT_MSG_LEN 1024

/* The fault a run injects, chosen on the command line (--fault). */
enum ktstr_fault {
	KTSTR_FAULT_NONE,
	KTSTR_FAULT_STARVE,	    /* the target cgroup's tasks wait --starve, then run */
	KTSTR_FAULT_OUTSIDE_CPUSET, /* the target cgroup's tasks go to a CPU outside their cpuset */
	KTSTR_FAULT_STALL,	    /* one CPU never takes work: its pinned tasks wait forever */
	KTSTR_FAULT_ERROR,	    /* scx_bpf_error() */
	KTSTR_FAULT_EXIT,	    /* the loader kills itself (SIGKILL) */
};

#endif
