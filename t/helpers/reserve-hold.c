// SPDX-License-Identifier: GPL-2.0
/*
 * reserve-hold: take a CPU reservation through lib/reserve, print it as one
 * JSON line, hold it until SIGINT/SIGTERM, release it and exit 0.  Tests use
 * it as a concurrent ktstr run; it shows in one file how a tool calls the API.
 *
 * Exit: 0 held and released, 2 bad options or environment rules, 3 the
 * reservation failed (contention, lock directory, too many CPUs).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "cpulist.h"
#include "err.h"
#include "exit.h"
#include "parse.h"
#include "paths.h"
#include "reserve.h"
#include "sig.h"
#include "topo.h"

static const char usage[] =
	"usage: reserve-hold [--no-perf-mode] [--cpu-cap N] [--lock-timeout DURATION]\n"
	"                    [--llcs N | --cpus N] [--budget N] [--allowed CPULIST]\n";

struct hold_opts {
	struct reserve_flags flags;
	struct reserve_request q;
	struct cpulist allowed;
	int llcs_seen, cpus_seen;
};

static int count_arg(const char *name, const char *s, unsigned *out)
{
	struct kt_diag d;

	if (parse_uint(s, 0, CPULIST_MAX_CPU + 1, out, &d) < 0)
		return cli_usage_error(usage, "%s: %s", name, d.msg);
	return 0;
}

static int parse_opts(struct hold_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allowed", required_argument, NULL, 'a' },
		{ "budget", required_argument, NULL, 'b' },
		{ "cpu-cap", required_argument, NULL, 'C' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "llcs", required_argument, NULL, 'l' },
		{ "no-perf-mode", no_argument, NULL, 'n' },
		{ "lock-timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct kt_diag d;
	int c;

	while ((c = getopt_long(argc, argv, ":a:b:C:c:hl:nt:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (cpulist_parse(&o->allowed, optarg, CPULIST_STRICT, &d) < 0)
				return cli_usage_error(usage, "--allowed: %s", d.msg);
			o->q.allowed = &o->allowed;
			break;
		case 'b':
			if (count_arg("--budget", optarg, &o->q.budget_cpus))
				return KT_EXIT_USAGE;
			break;
		case 'C':
			o->flags.cpu_cap = optarg;
			break;
		case 'c':
			o->cpus_seen = 1;
			o->q.exclusive = RESERVE_CPUS;
			if (count_arg("--cpus", optarg, &o->q.count))
				return KT_EXIT_USAGE;
			break;
		case 'h':
			printf("%s", usage);
			exit(KT_EXIT_OK);
		case 'l':
			o->llcs_seen = 1;
			if (count_arg("--llcs", optarg, &o->q.count))
				return KT_EXIT_USAGE;
			break;
		case 'n':
			o->flags.no_perf = true;
			break;
		case 't':
			o->flags.lock_timeout = optarg;
			break;
		default:
			return cli_bad_option(usage, argv, c);
		}
	}
	if (o->llcs_seen && o->cpus_seen)
		return cli_usage_error(usage, "--llcs and --cpus are mutually exclusive");
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int print_reservation(const struct reserve *r)
{
	json_t *o = reserve_to_json(r);
	int rc;

	if (!o || json_object_set_new(o, "pid", json_integer(getpid())) < 0)
		return -ENOMEM;
	rc = json_dumpf(o, stdout, JSON_COMPACT);
	json_decref(o);
	if (rc < 0 || putchar('\n') == EOF || fflush(stdout) == EOF)
		return -EIO;
	return 0;
}

static int hold(const struct hold_opts *o, const struct reserve_config *cfg)
{
	struct pollfd pfd = { .fd = kt_signals_fd(), .events = POLLIN };
	struct reserve r;
	struct kt_diag d;
	struct topo t;
	int rc = KT_EXIT_OK;

	topo_init(&t);
	reserve_init(&r);
	if (topo_load_sysfs(&t, paths_sysfs(), &d) < 0) {
		kt_warnx("%s", d.msg);
		rc = KT_EXIT_ENV;
	} else if (reserve_acquire(&r, cfg, &t, &o->q, &d) < 0) {
		kt_warnx("%s", d.msg);
		rc = KT_EXIT_ENV;
	} else {
		if (r.warning[0])
			kt_warnx("%s", r.warning);
		if (print_reservation(&r) < 0)
			rc = KT_EXIT_ENV;
		while (rc == KT_EXIT_OK && !kt_stopping())
			poll(&pfd, 1, -1);
	}
	reserve_release(&r);
	topo_release(&t);
	return rc;
}

int main(int argc, char **argv)
{
	struct hold_opts o = { 0 };
	struct reserve_config cfg;
	struct kt_diag d;
	int rc;

	kt_set_progname(argv[0]);
	cpulist_init(&o.allowed);
	o.q.exclusive = RESERVE_LLCS;
	rc = parse_opts(&o, argc, argv);
	if (rc == 0 && reserve_config_load(&cfg, &o.flags, &d) < 0)
		rc = cli_usage_error(usage, "%s", d.msg);
	if (rc == 0) {
		kt_signals_install();
		rc = hold(&o, &cfg); /* a signal is how it is meant to end: exit 0 */
	}
	cpulist_release(&o.allowed);
	return rc;
}
