// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-hst: host-state snapshots.  "capture" writes every thread's
 * scheduling, memory and I/O counters to a .hst.zst file; "compare" shows
 * what changed between two of them.  The work is in lib/hst_*.c.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "exit.h"
#include "hst_capture.h"
#include "hst_compare.h"
#include "hst_file.h"
#include "hst_report.h"
#include "hst_snap.h"
#include "parse.h"
#include "paths.h"
#include "sig.h"
#include "suggest.h"

static int cmd_capture(int argc, char **argv);
static int cmd_compare(int argc, char **argv);

/* As the man page's SYNOPSIS; t/docs.bats keeps them equal. */
static const char usage_capture[] = "usage: ktstr-hst capture -o FILE\n";
static const char usage_compare[] =
	"usage: ktstr-hst compare BASELINE CANDIDATE [--group-by KEY] [--cgroup-flatten GLOB] ...\n"
	"                 [--metric NAME] ... [--top N] [--min-delta X[%]] [--all] [--json]\n"
	"                 [--fail-on-change]\n";

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
	const char *help;
};

static const struct subcommand subcommands[] = {
	{ "capture", cmd_capture, usage_capture, "write a snapshot of every thread's counters",
	  "Write a snapshot of every thread's counters (schedstat, sched, status, io, stat,\n"
	  "cgroup) and of each cgroup's cpu and memory counters to FILE, zstd-compressed\n"
	  "JSON.  An existing FILE is replaced atomically.\n"
	  "\n"
	  "  -o, --output FILE  where to write (convention: NAME.hst.zst)\n"
	  "  -h, --help         this help\n"
	  "\n"
	  "Reads $KTSTR_PROC_ROOT, $KTSTR_SYSFS_ROOT, $KTSTR_CGROUP_ROOT.  See ktstr-hst(1).\n" },
	{ "compare", cmd_compare, usage_compare, "show what changed between two snapshots",
	  "Show what changed between two snapshots: per group of threads (pcomm and comm\n"
	  "by default) and per cgroup, each metric's baseline, candidate, delta and percent.\n"
	  "\n"
	  "  -g, --group-by KEY         pcomm,comm (default), pcomm, comm or cgroup\n"
	  "  -f, --cgroup-flatten GLOB  merge cgroups whose leading path components match\n"
	  "  -m, --metric NAME          only this metric (repeatable)\n"
	  "  -n, --top N                at most N rows per metric\n"
	  "  -d, --min-delta X[%]       only rows whose |delta| (or |percent|) is at least X\n"
	  "  -a, --all                  list unchanged rows too\n"
	  "  -j, --json                 one JSON object instead of a table\n"
	  "  -F, --fail-on-change       exit 1 if any changed row is listed\n"
	  "  -h, --help                 this help\n"
	  "\n"
	  "See ktstr-hst(1) for the metrics and the JSON fields.\n" },
};

#define NSUB (sizeof(subcommands) / sizeof(subcommands[0]))

/* Every subcommand's usage, from the table, as vmctl prints it. */
static const char *usage_top(void)
{
	static char buf[1024];
	size_t i, n = 0;

	if (buf[0])
		return buf;
	for (i = 0; i < NSUB; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "       " : "",
				      subcommands[i].usage + (i ? strlen("usage: ") : 0));
	return buf;
}

static void print_help(void)
{
	size_t i;

	printf("%s\nHost-state snapshots: per-thread scheduler, memory and I/O counters.\n",
	       usage_top());
	for (i = 0; i < NSUB; i++)
		printf("\n%s: %s\n\n%s", subcommands[i].name, subcommands[i].summary,
		       strstr(subcommands[i].help, "\n\n") + 2);
}

/* ---- capture ---- */

struct capture_sink {
	struct hst_file_out out;
	bool failed; /* a write failed: its diag already names the file */
};

static int sink_write(void *arg, const void *buf, size_t len, struct kt_diag *d)
{
	struct capture_sink *cs = arg;
	int rc = hst_file_write(&cs->out, buf, len, d);

	cs->failed |= rc < 0;
	return rc;
}

/* Say which files could not be read: those fields are null, and why matters. */
static void warn_unreadable(const struct hst_capture_stats *st)
{
	bool denied;
	int k, e;

	for (k = 0; k < HST_NFILES; k++) {
		if (!st->unreadable[k])
			continue;
		e = st->unreadable_errno[k];
		denied = (e == EACCES || e == EPERM) && geteuid() != 0;
		kt_warnc(e,
			 denied ? "recorded as null; run as root to read them" : "recorded as null",
			 "cannot read '%s' of %zu thread(s)", hst_file_kind_name(k),
			 st->unreadable[k]);
	}
}

static void block_stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static int capture_run(const char *path)
{
	struct hst_capture_opts o = { paths_proc(), paths_sysfs(), paths_cgroup(), 0 };
	struct hst_capture_stats st;
	struct capture_sink cs = { .failed = false };
	struct hst_sink sink = { sink_write, &cs };
	struct kt_diag d;
	int rc;

	if (hst_file_create(&cs.out, path, &d) < 0) {
		kt_warnx("%s", d.msg);
		return KT_EXIT_ENV;
	}
	rc = hst_capture_run(&o, &sink, &st, &d);
	if (rc == -EINTR) {
		hst_file_abort(&cs.out);
		return KT_EXIT_INTR;
	}
	if (rc < 0) {
		hst_file_abort(&cs.out);
		if (cs.failed)
			kt_warnx("%s", d.msg);
		else
			kt_warnx("cannot capture host state: %s", d.msg);
		return KT_EXIT_ENV;
	}
	/*
	 * Past this point the capture completes: a signal now would leave a whole
	 * file behind an "interrupted" exit.  Block them, then look once more.
	 */
	block_stop_signals();
	if (kt_stopping()) {
		hst_file_abort(&cs.out);
		return KT_EXIT_INTR;
	}
	if (hst_file_commit(&cs.out, &d) < 0) {
		kt_warnx("%s", d.msg);
		return KT_EXIT_ENV;
	}
	warn_unreadable(&st);
	kt_warnx("wrote '%s': %zu threads of %zu processes, %zu cgroups, in %.1f ms", path,
		 st.threads, st.processes, st.cgroups, (double)st.duration_ns / 1e6);
	return KT_EXIT_OK;
}

static int cmd_capture(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	int c, seen = 0;

	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("%s\n%s", usage_capture, subcommands[0].help);
			return KT_EXIT_OK;
		case 'o':
			if (cli_once(usage_capture, &seen, "--output"))
				return KT_EXIT_USAGE;
			path = optarg;
			break;
		default:
			return cli_bad_option(usage_capture, argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage_capture, "unexpected argument '%s'", argv[optind]);
	if (!path || !*path)
		return cli_usage_error(usage_capture, "capture needs -o FILE");
	kt_signals_install();
	return capture_run(path);
}

/* ---- compare ---- */

struct compare_opts {
	const char *path[2];
	struct hst_cmp_opts cmp;
	struct hst_filter filter;
	int metrics[HST_MAX_METRICS];
	bool json, fail_on_change;
	int seen_by, seen_top, seen_min, seen_all, seen_json, seen_fail;
};

static int add_metric(struct compare_opts *o, const char *name)
{
	const char *names[HST_MAX_METRICS], *hint;
	int m = hst_metric_find(name);
	size_t i;

	if (m >= 0) {
		for (i = 0; i < o->filter.nmetrics; i++)
			if (o->metrics[i] == m)
				return 0;
		o->metrics[o->filter.nmetrics++] = m;
		return 0;
	}
	for (i = 0; i < hst_nmetrics; i++)
		names[i] = hst_metrics[i].name;
	hint = suggest_closest(name, names, hst_nmetrics);
	if (hint)
		return cli_usage_error(usage_compare, "unknown metric '%s'; did you mean '%s'?",
				       name, hint);
	return cli_usage_error(usage_compare, "unknown metric '%s'; ktstr-hst(1) lists them", name);
}

static int parse_min_delta(struct compare_opts *o, const char *arg)
{
	size_t n = strlen(arg);
	char num[64];
	struct kt_diag d;

	o->filter.min_is_pct = n > 0 && arg[n - 1] == '%';
	snprintf(num, sizeof(num), "%.*s", (int)(n - o->filter.min_is_pct), arg);
	if (parse_double(num, 0, 1e18, &o->filter.min_delta, &d) < 0)
		return cli_usage_error(usage_compare, "--min-delta: %s (a number, or a percentage "
						      "like 5%%)",
				       d.msg);
	o->filter.has_min = true;
	return 0;
}

static int compare_option(struct compare_opts *o, int c, char **argv)
{
	struct kt_diag d;
	unsigned top;

	switch (c) {
	case 'a':
		o->filter.all = true;
		return cli_once(usage_compare, &o->seen_all, "--all");
	case 'd':
		if (cli_once(usage_compare, &o->seen_min, "--min-delta"))
			return KT_EXIT_USAGE;
		return parse_min_delta(o, optarg);
	case 'f':
		if (hst_cmp_add_flatten(&o->cmp, optarg, &d) < 0)
			return cli_usage_error(usage_compare, "--cgroup-flatten: %s", d.msg);
		return 0;
	case 'F':
		o->fail_on_change = true;
		return cli_once(usage_compare, &o->seen_fail, "--fail-on-change");
	case 'g':
		if (cli_once(usage_compare, &o->seen_by, "--group-by"))
			return KT_EXIT_USAGE;
		if (hst_cmp_parse_group_by(optarg, &o->cmp.by) < 0)
			return cli_usage_error(usage_compare, "--group-by '%s': choose pcomm,comm, "
							      "pcomm, comm or cgroup",
					       optarg);
		return 0;
	case 'j':
		o->json = true;
		return cli_once(usage_compare, &o->seen_json, "--json");
	case 'm':
		return add_metric(o, optarg);
	case 'n':
		if (cli_once(usage_compare, &o->seen_top, "--top"))
			return KT_EXIT_USAGE;
		if (parse_uint(optarg, 1, 1000000, &top, &d) < 0)
			return cli_usage_error(usage_compare, "--top %s", d.msg);
		o->filter.top = top;
		return 0;
	default:
		return cli_bad_option(usage_compare, argv, c);
	}
}

static int compare_parse(struct compare_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "cgroup-flatten", required_argument, NULL, 'f' },
		{ "fail-on-change", no_argument, NULL, 'F' },
		{ "group-by", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "metric", required_argument, NULL, 'm' },
		{ "min-delta", required_argument, NULL, 'd' },
		{ "top", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":ad:Ff:g:hjm:n:", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("%s\n%s", usage_compare, subcommands[1].help);
			return -1;
		}
		if (compare_option(o, c, argv) != 0)
			return KT_EXIT_USAGE;
	}
	if (argc - optind != 2)
		return cli_usage_error(usage_compare, "compare needs two snapshots, BASELINE and "
						      "CANDIDATE; %d given",
				       argc - optind);
	o->path[0] = argv[optind];
	o->path[1] = argv[optind + 1];
	o->filter.metrics = o->metrics;
	return 0;
}

/* A file that is not a snapshot is bad input (2); one we cannot read, the environment's (3). */
static int load(struct hst_snap *s, const char *path)
{
	struct kt_diag d;
	int rc = hst_snap_load(s, path, &d);

	if (rc == 0)
		return 0;
	if (rc == -EPROTO) {
		kt_warnx("cannot load '%s': %s; compare it with the ktstr-hst that captured it",
			 path, d.msg);
		return KT_EXIT_USAGE;
	}
	if (rc == -EINVAL || rc == -EFBIG) {
		kt_warnx("cannot load '%s': %s; give a .hst.zst file written by "
			 "'ktstr-hst capture'",
			 path, d.msg);
		return KT_EXIT_USAGE;
	}
	kt_warnx("cannot load '%s': %s", path, d.msg);
	return rc == -ENOENT || rc == -EISDIR || rc == -ENOTDIR ? KT_EXIT_USAGE : KT_EXIT_ENV;
}

static int compare_run(struct compare_opts *o)
{
	struct hst_snap s[2];
	struct hst_result r;
	const struct hst_row **rows = NULL;
	struct hst_report rep = { { o->path[0], o->path[1] }, { &s[0], &s[1] }, o->cmp.by };
	long n, i, changed = 0;
	int rc;

	hst_snap_init(&s[0]);
	hst_snap_init(&s[1]);
	hst_result_init(&r);
	if ((rc = load(&s[0], o->path[0])) || (rc = load(&s[1], o->path[1])))
		goto out;
	rc = KT_EXIT_ENV;
	if (hst_compare(&s[0], &s[1], &o->cmp, &r) < 0 ||
	    (n = hst_result_select(&r, &o->filter, &rows)) < 0) {
		kt_warnx("out of memory");
		goto out;
	}
	if ((o->json ? hst_report_json : hst_report_text)(stdout, &rep, rows, (size_t)n) < 0) {
		kt_warnx("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		changed += rows[i]->status != HST_SAME;
	rc = o->fail_on_change && changed ? KT_EXIT_FAIL : KT_EXIT_OK;
out:
	free(rows);
	hst_result_release(&r);
	hst_snap_release(&s[1]);
	hst_snap_release(&s[0]);
	return rc;
}

static int cmd_compare(int argc, char **argv)
{
	struct compare_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.cmp.by = HST_BY_PCOMM_COMM;
	rc = compare_parse(&o, argc, argv);
	if (rc < 0) /* --help */
		rc = KT_EXIT_OK;
	else if (rc == 0) {
		kt_signals_install();
		rc = compare_run(&o);
	}
	hst_cmp_opts_release(&o.cmp);
	return rc;
}

/* ---- dispatch ---- */

static int unknown_subcommand(const char *name)
{
	return cli_unknown_command(usage_top(), subcommands, NSUB, sizeof(subcommands[0]), name);
}

int main(int argc, char **argv)
{
	size_t i;

	kt_set_progname(argv[0]);
	if (argc < 2)
		return cli_usage_error(usage_top(), "no command given: capture or compare");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_help();
		return kt_finish_stdout(KT_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		cli_print_version(stdout);
		return kt_finish_stdout(KT_EXIT_OK);
	}
	if (argv[1][0] == '-')
		return cli_usage_error(usage_top(), "unknown option '%s'", argv[1]);
	for (i = 0; i < NSUB; i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return kt_finish_stdout(subcommands[i].run(argc - 1, argv + 1));
	return unknown_subcommand(argv[1]);
}
