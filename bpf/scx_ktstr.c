// SPDX-License-Identifier: GPL-2.0
/*
 * scx_ktstr: load and attach the fixture scheduler (scx_ktstr.bpf.c) with
 * the chosen fault, report how it ended, and, for the "exit" fault, die by
 * SIGKILL as a crashing scheduler would.  Built by mk/sched-kernel.sh
 * against the kernel tree's libbpf; not installed.
 *
 * The steps are written out (open, set knobs, load, attach, wait, detach,
 * destroy) so that every failure says what failed and exits 3; the end
 * report has the format of the kernel tree's UEI_REPORT, which ktstr-sched
 * reads: an optional "DEBUG DUMP" section, then "EXIT: reason (message)".
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exit.h"
#include "parse.h"
#include "scx_ktstr.bpf.skel.h"
#include "scx_ktstr.h"

static const char usage[] =
	"usage: scx_ktstr [--fault none|starve|outside-cpuset|stall|error|exit] [--cgroup name]\n"
	"                 [--after duration] [--starve duration] [--cpu n] [--timeout-ms ms]\n"
	"                 [-v]\n";

static const char help[] =
	"The ktstr fixture scheduler: global FIFO, with one fault to inject.\n"
	"\n"
	"      --after duration   the fault takes effect this long after it is armed (default 0)\n"
	"      --cgroup name      arm the fault when a task of the cgroup with this directory\n"
	"                         name wakes up, and aim starve and outside-cpuset at its\n"
	"                         tasks (default: armed at attach)\n"
	"      --cpu n            the CPU that stall stops (default: the last)\n"
	"      --fault f          none (default), starve, outside-cpuset, stall, error, exit\n"
	"  -h, --help             this help\n"
	"      --starve duration  how long starved tasks wait (default 8s)\n"
	"      --timeout-ms ms    the sched_ext watchdog timeout (default: 3000 with stall,\n"
	"                         else the kernel's)\n"
	"  -v, --verbose          libbpf's debug messages\n";

static const char *const fault_names[] = {
	[KTSTR_FAULT_NONE] = "none",	 [KTSTR_FAULT_STARVE] = "starve",
	[KTSTR_FAULT_OUTSIDE_CPUSET] = "outside-cpuset",
	[KTSTR_FAULT_STALL] = "stall",	 [KTSTR_FAULT_ERROR] = "error",
	[KTSTR_FAULT_EXIT] = "exit",
};

#define NFAULTS (sizeof(fault_names) / sizeof(fault_names[0]))
#define NS_PER_S 1000000000ull

struct opts {
	unsigned fault;
	const char *cgroup;
	uint64_t after_ns, starve_ns;
	int cpu;
	unsigned timeout_ms;
	bool verbose;
};

static volatile sig_atomic_t stop;
static bool verbose;

static void on_signal(int sig)
{
	stop = sig;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int bad(const char *fmt, const char *arg, const char *why)
{
	fprintf(stderr, "scx_ktstr: ");
	fprintf(stderr, fmt, arg, why);
	fprintf(stderr, "\n%s", usage);
	return -1;
}

static int parse_fault(const char *s, unsigned *out)
{
	unsigned i;

	for (i = 0; i < NFAULTS; i++)
		if (!strcmp(s, fault_names[i])) {
			*out = i;
			return 0;
		}
	return bad("--fault '%s': %s", s,
		   "choose none, starve, outside-cpuset, stall, error or exit");
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "after", required_argument, NULL, 'a' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "fault", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "starve", required_argument, NULL, 's' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct kt_diag d;
	int c, rc = 0;

	while (!rc && (c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (parse_duration_ns(optarg, 0, 3600 * NS_PER_S, &o->after_ns, &d) < 0)
				rc = bad("--after: %s%s", d.msg, "");
			break;
		case 'c':
			if (parse_int(optarg, 0, 4095, &o->cpu, &d) < 0)
				rc = bad("--cpu: %s%s", d.msg, "");
			break;
		case 'f':
			rc = parse_fault(optarg, &o->fault);
			break;
		case 'g':
			if (strlen(optarg) >= KTSTR_NAME_LEN)
				rc = bad("--cgroup '%s': %s", optarg, "too long");
			o->cgroup = optarg;
			break;
		case 'h':
			printf("%s\n%s", usage, help);
			exit(KT_EXIT_OK);
		case 's':
			if (parse_duration_ns(optarg, 1000000, 3600 * NS_PER_S, &o->starve_ns,
					      &d) < 0)
				rc = bad("--starve: %s%s", d.msg, "");
			break;
		case 't':
			if (parse_uint(optarg, 1, 30000, &o->timeout_ms, &d) < 0)
				rc = bad("--timeout-ms: %s%s", d.msg, "");
			break;
		case 'v':
			o->verbose = true;
			break;
		default:
			fprintf(stderr, "%s", usage);
			return -1;
		}
	}
	if (!rc && optind < argc)
		rc = bad("unexpected argument '%s'%s", argv[optind], "");
	return rc;
}

/* The stall fault needs a task that may only run on the stalled CPU: this one. */
static void *canary(void *arg)
{
	int cpu = *(int *)arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!stop)
		usleep(50000);
	return NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void report(const struct scx_ktstr *skel)
{
	const struct scx_ktstr__bss *b = skel->bss;

	if (b->exit_dump[0])
		fprintf(stderr, "\nDEBUG DUMP\n%s\n\n%s\n%s\n\n", "================================"
			"================================================", b->exit_dump,
			"================================================================"
			"================");
	fprintf(stderr, "EXIT: %s", b->exit_reason[0] ? b->exit_reason : "detached");
	if (b->exit_msg[0])
		fprintf(stderr, " (%s)", b->exit_msg);
	fputc('\n', stderr);
}

/* Wait for a signal, the kernel ending us, or the exit fault's moment. */
static void run(const struct opts *o, struct scx_ktstr *skel)
{
	while (!stop && !skel->bss->exited) {
		if (o->fault == KTSTR_FAULT_EXIT && skel->bss->armed_ns &&
		    now_ns() >= skel->bss->armed_ns + o->after_ns) {
			fprintf(stderr, "scx_ktstr: fault exit: killing myself with SIGKILL\n");
			raise(SIGKILL);
		}
		usleep(20000);
	}
}

int main(int argc, char **argv)
{
	struct opts o = { .fault = KTSTR_FAULT_NONE, .starve_ns = 8 * NS_PER_S, .cpu = -1 };
	struct bpf_link *link = NULL;
	struct scx_ktstr *skel;
	pthread_t th;
	int rc = KT_EXIT_ENV, err;

	if (parse_opts(&o, argc, argv) < 0)
		return KT_EXIT_USAGE;
	verbose = o.verbose;
	libbpf_set_print(print_libbpf);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o.cpu < 0)
		o.cpu = libbpf_num_possible_cpus() - 1;
	skel = scx_ktstr__open();
	if (!skel) {
		fprintf(stderr, "scx_ktstr: cannot open the BPF object: %s\n", strerror(errno));
		return KT_EXIT_ENV;
	}
	skel->rodata->fault = o.fault;
	skel->rodata->after_ns = o.after_ns;
	skel->rodata->starve_ns = o.starve_ns;
	skel->rodata->fault_cpu = o.cpu;
	if (o.cgroup)
		strcpy((char *)skel->rodata->target_cgroup, o.cgroup);
	skel->struct_ops.ktstr_ops->timeout_ms =
		o.timeout_ms ? o.timeout_ms : o.fault == KTSTR_FAULT_STALL ? 3000 : 0;
	if ((err = scx_ktstr__load(skel))) {
		fprintf(stderr, "scx_ktstr: cannot load the BPF program: %s\n", strerror(-err));
		goto out;
	}
	link = bpf_map__attach_struct_ops(skel->maps.ktstr_ops);
	if (!link) {
		fprintf(stderr, "scx_ktstr: cannot attach: %s\n", strerror(errno));
		goto out;
	}
	printf("scx_ktstr: attached, fault %s%s%s\n", fault_names[o.fault],
	       o.cgroup ? ", cgroup " : "", o.cgroup ? o.cgroup : "");
	fflush(stdout);
	if (o.fault == KTSTR_FAULT_STALL && pthread_create(&th, NULL, canary, &o.cpu) == 0)
		pthread_detach(th);
	run(&o, skel);
	bpf_link__destroy(link);
	report(skel);
	rc = skel->bss->exit_kind >= 1024 ? KT_EXIT_FAIL : KT_EXIT_OK; /* SCX_EXIT_ERROR and up */
out:
	scx_ktstr__destroy(skel);
	return rc;
}
