/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scx_ktstr: a global FIFO sched_ext scheduler with faults to inject, so
 * the checks of ktstr can be proven against a real BPF scheduler.
 *
 * Every task goes to one shared queue (SHARED_DSQ) that every CPU takes
 * from, first come first served.  A fault is armed at attach, or, when a
 * target cgroup is named, the first time one of its tasks wakes up (a
 * worker leaving the start barrier), and takes effect after_ns later:
 *
 *   starve          the target cgroup's tasks wait in HOLD_DSQ for
 *                   starve_ns, then run normally (so they can still exit)
 *   outside-cpuset  the target cgroup's tasks are dispatched to a CPU their
 *                   cpuset does not allow (the kernel refuses and ends the
 *                   scheduler with a runtime error)
 *   stall           fault_cpu takes nothing from the queue: tasks that may
 *                   only run there wait until the sched_ext watchdog fires
 *   error           scx_bpf_error()
 *   exit            nothing here: the loader kills itself
 */
#include <scx/common.bpf.h>

#include "scx_ktstr.h"

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0
#define HOLD_DSQ 1

/* Knobs and results use the __u types, which the loader's skeleton also knows. */
const volatile __u32 fault;
const volatile __u64 after_ns;
const volatile __u64 starve_ns;
const volatile __s32 fault_cpu;
const volatile char target_cgroup[KTSTR_NAME_LEN];

/* Read by the loader. */
__u64 armed_ns; /* when the fault was armed; 0 until then */
bool errored;	/* the error fault fired */
__u32 exit_kind;
__u32 exited;
char exit_reason[128];
char exit_msg[KTSTR_EXIT_MSG_LEN];
char exit_dump[KTSTR_EXIT_DUMP_LEN];

/* Is p in the target cgroup (by directory name, on the default hierarchy)? */
static bool in_target(struct task_struct *p)
{
	char name[KTSTR_NAME_LEN];
	const char *kn_name;
	int i;

	kn_name = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, name);
	if (!kn_name || bpf_probe_read_kernel_str(name, sizeof(name), kn_name) < 0)
		return false;
	for (i = 0; i < KTSTR_NAME_LEN; i++) {
		if (name[i] != target_cgroup[i])
			return false;
		if (!name[i])
			return true;
	}
	return false;
}

static void maybe_arm(struct task_struct *p, u64 enq_flags)
{
	if (armed_ns || !target_cgroup[0] || !(enq_flags & SCX_ENQ_WAKEUP) || !in_target(p))
		return;
	__sync_val_compare_and_swap(&armed_ns, 0, bpf_ktime_get_ns());
}

/* Has the fault taken effect? */
static bool fault_on(void)
{
	return fault != KTSTR_FAULT_NONE && armed_ns && bpf_ktime_get_ns() >= armed_ns + after_ns;
}

/* The starve window is over: held tasks may run again. */
static bool starve_over(void)
{
	return bpf_ktime_get_ns() >= armed_ns + after_ns + starve_ns;
}

/* A CPU p may not run on, or -1 when its cpuset allows every CPU. */
static s32 forbidden_cpu(struct task_struct *p)
{
	u32 n = scx_bpf_nr_cpu_ids();
	s32 cpu;

	bpf_for(cpu, 0, n)
		if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			return cpu;
	return -1;
}

s32 BPF_STRUCT_OPS(ktstr_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;

	/* wake an idle CPU, but every task still goes through the queue */
	return scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
}

void BPF_STRUCT_OPS(ktstr_enqueue, struct task_struct *p, u64 enq_flags)
{
	s32 cpu;

	maybe_arm(p, enq_flags);
	if (fault_on()) {
		switch (fault) {
		case KTSTR_FAULT_STARVE:
			if (!starve_over() && in_target(p)) {
				scx_bpf_dispatch(p, HOLD_DSQ, SCX_SLICE_DFL, enq_flags);
				return;
			}
			break;
		case KTSTR_FAULT_OUTSIDE_CPUSET:
			if (in_target(p) && (cpu = forbidden_cpu(p)) >= 0) {
				scx_bpf_dispatch(p, SCX_DSQ_LOCAL_ON | cpu, SCX_SLICE_DFL,
						 enq_flags);
				return;
			}
			break;
		case KTSTR_FAULT_ERROR:
			if (!errored) {
				errored = true;
				scx_bpf_error("ktstr fault: scx_bpf_error %llu ms after "
					      "it was armed",
					      (bpf_ktime_get_ns() - armed_ns) / 1000000);
			}
			break;
		}
	}
	scx_bpf_dispatch(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

void BPF_STRUCT_OPS(ktstr_dispatch, s32 cpu, struct task_struct *prev)
{
	if (fault == KTSTR_FAULT_STALL && cpu == fault_cpu && fault_on())
		return;
	if (fault == KTSTR_FAULT_STARVE && armed_ns && starve_over())
		scx_bpf_consume(HOLD_DSQ);
	scx_bpf_consume(SHARED_DSQ);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(ktstr_init)
{
	s32 rc = scx_bpf_create_dsq(SHARED_DSQ, -1);

	if (rc)
		return rc;
	if ((rc = scx_bpf_create_dsq(HOLD_DSQ, -1)))
		return rc;
	if (!target_cgroup[0])
		armed_ns = bpf_ktime_get_ns();
	return 0;
}

void BPF_STRUCT_OPS(ktstr_exit, struct scx_exit_info *ei)
{
	bpf_probe_read_kernel_str(exit_reason, sizeof(exit_reason), ei->reason);
	bpf_probe_read_kernel_str(exit_msg, sizeof(exit_msg), ei->msg);
	bpf_probe_read_kernel_str(exit_dump, sizeof(exit_dump), ei->dump);
	exit_kind = ei->kind;
	__sync_val_compare_and_swap(&exited, 0, 1);
}

SCX_OPS_DEFINE(ktstr_ops,
	       .select_cpu = (void *)ktstr_select_cpu,
	       .enqueue = (void *)ktstr_enqueue,
	       .dispatch = (void *)ktstr_dispatch,
	       .init = (void *)ktstr_init,
	       .exit = (void *)ktstr_exit,
	       .exit_dump_len = KTSTR_EXIT_DUMP_LEN,
	       .name = "ktstr");
