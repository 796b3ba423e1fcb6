// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-vm: boot a kernel in a VM with a chosen CPU topology, the ktstr
 * tools and the user's files inside; run a command there (its output and
 * exit status come back) or an interactive shell.  "ktstr shell" runs this.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "exit.h"
#include "parse.h"
#include "sig.h"
#include "topo.h"
#include "vm.h"

static const char usage[] =
	"usage: ktstr-vm --kernel id [--topology N,L,C,T] [-i path]... [--memory-mb mb]\n"
	"                [--exec cmd [--idle-timeout duration]] [--dmesg] [--timeout duration]\n"
	"                [--append params] [--backend backend] [--no-perf-mode [--cpu-cap n]]\n"
	"                [--lock-timeout duration] [-v] [--dry-run]\n";

static const char help[] =
	"Boot a kernel in a VM with a chosen CPU topology and run a command or a shell.\n"
	"\n"
	"      --append params       extra kernel command-line parameters (repeatable)\n"
	"      --backend backend     auto (default), qemu, or native (not implemented yet)\n"
	"      --cpu-cap n           reserve n host CPUs for the VM (needs --no-perf-mode)\n"
	"      --dmesg               kernel console to stderr, loglevel 7\n"
	"      --dry-run             build the initramfs, print the qemu command, boot nothing\n"
	"      --exec cmd            run cmd with sh in the guest; its stdout, stderr and\n"
	"                            exit status become ours (default: interactive shell)\n"
	"  -h, --help                this help\n"
	"      --idle-timeout duration\n"
	"                            with --exec: kill the VM when the command writes\n"
	"                            nothing on stdout for this long\n"
	"  -i, --include-files path  a file or directory to put under /include-files\n"
	"                            (repeatable; bare names are looked up on PATH)\n"
	"      --kernel id           a bzImage or vmlinuz, a kernel source directory, or a\n"
	"                            version or cache key (ktstr-kernel resolve)\n"
	"      --lock-timeout duration\n"
	"                            wait this long for host CPUs another run holds\n"
	"      --memory-mb mb        guest memory (minimum 128; default: estimated)\n"
	"      --no-perf-mode        share host CPUs instead of holding one per vCPU\n"
	"      --timeout duration    kill the VM after this long (e.g. 90s, 10m; default none)\n"
	"      --topology N,L,C,T    NUMA nodes, LLCs, cores per LLC, threads per core\n"
	"                            (default 1,1,1,1)\n"
	"  -V, --version             version and library versions\n"
	"  -v, --verbose             boot timing and qemu's own messages on stderr\n"
	"\n"
	"Interactive mode needs a terminal; Ctrl-A x kills the VM.  See ktstr-vm(1).\n";

enum {
	OPT_APPEND = 256,
	OPT_BACKEND,
	OPT_CPU_CAP,
	OPT_LOCK_TIMEOUT,
	OPT_DMESG,
	OPT_DRY_RUN,
	OPT_EXEC,
	OPT_IDLE,
	OPT_KERNEL,
	OPT_MEMORY,
	OPT_NO_PERF,
	OPT_TIMEOUT,
	OPT_TOPOLOGY,
};

struct seen {
	int backend, cpu_cap, exec, idle, kernel, lock_timeout, memory, timeout, topology;
	struct reserve_flags rflags;
};

static int parse_backend(const char *s, enum vm_backend *out)
{
	if (!strcmp(s, "auto"))
		*out = VM_BACKEND_AUTO;
	else if (!strcmp(s, "qemu"))
		*out = VM_BACKEND_QEMU;
	else if (!strcmp(s, "native"))
		*out = VM_BACKEND_NATIVE;
	else
		return cli_usage_error(usage, "--backend '%s': choose auto, qemu or native", s);
	return 0;
}

/* One option with a value; returns 0 or KT_EXIT_USAGE (the message is out). */
static int parse_value(struct vm_config *c, struct seen *s, int opt, const char *v)
{
	struct kt_diag d;
	uint64_t mb;

	switch (opt) {
	case OPT_BACKEND:
		return cli_once(usage, &s->backend, "--backend") ?: parse_backend(v, &c->backend);
	case OPT_CPU_CAP:
		s->rflags.cpu_cap = v;
		return cli_once(usage, &s->cpu_cap, "--cpu-cap");
	case OPT_LOCK_TIMEOUT:
		s->rflags.lock_timeout = v;
		return cli_once(usage, &s->lock_timeout, "--lock-timeout");
	case OPT_EXEC:
		c->exec = v;
		return cli_once(usage, &s->exec, "--exec");
	case OPT_KERNEL:
		c->kernel = v;
		return cli_once(usage, &s->kernel, "--kernel");
	case OPT_MEMORY:
		if (cli_once(usage, &s->memory, "--memory-mb"))
			return KT_EXIT_USAGE;
		if (parse_u64(v, VM_MIN_MEMORY_MB, VM_MAX_MEMORY_MB, &mb, &d) < 0)
			return cli_usage_error(usage, "--memory-mb: %s", d.msg);
		c->memory_mb = (unsigned)mb;
		return 0;
	case OPT_TIMEOUT:
		if (cli_once(usage, &s->timeout, "--timeout"))
			return KT_EXIT_USAGE;
		if (parse_duration_ns(v, 1000000, 30ull * 86400 * 1000000000, &c->timeout_ns, &d) < 0)
			return cli_usage_error(usage, "--timeout: %s", d.msg);
		return 0;
	case OPT_IDLE:
		if (cli_once(usage, &s->idle, "--idle-timeout"))
			return KT_EXIT_USAGE;
		if (parse_duration_ns(v, 1000000, 30ull * 86400 * 1000000000, &c->idle_timeout_ns,
				      &d) < 0)
			return cli_usage_error(usage, "--idle-timeout: %s", d.msg);
		return 0;
	case OPT_TOPOLOGY:
		if (cli_once(usage, &s->topology, "--topology"))
			return KT_EXIT_USAGE;
		if (topo_parse_spec(v, &c->topo, &d) < 0)
			return cli_usage_error(usage, "--topology %s", d.msg);
		return 0;
	case 'i':
		return vm_config_add_include(c, v) < 0 ? cli_usage_error(usage, "out of memory") : 0;
	case OPT_APPEND:
		return vm_config_add_append(c, v) < 0 ? cli_usage_error(usage, "out of memory") : 0;
	}
	return cli_usage_error(usage, "internal: unhandled option %d", opt);
}

static int vm_opts_parse(struct vm_config *c, struct seen *s, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "cpu-cap", required_argument, NULL, OPT_CPU_CAP },
		{ "dmesg", no_argument, NULL, OPT_DMESG },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "exec", required_argument, NULL, OPT_EXEC },
		{ "help", no_argument, NULL, 'h' },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE },
		{ "include-files", required_argument, NULL, 'i' },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "memory-mb", required_argument, NULL, OPT_MEMORY },
		{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
		{ "no-perf-mode", no_argument, NULL, OPT_NO_PERF },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "topology", required_argument, NULL, OPT_TOPOLOGY },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, ":hi:Vv", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_exit_help(usage, help);
		case 'V':
			cli_exit_version();
		case 'v':
			c->verbose = true;
			break;
		case OPT_DMESG:
			c->dmesg = true;
			break;
		case OPT_DRY_RUN:
			c->dry_run = true;
			break;
		case OPT_NO_PERF:
			s->rflags.no_perf = true;
			break;
		case '?':
		case ':':
			return cli_bad_option(usage, argv, opt);
		default:
			if (parse_value(c, s, opt, optarg))
				return KT_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'; quote the command for --exec",
				       argv[optind]);
	return 0;
}

/* The CPU reservation options and their KTSTR_* variables, by lib/reserve's rules. */
static int vm_opts_env(struct vm_config *c, const struct seen *s)
{
	struct kt_diag d;

	if (reserve_config_load(&c->reserve, &s->rflags, &d) < 0)
		return cli_usage_error(usage, "%s", d.msg);
	return 0;
}

/* The ktstr tools to pack are the ones beside this executable. */
static int find_tools_dir(struct vm_config *c)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0) {
		kt_warn("cannot find this executable through '/proc/self/exe'");
		return -1;
	}
	self[n] = '\0';
	if (!(c->tools_dir = strdup(dirname(self)))) {
		kt_warnx("out of memory");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vm_config c;
	struct seen s = { 0 };
	struct kt_diag d;
	int rc;

	kt_set_progname(argv[0]);
	vm_config_init(&c);
	if (vm_opts_parse(&c, &s, argc, argv) || vm_opts_env(&c, &s)) {
		vm_config_release(&c);
		return KT_EXIT_USAGE; /* the reason is already on stderr */
	}
	if (vm_config_check(&c, &d) < 0) {
		cli_usage_error(usage, "%s", d.msg);
		vm_config_release(&c);
		return KT_EXIT_USAGE;
	}
	if (find_tools_dir(&c) < 0) {
		vm_config_release(&c);
		return KT_EXIT_ENV;
	}
	kt_signals_install();
	rc = vm_run(&c);
	vm_config_release(&c);
	return kt_finish_stdout(rc);
}
