/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The qemu backend (vm_qemu_ops in vm.h), and the command line it runs:
 *
 *   qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
 *     -accel kvm -cpu host | -accel tcg -cpu max,vendor=GenuineIntel
 *     -m MB -smp N*L*C*T,sockets=L,cores=C,threads=T
 *     [-object memory-backend-ram,id=mI,size=S -numa node,nodeid=I,cpus=A-B,memdev=mI]...
 *     -kernel IMAGE -initrd /proc/self/fd/F -append CMDLINE
 *     -chardev socket,id=sI,fd=F -serial chardev:sI        (x4, ttyS0..ttyS3)
 *
 * Topology: every LLC is a socket, since qemu gives each socket its own L3;
 * nodes take L/N consecutive sockets.  Under TCG the CPU model is "max" with
 * an Intel vendor string: with AMD's vendor the guest would need TOPOEXT,
 * which TCG lacks, and would then see neither SMT siblings nor shared L3s.
 */
#ifndef KTSTR_VMM_QEMU_H
#define KTSTR_VMM_QEMU_H

#include "err.h"
#include "vm.h"

/* argv for qemu (name or path) booting l with the given guest-side channel fds. */
int qemu_build_argv(const char *qemu, const struct vm_launch *l, const int chan_fd[VM_NCHAN],
		    char ***argv, struct kt_diag *d);
void qemu_free_argv(char **argv);
/* Use KVM?  Yes when /dev/kvm opens and kvm_intel or kvm_amd is loaded. */
bool qemu_kvm_usable(void);

#endif
