// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-locks: every ktstr lock file on the host (LLC, per-CPU, cache-entry,
 * run-dir) and who holds it, once or every interval.  Read-only: it lists
 * and stat()s, and never opens or locks a lock file (lib/lockscan).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "err.h"
#include "exit.h"
#include "ktime.h"
#include "lockscan.h"
#include "parse.h"
#include "paths.h"
#include "sig.h"
#include "topo.h"

static const char usage[] = "usage: ktstr-locks [--json] [--watch DURATION]\n";

static const char help[] =
	"List ktstr CPU, LLC, cache-entry and run-dir locks and the processes holding them.\n"
	"Read-only: never takes a lock.\n"
	"\n"
	"  -j, --json              JSON: pretty once, or one compact object per line with --watch\n"
	"  -w, --watch DURATION    repeat every DURATION (100ms, 1s, 5m) until interrupted\n"
	"  -h, --help              this help\n"
	"  -V, --version           version and library versions\n"
	"\n"
	"Lock files live in $KTSTR_LOCK_DIR (default /tmp) and <cache dir>/.locks.\n"
	"See ktstr-locks(1).\n";

/* Below 10 ms a redraw loop would only burn the CPU it is meant to watch. */
#define WATCH_MIN_NS (10 * KTIME_NS_PER_MS)
#define WATCH_MAX_NS (24ull * 3600 * KTIME_NS_PER_SEC)

struct locks_opts {
	bool json;
	uint64_t watch_ns; /* 0: once */
	int json_seen, watch_seen;
};

static int locks_opts_parse(struct locks_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "watch", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct kt_diag d;
	int c;

	while ((c = getopt_long(argc, argv, ":hjVw:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_exit_help(usage, help);
		case 'j':
			if (cli_once(usage, &o->json_seen, "--json"))
				return -1;
			o->json = true;
			break;
		case 'V':
			cli_exit_version();
		case 'w':
			if (cli_once(usage, &o->watch_seen, "--watch"))
				return -1;
			if (parse_duration_ns(optarg, WATCH_MIN_NS, WATCH_MAX_NS, &o->watch_ns, &d) < 0) {
				cli_usage_error(usage, "--watch: %s", d.msg);
				return -1;
			}
			break;
		default:
			cli_bad_option(usage, argv, c);
			return -1;
		}
	}
	if (optind < argc) {
		cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

/* The first frame's errors go to stderr too, once; later frames only carry them. */
static void warn_errors(const json_t *snap)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(snap, "errors"), i, e)
		kt_warnx("cannot read '%s': %s; it is left out",
			 json_string_value(json_object_get(e, "path")),
			 json_string_value(json_object_get(e, "error")));
}

static int print_frame(const struct locks_opts *o, const json_t *snap, bool redraw)
{
	if (o->json) {
		if (json_dumpf(snap, stdout, o->watch_ns ? JSON_COMPACT : JSON_INDENT(2)) < 0)
			return -EIO;
		putchar('\n');
	} else {
		if (redraw)
			fputs("\033[H\033[2J", stdout);
		lockscan_print_text(snap, stdout);
		if (o->watch_ns && !redraw)
			putchar('\n');
	}
	return fflush(stdout) == EOF || ferror(stdout) ? -EIO : 0;
}

/* Sleep one interval, or less when a stop signal arrives. */
static void wait_interval(uint64_t ns)
{
	struct pollfd pfd = { .fd = kt_signals_fd(), .events = POLLIN };
	uint64_t ms = (ns + KTIME_NS_PER_MS - 1) / KTIME_NS_PER_MS;

	if (!kt_stopping())
		poll(&pfd, 1, (int)(ms > 86400000 ? 86400000 : ms));
}

static int locks_run(const struct locks_opts *o)
{
	bool redraw = o->watch_ns && !o->json && isatty(STDOUT_FILENO), first = true;
	struct kt_diag d;
	struct topo t;
	json_t *snap;
	int rc = KT_EXIT_OK;

	topo_init(&t);
	/* without a topology the rows still list, with unknown nodes */
	if (topo_load_sysfs(&t, paths_sysfs(), &d) < 0)
		kt_warnx("%s; NUMA nodes and LLC CPUs are shown as unknown", d.msg);
	do {
		snap = lockscan_snapshot(t.nllcs ? &t : NULL);
		if (!snap) {
			kt_warnx("out of memory");
			rc = KT_EXIT_ENV;
			break;
		}
		if (first)
			warn_errors(snap);
		first = false;
		rc = print_frame(o, snap, redraw) < 0 ? KT_EXIT_ENV : KT_EXIT_OK;
		json_decref(snap);
		if (o->watch_ns && rc == KT_EXIT_OK)
			wait_interval(o->watch_ns);
	} while (o->watch_ns && rc == KT_EXIT_OK && !kt_stopping());
	topo_release(&t);
	return rc;
}

int main(int argc, char **argv)
{
	struct locks_opts o = { 0 };
	int rc;

	kt_set_progname(argv[0]);
	if (locks_opts_parse(&o, argc, argv) < 0)
		return KT_EXIT_USAGE;
	kt_signals_install();
	rc = locks_run(&o);
	/* --watch runs until Ctrl-C: that is its normal end, not an interruption */
	if (o.watch_ns && rc == KT_EXIT_OK && kt_stop_signal() == SIGINT &&
	    fflush(stdout) == 0 && !ferror(stdout))
		return KT_EXIT_OK;
	return kt_finish_stdout(rc);
}
