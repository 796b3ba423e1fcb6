/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM run, the way ktstr-vm drives it:
 *
 *   struct vm_config c;
 *   vm_config_init(&c);
 *   ... fill c from the command line ...
 *   if (vm_config_check(&c, &d) < 0) usage error with d.msg
 *   rc = vm_run(&c);                   a KT_EXIT_* code, or the guest's status
 *   vm_config_release(&c);
 *
 * vm_run() brings the VM up in levels (vm.c: kernel, base archive, boot
 * archive, host CPUs, terminal, guest), relays its channels until it stops,
 * and tears the levels down in reverse on every path: success, failure,
 * timeout and signals.
 *
 * A backend starts and stops guests behind struct vm_backend_ops; qemu.c is
 * one, a native KVM VMM will be another.  A launched guest exposes its four
 * serial channels (see vmm/guest-init.sh) as host file descriptors and a
 * descriptor that becomes readable when it has stopped.
 */
#ifndef KTSTR_VMM_VM_H
#define KTSTR_VMM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "reserve.h"
#include "topo.h"

#define VM_MIN_MEMORY_MB 128u
#define VM_MAX_MEMORY_MB (1u << 20)
#define VM_CMDLINE_MAX 2047 /* x86 COMMAND_LINE_SIZE - 1 */
#define VM_MIN_NODE_MB 64u  /* per NUMA node, for --memory-mb and the estimate */
#define VM_MAX_NODES 128u   /* qemu's MAX_NODES */

enum vm_backend {
	VM_BACKEND_AUTO,
	VM_BACKEND_QEMU,
	VM_BACKEND_NATIVE,
};

struct vm_config {
	const char *kernel;	  /* --kernel ID (borrowed) */
	struct topo_spec topo;	  /* --topology */
	const char **includes;	  /* owned array of borrowed -i arguments */
	size_t nincludes;
	unsigned memory_mb;	  /* 0: estimate */
	bool dmesg;
	const char *exec;	  /* NULL: interactive shell */
	struct reserve_config reserve; /* --no-perf-mode, --cpu-cap, --lock-timeout */
	uint64_t timeout_ns;	  /* 0: none */
	uint64_t idle_timeout_ns; /* 0: none; else the longest silence on stdout (--exec) */
	enum vm_backend backend;
	char *append;		  /* owned; extra kernel parameters, space separated */
	bool verbose;
	bool dry_run;		  /* print what would run, boot nothing */
	char *tools_dir;	  /* owned; directory of the ktstr tools to pack */
	const char *busybox;	  /* $KTSTR_BUSYBOX or /bin/busybox */
	const char *qemu;	  /* $KTSTR_QEMU or qemu-system-x86_64 */
};

void vm_config_init(struct vm_config *c);
void vm_config_release(struct vm_config *c);
int vm_config_add_include(struct vm_config *c, const char *path);
int vm_config_add_append(struct vm_config *c, const char *params);
/* Check combinations and limits once; -EINVAL with the reason in d. */
int vm_config_check(const struct vm_config *c, struct kt_diag *d);
int vm_run(const struct vm_config *c);

/* The serial channels, in port order (ttyS0..ttyS3). */
enum vm_chan {
	VM_CHAN_CONSOLE,
	VM_CHAN_OUT,
	VM_CHAN_ERR,
	VM_CHAN_CTL,
	VM_NCHAN,
};

/* What a backend boots. */
struct vm_launch {
	const char *qemu;    /* the qemu binary, for the qemu backend */
	const char *image;   /* bzImage */
	int initrd_fd;	     /* the whole initramfs, readable from offset 0 */
	const char *cmdline;
	struct topo_spec topo;
	unsigned memory_mb;
	const struct cpulist *host_cpus; /* NULL: anywhere */
	bool kvm;			 /* hardware virtualization, else emulation */
};

/* A running guest; the backend owns every descriptor in it. */
struct vm_guest {
	const struct vm_backend_ops *ops;
	int chan[VM_NCHAN]; /* host ends; -1 when closed */
	int stop_fd;	    /* readable once the guest has stopped */
	int diag_fd;	    /* the backend's own messages (qemu's stderr), or -1 */
	pid_t pid;
};

struct vm_backend_ops {
	const char *name;
	/* Start the guest; fills g.  The argv or equivalent goes to out when dry is set. */
	int (*launch)(struct vm_guest *g, const struct vm_launch *l, struct kt_diag *d);
	/* Reap a stopped guest: *code is the backend's exit code (0 after a power-off). */
	int (*wait)(struct vm_guest *g, int *code);
	/* Stop the guest now; wait() must still be called. */
	void (*kill)(struct vm_guest *g);
};

extern const struct vm_backend_ops vm_qemu_ops;

#endif
