// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu.h"

#define KILL_GRACE_MS 3000

/*
 * KVM only when the hardware backs it: some sandboxes offer a /dev/kvm from
 * a software module (kvm_pvm) on which qemu hangs before the kernel starts.
 * KTSTR_QEMU_ACCEL=kvm|tcg overrides the guess.
 */
bool qemu_kvm_usable(void)
{
	const char *force = getenv("KTSTR_QEMU_ACCEL");
	int fd;

	if (force && *force)
		return !strcmp(force, "kvm");
	if (access("/sys/module/kvm_intel", F_OK) < 0 && access("/sys/module/kvm_amd", F_OK) < 0)
		return false;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Grows as needed: each NUMA node adds four arguments, and nodes are unbounded here. */
struct argv_builder {
	char **v; /* NULL-terminated */
	size_t n, cap;
	int failed;
};

static void arg(struct argv_builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void arg(struct argv_builder *b, const char *fmt, ...)
{
	va_list ap;
	char **grown;
	char *s;

	if (b->failed)
		return;
	if (b->n + 1 >= b->cap) {
		grown = realloc(b->v, 2 * b->cap * sizeof(*grown));
		if (!grown) {
			b->failed = 1;
			return;
		}
		memset(grown + b->cap, 0, b->cap * sizeof(*grown));
		b->v = grown;
		b->cap *= 2;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		b->failed = 1;
		s = NULL;
	}
	va_end(ap);
	b->v[b->n++] = s;
}

/* Nodes take consecutive sockets (= LLCs); memory is split evenly, the rest to the last. */
static void numa_args(struct argv_builder *b, const struct vm_launch *l)
{
	const struct topo_spec *t = &l->topo;
	unsigned per_node = t->llcs / t->nodes * t->cores * t->threads, i, mb;

	if (t->nodes < 2)
		return;
	for (i = 0; i < t->nodes; i++) {
		mb = l->memory_mb / t->nodes;
		if (i == t->nodes - 1)
			mb = l->memory_mb - mb * (t->nodes - 1);
		arg(b, "-object");
		arg(b, "memory-backend-ram,id=m%u,size=%uM", i, mb);
		arg(b, "-numa");
		arg(b, "node,nodeid=%u,cpus=%u-%u,memdev=m%u", i, i * per_node,
		    (i + 1) * per_node - 1, i);
	}
}

int qemu_build_argv(const char *qemu, const struct vm_launch *l, const int chan_fd[VM_NCHAN],
		    char ***argv, struct kt_diag *d)
{
	static const char *const fixed[] = { "-nodefaults", "-no-user-config", "-display",
					     "none", "-no-reboot" };
	const struct topo_spec *t = &l->topo;
	struct argv_builder b = { .v = calloc(64, sizeof(char *)), .cap = 64 };
	size_t i;

	if (!b.v)
		return kt_diag_set(d, ENOMEM, "out of memory");
	arg(&b, "%s", qemu);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		arg(&b, "%s", fixed[i]);
	arg(&b, "-accel");
	arg(&b, "%s", l->kvm ? "kvm" : "tcg");
	arg(&b, "-cpu");
	arg(&b, "%s", l->kvm ? "host" : "max,vendor=GenuineIntel");
	arg(&b, "-m");
	arg(&b, "%u", l->memory_mb);
	arg(&b, "-smp");
	arg(&b, "%u,sockets=%u,cores=%u,threads=%u", t->llcs * t->cores * t->threads, t->llcs,
	    t->cores, t->threads);
	numa_args(&b, l);
	arg(&b, "-kernel");
	arg(&b, "%s", l->image);
	arg(&b, "-initrd");
	arg(&b, "/proc/self/fd/%d", l->initrd_fd);
	arg(&b, "-append");
	arg(&b, "%s", l->cmdline);
	for (i = 0; i < VM_NCHAN; i++) {
		arg(&b, "-chardev");
		arg(&b, "socket,id=s%zu,fd=%d", i, chan_fd[i]);
		arg(&b, "-serial");
		arg(&b, "chardev:s%zu", i);
	}
	if (b.failed) {
		qemu_free_argv(b.v);
		return kt_diag_set(d, ENOMEM, "cannot build the qemu command line");
	}
	*argv = b.v;
	return 0;
}

void qemu_free_argv(char **argv)
{
	char **p;

	for (p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In the child: keep the listed fds across exec, die with the parent, leave the terminal's group. */
static void child_exec(char **argv, const int *keep, int nkeep, int err_fd,
		       const struct cpulist *cpus)
{
	int i, null = open("/dev/null", O_RDWR);
	cpu_set_t set;
	size_t c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpgid(0, 0); /* Ctrl-C reaches ktstr-vm, which stops the guest in order */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
	}
	dup2(err_fd, STDERR_FILENO);
	for (i = 0; i < nkeep; i++)
		fcntl(keep[i], F_SETFD, 0);
	if (cpus && cpus->n) {
		CPU_ZERO(&set);
		for (c = 0; c < cpus->n; c++)
			if (cpus->cpu[c] < CPU_SETSIZE)
				CPU_SET(cpus->cpu[c], &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	execvp(argv[0], argv);
	dprintf(err_fd, "cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int pidfd_open_compat(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int qemu_launch(struct vm_guest *g, const struct vm_launch *l, struct kt_diag *d)
{
	int sp[VM_NCHAN][2], guest_fd[VM_NCHAN + 1], errp[2] = { -1, -1 }, i, rc = 0, made = 0;
	char **argv = NULL;

	for (i = 0; i < VM_NCHAN; i++)
		g->chan[i] = -1;
	g->stop_fd = g->diag_fd = -1;
	g->pid = -1;
	for (made = 0; made < VM_NCHAN; made++) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp[made]) < 0) {
			rc = kt_diag_set(d, errno, "cannot create a socket pair: %s", strerror(errno));
			goto out;
		}
		guest_fd[made] = sp[made][1];
	}
	guest_fd[VM_NCHAN] = l->initrd_fd;
	if (pipe2(errp, O_CLOEXEC) < 0) {
		rc = kt_diag_set(d, errno, "cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	if ((rc = qemu_build_argv(l->qemu, l, guest_fd, &argv, d)) < 0)
		goto out;
	g->pid = fork();
	if (g->pid < 0) {
		rc = kt_diag_set(d, errno, "cannot fork: %s", strerror(errno));
		goto out;
	}
	if (g->pid == 0)
		child_exec(argv, guest_fd, VM_NCHAN + 1, errp[1], l->host_cpus);
	g->stop_fd = pidfd_open_compat(g->pid);
	if (g->stop_fd < 0) {
		rc = kt_diag_set(d, errno, "cannot watch the qemu process: %s", strerror(errno));
		kill(g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
		g->pid = -1;
		goto out;
	}
	for (i = 0; i < VM_NCHAN; i++) {
		g->chan[i] = sp[i][0];
		sp[i][0] = -1;
		fcntl(g->chan[i], F_SETFL, O_NONBLOCK);
	}
	g->diag_fd = errp[0];
	errp[0] = -1;
	fcntl(g->diag_fd, F_SETFL, O_NONBLOCK);
out:
	for (i = 0; i < made; i++) {
		close_fd(&sp[i][1]); /* qemu holds the guest ends now */
		close_fd(&sp[i][0]);
	}
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	qemu_free_argv(argv);
	return rc;
}

static int qemu_wait(struct vm_guest *g, int *code)
{
	int status, i;

	if (g->pid > 0) {
		while (waitpid(g->pid, &status, 0) < 0) {
			if (errno != EINTR)
				return -errno;
		}
		g->pid = -1;
		*code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	close_fd(&g->stop_fd);
	close_fd(&g->diag_fd);
	for (i = 0; i < VM_NCHAN; i++)
		close_fd(&g->chan[i]);
	return 0;
}

/* SIGTERM lets qemu exit cleanly; SIGKILL if it has not within the grace period. */
static void qemu_kill(struct vm_guest *g)
{
	struct pollfd p = { .fd = g->stop_fd, .events = POLLIN };

	if (g->pid <= 0)
		return;
	kill(g->pid, SIGTERM);
	if (g->stop_fd < 0 || poll(&p, 1, KILL_GRACE_MS) <= 0)
		kill(g->pid, SIGKILL);
}

const struct vm_backend_ops vm_qemu_ops = {
	.name = "qemu",
	.launch = qemu_launch,
	.wait = qemu_wait,
	.kill = qemu_kill,
};
