// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-check: judge a record stream.  Reads scenario, cgroup, spawn and
 * worker records, computes per-group statistics, applies the checks and
 * writes a verdict per scenario as soon as it ends, then a summary.
 * Exit 1 when any scenario failed (skips are not failures).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"
#include "cli.h"
#include "err.h"
#include "exit.h"
#include "judge.h"
#include "ktime.h"
#include "ndjson.h"
#include "parse.h"
#include "render.h"
#include "sig.h"

static const char usage[] =
	"usage: ktstr-check [--text | --json | --tap | --ndjson] [--junit file] [--spread-limit pct]\n"
	"                   [--gap-limit-ms ms] [--wake-p99-limit-us us] [--wake-cv-limit cv]\n"
	"                   [--throughput-cv-limit cv] [--min-iteration-rate n] [--no-isolation]\n";

static const char help[] =
	"Judge the records on standard input: one verdict per scenario, then a summary.\n"
	"\n"
	"  -t, --text                   lines for people (the default on a terminal)\n"
	"  -j, --json                   a JSON array of results at the end\n"
	"      --tap                    TAP version 13\n"
	"      --ndjson                 every input record, plus verdict and summary records\n"
	"                               (the default when standard output is not a terminal)\n"
	"      --junit FILE             also write JUnit XML to FILE\n"
	"      --spread-limit PCT       off-CPU spread within a group (default 15)\n"
	"      --gap-limit-ms MS        longest stall of a worker (default 2000)\n"
	"      --wake-p99-limit-us US   pooled p99 wake latency of a group\n"
	"      --wake-cv-limit CV       wake latency coefficient of variation\n"
	"      --throughput-cv-limit CV work per CPU-second variation across workers\n"
	"      --min-iteration-rate N   iterations per second of every worker\n"
	"      --no-isolation           do not check that workers stay in their cpuset\n"
	"  -h, --help                   this help\n"
	"  -V, --version                version\n"
	"\n"
	"Command-line limits override the scenario's, which override the defaults.\n"
	"See ktstr-check(1).\n";

enum {
	OPT_TAP = 256,
	OPT_NDJSON,
	OPT_JUNIT,
	OPT_SPREAD,
	OPT_GAP,
	OPT_P99,
	OPT_WAKE_CV,
	OPT_TPUT_CV,
	OPT_MIN_RATE,
	OPT_NO_ISOLATION,
};

struct check_opts {
	enum render_format fmt;
	int fmt_seen;
	const char *junit;
	struct check_limits cli;
	int seen[16];
};

static int limit_opt(struct check_opts *o, int opt, const char *name, double max, double *dst)
{
	struct kt_diag d;

	if (cli_once(usage, &o->seen[opt - OPT_TAP], name))
		return -1;
	if (parse_double(optarg, 0, max, dst, &d) < 0) {
		cli_usage_error(usage, "%s: %s", name, d.msg);
		return -1;
	}
	return 0;
}

static int set_format(struct check_opts *o, enum render_format fmt)
{
	if (cli_once(usage, &o->fmt_seen, "--text/--json/--tap/--ndjson"))
		return -1;
	o->fmt = fmt;
	return 0;
}

static int check_opts_parse(struct check_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "gap-limit-ms", required_argument, NULL, OPT_GAP },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "min-iteration-rate", required_argument, NULL, OPT_MIN_RATE },
		{ "ndjson", no_argument, NULL, OPT_NDJSON },
		{ "no-isolation", no_argument, NULL, OPT_NO_ISOLATION },
		{ "spread-limit", required_argument, NULL, OPT_SPREAD },
		{ "tap", no_argument, NULL, OPT_TAP },
		{ "text", no_argument, NULL, 't' },
		{ "throughput-cv-limit", required_argument, NULL, OPT_TPUT_CV },
		{ "version", no_argument, NULL, 'V' },
		{ "wake-cv-limit", required_argument, NULL, OPT_WAKE_CV },
		{ "wake-p99-limit-us", required_argument, NULL, OPT_P99 },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0;

	while (!rc && (c = getopt_long(argc, argv, ":hjtV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_exit_help(usage, help);
		case 'V':
			cli_exit_version();
		case 't':
			rc = set_format(o, RENDER_TEXT);
			break;
		case 'j':
			rc = set_format(o, RENDER_JSON);
			break;
		case OPT_TAP:
			rc = set_format(o, RENDER_TAP);
			break;
		case OPT_NDJSON:
			rc = set_format(o, RENDER_NDJSON);
			break;
		case OPT_JUNIT:
			rc = cli_once(usage, &o->seen[c - OPT_TAP], "--junit") ? -1 : 0;
			o->junit = optarg;
			break;
		case OPT_SPREAD:
			rc = limit_opt(o, c, "--spread-limit", 100, &o->cli.max_spread_pct);
			break;
		case OPT_GAP:
			rc = limit_opt(o, c, "--gap-limit-ms", 1e9, &o->cli.max_gap_ms);
			break;
		case OPT_P99:
			rc = limit_opt(o, c, "--wake-p99-limit-us", 1e12, &o->cli.max_wake_p99_us);
			break;
		case OPT_WAKE_CV:
			rc = limit_opt(o, c, "--wake-cv-limit", 1e6, &o->cli.max_wake_cv);
			break;
		case OPT_TPUT_CV:
			rc = limit_opt(o, c, "--throughput-cv-limit", 1e6, &o->cli.max_throughput_cv);
			break;
		case OPT_MIN_RATE:
			rc = limit_opt(o, c, "--min-iteration-rate", 1e12,
				       &o->cli.min_iterations_per_s);
			break;
		case OPT_NO_ISOLATION:
			o->cli.isolation = 0;
			break;
		default:
			cli_bad_option(usage, argv, c);
			return -1;
		}
	}
	if (!rc && optind < argc)
		rc = cli_usage_error(usage, "unexpected argument '%s'", argv[optind]) ? -1 : 0;
	return rc;
}

struct checker {
	const struct check_opts *o;
	struct judge judge;
	struct render render;
	struct ndjson_reader in;
	struct ndjson_writer out;
	bool progress; /* stderr is a terminal */
	bool progress_shown;
};

static void clear_progress(struct checker *c)
{
	if (c->progress_shown)
		fputs("\r\033[K", stderr);
	c->progress_shown = false;
}

static void show_progress(struct checker *c)
{
	uint64_t begin, dur, now = ktime_now_ns();
	const char *name = judge_current(&c->judge, &begin, &dur);
	long left;

	if (!c->progress || !name)
		return;
	left = dur && now < begin + dur ? (long)((begin + dur - now) / KTIME_NS_PER_SEC) : 0;
	fprintf(stderr, "\r\033[K[%ld/%ld] %s %ld:%02ld left", c->judge.index, c->judge.total, name,
		left / 60, left % 60);
	c->progress_shown = true;
}

static int emit_verdict(struct checker *c, json_t *v)
{
	int rc = 0;

	if (!v)
		return 0;
	clear_progress(c);
	if (c->o->fmt == RENDER_NDJSON)
		rc = ndjson_write(&c->out, v);
	render_verdict(&c->render, v);
	json_decref(v);
	return rc;
}

/* One input record: pass it on (NDJSON), judge it. */
static int on_record(struct checker *c, json_t *rec, struct kt_diag *d)
{
	struct kt_diag why = { "" };
	json_t *v = NULL;
	int rc = 0;

	if (c->o->fmt == RENDER_NDJSON)
		rc = ndjson_write_line(&c->out, &c->in);
	if (!rc && (rc = judge_feed(&c->judge, rec, &v, &why)) < 0)
		kt_diag_set(d, rc, "line %ld: %s", c->in.lineno,
			    rc == -ENOMEM ? "out of memory" : why.msg);
	if (!rc)
		rc = emit_verdict(c, v);
	return rc;
}

/* Read until end of input, a stop signal or an error; returns 0 or <0. */
static int read_stream(struct checker *c, struct kt_diag *d)
{
	struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
				 { .fd = kt_signals_fd(), .events = POLLIN } };
	json_t *rec;
	int rc;

	for (;;) {
		while ((rc = ndjson_next(&c->in, &rec, d)) > 0) {
			rc = on_record(c, rec, d);
			json_decref(rec);
			if (rc < 0)
				return rc;
		}
		if (rc != -EAGAIN && rc != -EINTR)
			return rc;
		if (kt_stopping())
			return -EINTR;
		show_progress(c);
		if (poll(pfd, 2, c->progress ? 1000 : -1) < 0 && errno != EINTR)
			return kt_diag_set(d, errno, "poll: %s", strerror(errno));
	}
}

/* why: the reason the rest of the stream was not judged, NULL at its end. */
static int finish(struct checker *c, int rc, const char *why)
{
	json_t *summary;
	int werr;

	emit_verdict(c, judge_finish(&c->judge, why));
	summary = judge_summary(&c->judge);
	clear_progress(c);
	if (c->o->fmt == RENDER_NDJSON)
		ndjson_write(&c->out, summary);
	render_finish(&c->render, summary);
	if (c->o->junit && (werr = render_junit_file(&c->render, summary, c->o->junit)) < 0) {
		kt_warnc(-werr, NULL, "cannot write '%s'", c->o->junit);
		if (rc == KT_EXIT_OK || rc == KT_EXIT_FAIL)
			rc = KT_EXIT_ENV;
	}
	if (rc == KT_EXIT_OK && json_integer_value(json_object_get(summary, "failed")))
		rc = KT_EXIT_FAIL;
	json_decref(summary);
	return rc;
}

static int check_run(const struct check_opts *o)
{
	struct checker c = { .o = o };
	struct kt_diag d;
	int rc, code = KT_EXIT_OK;

	judge_init(&c.judge, &o->cli);
	render_init(&c.render, o->fmt, stdout);
	ndjson_reader_init(&c.in, STDIN_FILENO);
	ndjson_writer_init(&c.out, stdout);
	c.progress = isatty(STDERR_FILENO);
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	rc = read_stream(&c, &d);
	if (rc == -EINTR || rc == -EPIPE) {
		code = KT_EXIT_INTR;
	} else if (rc < 0) {
		kt_warnx("%s", d.msg);
		if (o->fmt == RENDER_NDJSON)
			ndjson_write_new(&c.out, ndjson_error_record(d.msg, true));
		code = rc == -ENOMEM ? KT_EXIT_ENV : KT_EXIT_USAGE;
	}
	/*
	 * Not one line: nothing ran, so there is nothing to sum up.  In ktstr run
	 * that is a stage before us failing before it wrote anything (a usage
	 * error), which ktstr names; "0/0 passed" would read as a run.
	 */
	if (c.in.lineno > 0)
		code = finish(&c, code, code == KT_EXIT_USAGE || code == KT_EXIT_ENV ? d.msg : NULL);
	ndjson_reader_release(&c.in);
	render_release(&c.render);
	judge_release(&c.judge);
	return code;
}

int main(int argc, char **argv)
{
	struct check_opts o = { 0 };

	kt_set_progname(argv[0]);
	checks_unset(&o.cli);
	o.fmt = isatty(STDOUT_FILENO) ? RENDER_TEXT : RENDER_NDJSON;
	if (check_opts_parse(&o, argc, argv) < 0)
		return KT_EXIT_USAGE;
	kt_signals_install();
	return kt_finish_stdout(check_run(&o));
}
