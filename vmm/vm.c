// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "exit.h"
#include "include.h"
#include "initramfs.h"
#include "kcache.h"
#include "kernel.h"
#include "klock.h"
#include "ktime.h"
#include "paths.h"
#include "qemu.h"
#include "relay.h"
#include "term.h"
#include "vm.h"

#define MIB (1024ull * 1024)
#define MEMORY_BASE_MB 256 /* the kernel, tools and a workload, besides the archive */
#define TAIL_LINES 40

void vm_config_init(struct vm_config *c)
{
	const char *bb = getenv("KTSTR_BUSYBOX"), *q = getenv("KTSTR_QEMU");

	memset(c, 0, sizeof(*c));
	c->topo = (struct topo_spec){ 1, 1, 1, 1 };
	c->busybox = bb && *bb ? bb : "/bin/busybox";
	c->qemu = q && *q ? q : "qemu-system-x86_64";
}

void vm_config_release(struct vm_config *c)
{
	free(c->includes);
	free(c->append);
	free(c->tools_dir);
	memset(c, 0, sizeof(*c));
}

int vm_config_add_include(struct vm_config *c, const char *path)
{
	const char **grown = realloc(c->includes, (c->nincludes + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	c->includes = grown;
	c->includes[c->nincludes++] = path;
	return 0;
}

int vm_config_add_append(struct vm_config *c, const char *params)
{
	char *s;

	if (asprintf(&s, "%s%s%s", c->append ? c->append : "", c->append ? " " : "", params) < 0)
		return -ENOMEM;
	free(c->append);
	c->append = s;
	return 0;
}

int vm_config_check(const struct vm_config *c, struct kt_diag *d)
{
	const struct topo_spec *t = &c->topo;

	if (!c->kernel)
		return kt_diag_set(d, EINVAL, "--kernel is required: give a bzImage, a vmlinuz "
					      "or a kernel source directory");
	if (t->llcs % t->nodes)
		return kt_diag_set(d, EINVAL, "--topology: %u LLCs cannot be split over %u nodes",
				   t->llcs, t->nodes);
	if (c->idle_timeout_ns && !c->exec)
		return kt_diag_set(d, EINVAL, "--idle-timeout needs --exec: a shell may stay quiet");
	if (t->nodes > VM_MAX_NODES)
		return kt_diag_set(d, EINVAL, "--topology: %u NUMA nodes, qemu supports at most %u",
				   t->nodes, VM_MAX_NODES);
	if (c->memory_mb && c->memory_mb / t->nodes < VM_MIN_NODE_MB)
		return kt_diag_set(d, EINVAL, "--memory-mb %u leaves less than %u MB per node",
				   c->memory_mb, VM_MIN_NODE_MB);
	if (c->append && strlen(c->append) > VM_CMDLINE_MAX / 2)
		return kt_diag_set(d, E2BIG, "--append: the kernel command line is limited to %d "
					     "bytes",
				   VM_CMDLINE_MAX);
	if (c->backend == VM_BACKEND_NATIVE)
		return kt_diag_set(d, ENOTSUP, "--backend native is not implemented yet; use "
					       "--backend qemu (or auto)");
	if (!c->exec && !c->dry_run && !isatty(STDIN_FILENO))
		return kt_diag_set(d, ENOTTY, "the interactive shell needs a terminal on stdin; "
					      "use --exec CMD to run a command instead");
	return 0;
}

/* Everything one run holds; levels fill it in order and empty it in reverse. */
struct vm {
	const struct vm_config *cfg;
	char *image;
	int kernel_lock_fd; /* a shared lock on the image's cache entry, or -1 */
	struct base base;
	bool base_ready;
	struct initramfs boot;
	bool boot_ready;
	size_t skipped;
	int initrd_fd;
	uint64_t base_bytes, boot_bytes;
	unsigned memory_mb;
	char cmdline[VM_CMDLINE_MAX + 1];
	struct cpulist host_cpus;
	struct reserve res;
	struct term term;
	struct vm_guest guest;
	bool guest_running;
	char cache_dir[PATH_MAX];
};

struct vm_level {
	const char *name;
	int (*up)(struct vm *vm, struct kt_diag *d);
	void (*down)(struct vm *vm);
	int fail_code; /* exit code when up fails */
};

/*
 * Resolve the kernel and, when it is a cache entry, hold that entry shared
 * until the VM is gone, so "ktstr-kernel clean" leaves it alone.
 */
static int kernel_up(struct vm *vm, struct kt_diag *d)
{
	char resolver[PATH_MAX];
	const char *r = resolver;
	int rc;

	/* ktstr-kernel sits beside us, like the tools we pack */
	if (paths_fmt(resolver, sizeof(resolver), "%s/ktstr-kernel", vm->cfg->tools_dir) < 0 ||
	    access(resolver, X_OK) < 0)
		r = NULL;
	if ((rc = kernel_resolve(vm->cfg->kernel, r, &vm->image, d)) < 0)
		return rc;
	rc = kcache_hold_image(vm->image, &vm->kernel_lock_fd);
	if (rc == -ENOENT)
		return 0; /* not from the cache: nobody will remove it */
	if (rc < 0) {
		/* e.g. another user's read-only cache: the VM can still boot */
		kt_warnc(-rc, NULL, "cannot lock the cache entry of '%s'; 'ktstr-kernel clean' "
			 "may remove it while the VM runs", vm->image);
		return 0;
	}
	/* a clean between resolving and locking took it */
	if (access(vm->image, R_OK) < 0)
		return kt_diag_set(d, errno, "kernel '%s' was removed from the cache: %s",
				   vm->image, strerror(errno));
	return 0;
}

static void kernel_down(struct vm *vm)
{
	if (vm->kernel_lock_fd >= 0)
		klock_release(vm->kernel_lock_fd);
	vm->kernel_lock_fd = -1;
	free(vm->image);
	vm->image = NULL;
}

static int base_up(struct vm *vm, struct kt_diag *d)
{
	const char *path;
	int rc;

	rc = paths_fmt(vm->cache_dir, sizeof(vm->cache_dir), "%s/.initramfs", paths_cache_dir());
	if (rc < 0)
		return kt_diag_set(d, -rc, "cache path too long: '%s'", paths_cache_dir());
	base_init(&vm->base, vm->cfg->tools_dir, vm->cfg->busybox, vm->cache_dir);
	vm->base_ready = true;
	if ((rc = base_build(&vm->base, d)) < 0 || (rc = base_path(&vm->base, &path, d)) < 0)
		return rc;
	vm->base_bytes = initramfs_bytes(&vm->base.ar);
	return 0;
}

static void base_down(struct vm *vm)
{
	if (vm->base_ready)
		base_release(&vm->base);
	vm->base_ready = false;
}

/* TERM and the window size reach the guest only when they are plain words. */
static int plain(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				    "._+-") == strlen(s);
}

static int add_env(struct vm *vm, struct kt_diag *d)
{
	const struct topo_spec *t = &vm->cfg->topo;
	const char *term = getenv("TERM");
	unsigned rows, cols;
	char env[512];
	int n;

	n = snprintf(env, sizeof(env), "KTSTR_MODE=%s\nKTSTR_TOPO=%u,%u,%u,%u\n",
		     vm->cfg->exec ? "exec" : "shell", t->nodes, t->llcs, t->cores, t->threads);
	if (!vm->cfg->exec && plain(term))
		n += snprintf(env + n, sizeof(env) - (size_t)n, "TERM=%s\n", term);
	if (!vm->cfg->exec && term_size(STDIN_FILENO, &rows, &cols) == 0)
		n += snprintf(env + n, sizeof(env) - (size_t)n, "ROWS=%u\nCOLS=%u\n", rows, cols);
	return initramfs_add_data(&vm->boot, "ktstr/env", env, (size_t)n, 0644, d);
}

static int build_boot(struct vm *vm, struct kt_diag *d)
{
	struct include inc;
	size_t i;
	int rc = 0;

	include_init(&inc, &vm->boot, &vm->base.ar);
	for (i = 0; i < vm->cfg->nincludes && rc == 0; i++)
		rc = include_add(&inc, vm->cfg->includes[i], d);
	if (rc == 0)
		rc = include_finish(&inc, d);
	vm->skipped = inc.skipped;
	include_release(&inc);
	if (rc == 0)
		rc = add_env(vm, d);
	if (rc == 0 && vm->cfg->exec) {
		char *cmd;

		if (asprintf(&cmd, "%s\n", vm->cfg->exec) < 0)
			return kt_diag_set(d, ENOMEM, "out of memory");
		rc = initramfs_add_data(&vm->boot, "ktstr/exec", cmd, strlen(cmd), 0644, d);
		free(cmd);
	}
	return rc;
}

/* The initrd qemu loads: the cached base, then this boot's archive, in one memfd. */
static int boot_up(struct vm *vm, struct kt_diag *d)
{
	int base_fd, rc;
	off_t off = 0;
	ssize_t n;

	initramfs_init(&vm->boot);
	vm->boot_ready = true;
	vm->initrd_fd = -1;
	if ((rc = build_boot(vm, d)) < 0)
		return rc;
	if ((vm->initrd_fd = memfd_create("ktstr-initrd", MFD_CLOEXEC)) < 0)
		return kt_diag_set(d, errno, "cannot create the initrd: %s", strerror(errno));
	if ((base_fd = open(vm->base.path, O_RDONLY | O_CLOEXEC)) < 0)
		return kt_diag_set(d, errno, "cannot open '%s': %s", vm->base.path, strerror(errno));
	while ((uint64_t)off < vm->base_bytes) {
		n = sendfile(vm->initrd_fd, base_fd, &off, vm->base_bytes - (uint64_t)off);
		if (n <= 0 && !(n < 0 && errno == EINTR))
			break;
	}
	close(base_fd);
	if ((uint64_t)off != vm->base_bytes)
		return kt_diag_set(d, EIO, "cannot copy '%s' into the initrd", vm->base.path);
	return initramfs_write(&vm->boot, vm->initrd_fd, &vm->boot_bytes, d);
}

static void boot_down(struct vm *vm)
{
	if (!vm->boot_ready)
		return;
	if (vm->initrd_fd >= 0)
		close(vm->initrd_fd);
	initramfs_release(&vm->boot);
	vm->boot_ready = false;
}

/*
 * Guest memory: the archive is in RAM twice while the kernel unpacks it
 * (initrd, then rootfs), plus room for the kernel and a workload.
 */
static int memory_up(struct vm *vm, struct kt_diag *d)
{
	uint64_t archive_mb = (vm->base_bytes + vm->boot_bytes + MIB - 1) / MIB;

	vm->memory_mb = vm->cfg->memory_mb;
	if (!vm->memory_mb) {
		vm->memory_mb = (unsigned)(MEMORY_BASE_MB + 2 * archive_mb);
		/* the same floor per node as --memory-mb has (vm_config_check) */
		if (vm->memory_mb < VM_MIN_NODE_MB * vm->cfg->topo.nodes)
			vm->memory_mb = VM_MIN_NODE_MB * vm->cfg->topo.nodes;
	} else if (vm->memory_mb < 2 * archive_mb + 64)
		return kt_diag_set(d, ENOMEM,
				   "--memory-mb %u is too small for a %llu MB initramfs; give at "
				   "least %llu, or leave it out",
				   vm->memory_mb, (unsigned long long)archive_mb,
				   (unsigned long long)(2 * archive_mb + 64));
	return 0;
}

/*
 * Host CPUs for the guest, reserved like a run's (lib/reserve): perf mode
 * holds one host CPU per vCPU exclusively (all of them when the guest has
 * more vCPUs than the host has CPUs, as under TCG here), no-perf mode a
 * shared budget of --cpu-cap CPUs (else one per vCPU).  qemu is confined to
 * them.
 */
static int cpus_up(struct vm *vm, struct kt_diag *d)
{
	const struct topo_spec *sp = &vm->cfg->topo;
	unsigned vcpus = sp->llcs * sp->cores * sp->threads;
	struct reserve_request q = { .exclusive = RESERVE_CPUS, .budget_cpus = vcpus };
	struct topo host;
	int rc;

	cpulist_init(&vm->host_cpus);
	reserve_init(&vm->res);
	if (vm->cfg->dry_run)
		return 0;
	topo_init(&host);
	if ((rc = topo_load_sysfs(&host, paths_sysfs(), d)) < 0)
		return rc;
	q.count = vcpus < host.cpus.n ? vcpus : (unsigned)host.cpus.n;
	rc = reserve_acquire(&vm->res, &vm->cfg->reserve, &host, &q, d);
	topo_release(&host);
	if (rc < 0)
		return rc;
	if (vm->res.warning[0])
		kt_warnx("%s", vm->res.warning);
	if (cpulist_copy(&vm->host_cpus, &vm->res.cpus) < 0)
		return kt_diag_set(d, ENOMEM, "out of memory");
	return 0;
}

static void cpus_down(struct vm *vm)
{
	reserve_release(&vm->res);
	cpulist_release(&vm->host_cpus);
}

static int term_up(struct vm *vm, struct kt_diag *d)
{
	int rc;

	term_init(&vm->term);
	if (vm->cfg->exec || vm->cfg->dry_run)
		return 0;
	if ((rc = term_raw(&vm->term, STDIN_FILENO)) < 0)
		return kt_diag_set(d, -rc, "cannot put the terminal in raw mode: %s", strerror(-rc));
	return 0;
}

static void term_down(struct vm *vm)
{
	term_restore(&vm->term);
}

static void build_cmdline(struct vm *vm)
{
	snprintf(vm->cmdline, sizeof(vm->cmdline), "console=ttyS0 8250.nr_uarts=4 panic=-1 %s%s%s",
		 vm->cfg->dmesg ? "loglevel=7" : "quiet", vm->cfg->append ? " " : "",
		 vm->cfg->append ? vm->cfg->append : "");
}

static void fill_launch(struct vm *vm, struct vm_launch *l)
{
	build_cmdline(vm);
	*l = (struct vm_launch){
		.qemu = vm->cfg->qemu,
		.image = vm->image,
		.initrd_fd = vm->initrd_fd,
		.cmdline = vm->cmdline,
		.topo = vm->cfg->topo,
		.memory_mb = vm->memory_mb,
		.host_cpus = vm->host_cpus.n ? &vm->host_cpus : NULL,
		.kvm = qemu_kvm_usable(),
	};
}

static int guest_up(struct vm *vm, struct kt_diag *d)
{
	struct vm_launch l;
	int rc;

	if (vm->cfg->dry_run)
		return 0;
	fill_launch(vm, &l);
	if (vm->cfg->verbose)
		kt_warnx("booting '%s' with %s (%s), %u MB, initramfs %llu + %llu bytes", vm->image,
			 vm->cfg->qemu, l.kvm ? "kvm" : "tcg", vm->memory_mb,
			 (unsigned long long)vm->base_bytes, (unsigned long long)vm->boot_bytes);
	vm->guest.ops = &vm_qemu_ops;
	if ((rc = vm->guest.ops->launch(&vm->guest, &l, d)) < 0)
		return rc;
	vm->guest_running = true;
	if (vm->cfg->verbose)
		kt_warnx("%s backend started (pid %d)", vm->guest.ops->name, (int)vm->guest.pid);
	return 0;
}

static void guest_down(struct vm *vm)
{
	int code;

	if (!vm->guest_running)
		return;
	vm->guest.ops->kill(&vm->guest);
	vm->guest.ops->wait(&vm->guest, &code);
	vm->guest_running = false;
}

/* Bring-up order; teardown runs backwards from the last level that came up. */
static const struct vm_level levels[] = {
	{ "kernel", kernel_up, kernel_down, KT_EXIT_USAGE },	     /* a bad --kernel */
	{ "base initramfs", base_up, base_down, KT_EXIT_ENV },
	{ "boot initramfs", boot_up, boot_down, KT_EXIT_USAGE }, /* a bad -i */
	{ "memory", memory_up, NULL, KT_EXIT_USAGE },		     /* --memory-mb too small */
	{ "host cpus", cpus_up, cpus_down, KT_EXIT_ENV },	     /* CPUs held by others */
	{ "terminal", term_up, term_down, KT_EXIT_ENV },
	{ "guest", guest_up, guest_down, KT_EXIT_ENV },
};

#define NLEVELS (sizeof(levels) / sizeof(levels[0]))

/* An argument as sh would need it: bare when plain, else in single quotes. */
static void print_quoted(const char *a)
{
	const char *p;

	if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "@%+=:,./_-") == strlen(a)) {
		printf(" %s", a);
		return;
	}
	printf(" '");
	for (p = a; *p; p++)
		if (*p == '\'')
			printf("'\\''");
		else
			putchar(*p);
	putchar('\'');
}

/* A KT_EXIT_* code: a command line that cannot be built fails here as it would at boot. */
static int dry_run(struct vm *vm)
{
	int chan[VM_NCHAN] = { -1, -1, -1, -1 };
	struct vm_launch l;
	char **argv, **a;
	struct kt_diag d;
	size_t i;

	fill_launch(vm, &l);
	if (qemu_build_argv(l.qemu, &l, chan, &argv, &d) < 0) {
		kt_warnx("%s", d.msg);
		return KT_EXIT_ENV;
	}
	printf("kernel %s\nmemory_mb %u\nbase %s %llu\nboot_bytes %llu\nqemu", vm->image,
	       vm->memory_mb, vm->base.path, (unsigned long long)vm->base_bytes,
	       (unsigned long long)vm->boot_bytes);
	for (a = argv; *a; a++)
		print_quoted(*a);
	qemu_free_argv(argv);
	printf("\n");
	for (i = 0; i < vm->boot.n; i++)
		printf("boot /%s\n", vm->boot.ent[i].path);
	return KT_EXIT_OK;
}

/* How the run ends, from what the relay saw: the guest's status or ours. */
static int verdict(struct vm *vm, struct relay *r, enum relay_end end, int backend_code)
{
	char panic[256];

	switch (end) {
	case RELAY_SIGNAL:
	case RELAY_OUTPUT_GONE:
		return KT_EXIT_INTR;
	case RELAY_ESCAPE:
		fputc('\n', stderr); /* the guest's prompt is still on the line */
		kt_warnx("the VM was killed (Ctrl-A x)");
		return KT_EXIT_INTR;
	case RELAY_IO_ERROR:
		kt_warnc(r->write_errno, NULL, "cannot write the guest's output");
		return KT_EXIT_ENV;
	case RELAY_TIMEOUT:
		kt_warnx("the guest did not finish within --timeout%s; it was killed",
			 r->init_uptime[0] ? "" : " (it had not started /init, nor its command)");
		relay_print_tail(r, TAIL_LINES);
		return KT_EXIT_ENV;
	case RELAY_IDLE:
		if (!r->init_uptime[0])
			kt_warnx("the guest kernel did not start /init within %.0f s (--idle-timeout "
				 "allows booting that long): it hangs at boot; the VM was killed",
				 (double)(ktime_now_ns() - r->start_ns) / 1e9);
		else
			kt_warnx("the guest command wrote nothing for %.0f s (--idle-timeout): it "
				 "hangs, or the guest does; the VM was killed",
				 (double)vm->cfg->idle_timeout_ns / 1e9);
		relay_print_tail(r, TAIL_LINES);
		return KT_EXIT_ENV;
	case RELAY_STOPPED:
		break;
	}
	if (r->exit_status >= 0)
		return r->exit_status;
	if (relay_panic_line(r, panic, sizeof(panic)))
		kt_warnx("the guest kernel panicked: %s", panic);
	else if (!r->init_uptime[0])
		kt_warnx("the guest never started /init (%s exited with status %d)",
			 vm->cfg->qemu, backend_code);
	else
		kt_warnx("the guest stopped without reporting an exit status");
	if (r->diag_len && !vm->cfg->verbose)
		fprintf(stderr, "%s: %s said:\n%.*s", kt_progname(), vm->cfg->qemu,
			(int)r->diag_len, r->diag);
	relay_print_tail(r, TAIL_LINES);
	return KT_EXIT_ENV;
}

static int relay_guest(struct vm *vm)
{
	uint64_t deadline = vm->cfg->timeout_ns ? ktime_now_ns() + vm->cfg->timeout_ns : 0;
	enum relay_end end;
	struct relay r;
	int code = 0, rc;

	relay_init(&r, &vm->guest, !vm->cfg->exec, vm->cfg->dmesg, vm->cfg->verbose);
	r.idle_ns = vm->cfg->exec ? vm->cfg->idle_timeout_ns : 0;
	end = relay_run(&r, deadline);
	if (end != RELAY_STOPPED)
		vm->guest.ops->kill(&vm->guest);
	relay_drain(&r);
	vm->guest.ops->wait(&vm->guest, &code);
	vm->guest_running = false;
	term_restore(&vm->term); /* before any message, so it reads right */
	rc = verdict(vm, &r, end, code);
	if (vm->cfg->verbose && r.exit_status >= 0)
		kt_warnx("guest exited with status %d, %.2f s after launch", r.exit_status,
			 (double)(ktime_now_ns() - r.start_ns) / 1e9);
	return rc;
}

int vm_run(const struct vm_config *c)
{
	struct vm vm = { .cfg = c, .initrd_fd = -1, .kernel_lock_fd = -1 };
	struct kt_diag d;
	bool failed = false;
	size_t up;
	int rc = KT_EXIT_OK;

	for (up = 0; up < NLEVELS && !failed; up++) {
		if (levels[up].up(&vm, &d) < 0) {
			term_restore(&vm.term);
			kt_warnx("%s", d.msg);
			rc = levels[up].fail_code;
			failed = true; /* up still counts it: a level that failed halfway releases */
		}
	}
	/* up == NLEVELS also when the last level (the guest) failed: never relay then */
	if (!failed && vm.skipped)
		kt_warnx("left %zu special files (sockets, FIFOs, devices) out of the includes",
			 vm.skipped);
	if (!failed)
		rc = c->dry_run ? dry_run(&vm) : relay_guest(&vm);
	while (up-- > 0)
		if (levels[up].down)
			levels[up].down(&vm);
	return rc;
}
