// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-work: the worker engine.  Without --work-type it is a stream
 * filter driven by spawn/start/op/stop records; with --work-type it runs
 * one group of workers for --duration as a scenario of its own.  The work
 * is in lib/workpool (processes), lib/worker + lib/work_* (the workers) and
 * lib/workstream (the record loop).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "affinity.h"
#include "cli.h"
#include "err.h"
#include "exit.h"
#include "file.h"
#include "ktime.h"
#include "ndjson.h"
#include "parse.h"
#include "paths.h"
#include "procattr.h"
#include "sig.h"
#include "topo.h"
#include "workpool.h"
#include "workspec.h"
#include "workstream.h"

static const char usage[] =
	"usage: ktstr-work [--work-type T --workers N --duration S [--cgroup PATH]\n"
	"                  [--affinity none|llc|cpu|random|CPULIST]\n"
	"                  [--policy normal|batch|idle|fifo:P|rr:P] [--nice N]\n"
	"                  [--param K=V] ... [--sequence PHASES]]\n";

static const char help[] =
	"Fork workers, start them together, stop them, and report one \"worker\"\n"
	"record each.  Without --work-type: read spawn/start/op/stop records on stdin.\n"
	"\n"
	"  -t, --work-type T     run workers of type T (CpuSpin, PipeIo, ...; see ktstr-work(1))\n"
	"  -n, --workers N       how many (a multiple of the type's group size)\n"
	"  -d, --duration S      how long: 10s, 500ms, 1m ...\n"
	"  -c, --cgroup PATH     place the workers in this cgroup directory\n"
	"  -a, --affinity A      none, llc, cpu, random, or a CPU list such as 0-3\n"
	"  -p, --policy P        normal, batch, idle, fifo:PRIO or rr:PRIO\n"
	"  -N, --nice N          nice value, -20..19\n"
	"  -P, --param K=V       a work type parameter (repeatable, each K once)\n"
	"  -s, --sequence PHASES a Sequence: spin:5ms,sleep:1ms,yield:2ms,io:1ms\n"
	"  -h, --help            this help\n"
	"  -V, --version         version and library versions\n";

#define MAX_PARAMS 16

struct work_opts {
	const char *type, *cgroup, *aff, *policy, *sequence;
	const char *param[MAX_PARAMS];
	unsigned nparam, workers;
	uint64_t duration_ns;
	int nice;
	int seen_type, seen_workers, seen_duration, seen_cgroup, seen_aff, seen_policy,
		seen_nice, seen_seq;
	/* validated */
	struct workspec spec;
	struct affinity affinity;
	struct procattr_policy pol;
	char cgroup_path[4096];
};

/* A singular string option: given twice is an error naming it. */
static int opt_once(int *seen, const char *name, const char **dst, const char *arg)
{
	if (cli_once(usage, seen, name))
		return -1;
	*dst = arg;
	return 0;
}

static int opt_number(struct work_opts *o, int c, const char *arg)
{
	struct kt_diag d;
	int rc = 0;

	switch (c) {
	case 'n':
		if (cli_once(usage, &o->seen_workers, "--workers"))
			return -1;
		rc = parse_uint(arg, 1, WORKPOOL_MAX_WORKERS, &o->workers, &d);
		break;
	case 'd':
		if (cli_once(usage, &o->seen_duration, "--duration"))
			return -1;
		rc = parse_duration_ns(arg, 1000000, 366ull * 86400 * 1000000000, &o->duration_ns,
				       &d);
		break;
	default:
		if (cli_once(usage, &o->seen_nice, "--nice"))
			return -1;
		rc = parse_int(arg, PROCATTR_NICE_MIN, PROCATTR_NICE_MAX, &o->nice, &d);
		break;
	}
	if (rc < 0) {
		cli_usage_error(usage, "%s: %s",
				c == 'n' ? "--workers" : c == 'd' ? "--duration" : "--nice", d.msg);
		return -1;
	}
	return 0;
}

static int work_opts_parse(struct work_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "affinity", required_argument, NULL, 'a' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "nice", required_argument, NULL, 'N' },
		{ "workers", required_argument, NULL, 'n' },
		{ "policy", required_argument, NULL, 'p' },
		{ "param", required_argument, NULL, 'P' },
		{ "sequence", required_argument, NULL, 's' },
		{ "work-type", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0;

	while (!rc && (c = getopt_long(argc, argv, ":a:c:d:hN:n:p:P:s:t:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_exit_help(usage, help);
		case 'V':
			cli_exit_version();
		case 'n':
		case 'd':
		case 'N':
			if (opt_number(o, c, optarg) < 0)
				return -1;
			break;
		case 'P':
			if (o->nparam == MAX_PARAMS) {
				cli_usage_error(usage, "more than %d --param", MAX_PARAMS);
				return -1;
			}
			o->param[o->nparam++] = optarg;
			break;
		case 'a':
			rc = opt_once(&o->seen_aff, "--affinity", &o->aff, optarg);
			break;
		case 'c':
			rc = opt_once(&o->seen_cgroup, "--cgroup", &o->cgroup, optarg);
			break;
		case 'p':
			rc = opt_once(&o->seen_policy, "--policy", &o->policy, optarg);
			break;
		case 's':
			rc = opt_once(&o->seen_seq, "--sequence", &o->sequence, optarg);
			break;
		case 't':
			rc = opt_once(&o->seen_type, "--work-type", &o->type, optarg);
			break;
		default:
			cli_bad_option(usage, argv, c);
			return -1;
		}
	}
	if (rc < 0)
		return -1;
	if (optind < argc) {
		cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

static bool standalone(const struct work_opts *o)
{
	return o->type || o->sequence;
}

/* The same key twice would let the last one win unseen, so it is refused. */
static int check_param_once(const struct work_opts *o, unsigned i)
{
	size_t n = strcspn(o->param[i], "=");
	unsigned k;

	for (k = 0; k < i; k++)
		if (strcspn(o->param[k], "=") == n && !strncmp(o->param[k], o->param[i], n))
			return cli_usage_error(usage, "--param: '%.*s' given twice", (int)n,
					       o->param[i]);
	return 0;
}

static int check_spec(struct work_opts *o)
{
	struct kt_diag d;
	unsigned i;

	if (o->sequence && o->type && strcmp(o->type, "Sequence"))
		return cli_usage_error(usage, "--sequence runs a Sequence, not %s", o->type);
	if (o->type && !o->sequence && !strcmp(o->type, "Sequence"))
		return cli_usage_error(usage, "--work-type Sequence needs --sequence PHASES");
	if (o->sequence ? workspec_parse_sequence(&o->spec, o->sequence, &d) < 0
			: workspec_from_name(&o->spec, o->type, &d) < 0)
		return cli_usage_error(usage, "%s: %s", o->sequence ? "--sequence" : "--work-type",
				       d.msg);
	for (i = 0; i < o->nparam; i++) {
		if (check_param_once(o, i))
			return KT_EXIT_USAGE;
		if (workspec_set_param(&o->spec, o->param[i], &d) < 0)
			return cli_usage_error(usage, "--param: %s", d.msg);
	}
	if (workspec_check_count(&o->spec, o->workers, &d) < 0)
		return cli_usage_error(usage, "--workers: %s", d.msg);
	return 0;
}

static int work_opts_check(struct work_opts *o)
{
	struct kt_diag d;

	if (!standalone(o)) {
		const char *given = o->seen_workers ? "--workers" : o->seen_duration ? "--duration"
				    : o->cgroup ? "--cgroup" : o->aff ? "--affinity"
				    : o->policy ? "--policy" : o->seen_nice ? "--nice"
				    : o->nparam ? "--param" : NULL;

		if (given)
			return cli_usage_error(usage, "%s needs --work-type (without it "
						      "ktstr-work reads spawn records)", given);
		return 0;
	}
	if (!o->seen_workers || !o->seen_duration)
		return cli_usage_error(usage, "--work-type needs --workers and --duration");
	if (check_spec(o))
		return KT_EXIT_USAGE;
	if (o->aff && affinity_parse(&o->affinity, o->aff, &d) < 0)
		return cli_usage_error(usage, "--affinity: %s", d.msg);
	if (procattr_policy_parse(&o->pol, o->policy ? o->policy : "normal", &d) < 0)
		return cli_usage_error(usage, "--policy: %s", d.msg);
	if (o->cgroup &&
	    paths_fmt(o->cgroup_path, sizeof(o->cgroup_path), "%s%s%s",
		      o->cgroup[0] == '/' ? "" : paths_cgroup(), o->cgroup[0] == '/' ? "" : "/",
		      o->cgroup) < 0)
		return cli_usage_error(usage, "--cgroup: path too long");
	return 0;
}

/* The standalone run is a scenario of its own, so ktstr-check can judge it. */
static json_t *scenario_begin(const struct work_opts *o, const char *name)
{
	json_t *rec = ndjson_record("scenario_begin");
	char scen[64];

	snprintf(scen, sizeof(scen), "ktstr-work/%s", workspec_type_name(o->spec.type));
	json_object_update_new(
		rec,
		json_pack("{s:s, s:s, s:s, s:[], s:s, s:s, s:i, s:i, s:I, s:I, s:s, s:n, "
			  "s:{s:n, s:n, s:n, s:n, s:n, s:n, s:n}}",
			  "name", name, "scenario", scen, "profile", "default", "flags",
			  "category", "standalone", "description", "a ktstr-work --work-type run",
			  "index", 1, "total", 1, "duration_ns", (json_int_t)o->duration_ns,
			  "workers", (json_int_t)o->workers, "cgroup_backend", "none", "parent",
			  "checks", "max_spread_pct", "max_gap_ms", "isolation", "max_wake_cv",
			  "max_throughput_cv", "max_wake_p99_us", "min_iterations_per_s"));
	return rec;
}

/*
 * llc and cpu placement need a topology: the first input record, else sysfs.
 * Nothing else waits for the input (a pipe that never closes must not stall
 * the run), so without them input records are copied as they come, maybe
 * after our scenario_begin.
 */
static int load_topo(struct workstream *s, const struct work_opts *o, struct topo *t)
{
	struct kt_diag d;
	int rc;

	if (!affinity_needs_topo(&o->affinity))
		return 0;
	rc = workstream_first_topo(s, t, &d);
	if (rc == -EINTR)
		return KT_EXIT_INTR; /* a signal while we waited: an interruption, not bad input */
	if (rc < 0) {
		kt_warnx("%s; fix the input stream (see ktstr-ndjson(5))", d.msg);
		return KT_EXIT_USAGE;
	}
	if (rc == 1)
		return 0;
	if (topo_load_sysfs(t, paths_sysfs(), &d) < 0) {
		kt_warnx("%s; pipe ktstr-topo into ktstr-work or set KTSTR_SYSFS_ROOT", d.msg);
		return KT_EXIT_ENV;
	}
	return 0;
}

static json_t *scenario_end(const char *name, uint64_t t0, const char *error)
{
	uint64_t now = ktime_now_ns();

	return json_pack("{s:s, s:I, s:s, s:I, s:s?}", "type", "scenario_end", "t_ns",
			 (json_int_t)now, "name", name, "elapsed_ns", (json_int_t)(now - t0),
			 "error", error);
}

/*
 * A worker could not be set up: report it as stream mode does (an error
 * record naming the group, every worker with its stop_reason), close the
 * scenario with the reason, and exit 3.
 */
static int spawn_failed(struct workstream *s, const char *name, uint64_t t0,
			const struct kt_diag *d)
{
	char msg[sizeof(d->msg) + 32];
	json_t *rec;

	snprintf(msg, sizeof(msg), "cannot start the workers: %s", d->msg);
	kt_warnx("%s; check --cgroup, --affinity, --policy and privileges", msg);
	rec = ndjson_error_record(msg, false);
	if (rec)
		json_object_set_new(rec, "group", json_integer(1));
	workstream_emit(s, rec);
	workstream_stop_all(s, "stop");
	workstream_emit(s, scenario_end(name, t0, msg));
	return KT_EXIT_ENV;
}

static int spawn_and_run(struct workstream *s, const struct work_opts *o, const struct topo *t)
{
	const char *paths[1] = { o->cgroup_path };
	struct workpool_spawn req = {
		.group = 1,
		.cgroup = o->cgroup ? o->cgroup : NULL,
		.paths = paths,
		.npaths = o->cgroup ? 1 : 0,
		.spec = o->spec,
		.count = o->workers,
		.policy = o->pol,
		.nice = o->nice,
		.affinity = &o->affinity,
		.topo = t,
	};
	char name[96];
	uint64_t t0;
	struct kt_diag d;
	int rc;

	snprintf(name, sizeof(name), "ktstr-work/%s/default", workspec_type_name(o->spec.type));
	req.scenario = name;
	if (workstream_emit(s, scenario_begin(o, name)) < 0)
		return KT_EXIT_INTR;
	t0 = ktime_now_ns();
	if (workpool_spawn(s->pool, &req, &d) < 0)
		return spawn_failed(s, name, t0, &d);
	t0 = ktime_now_ns();
	workpool_start(s->pool, NULL, 0, &d);
	rc = workstream_run(s, t0 + o->duration_ns);
	if (s->write_err)
		return rc;
	workstream_emit(s, scenario_end(name, t0, NULL));
	return rc;
}

static int work_run(const struct work_opts *o)
{
	struct workpool *pool;
	struct workstream s;
	struct kt_diag d;
	struct topo t;
	int rc;

	if (o->cgroup && !file_is_dir(o->cgroup_path)) {
		kt_warnx("cgroup '%s' is not a directory; create it first (or use ktstr-cgroup)",
			 o->cgroup_path);
		return KT_EXIT_ENV;
	}
	pool = workpool_new(&d);
	if (!pool) {
		kt_warnx("%s", d.msg);
		return KT_EXIT_ENV;
	}
	topo_init(&t);
	workstream_init(&s, pool, standalone(o) && isatty(STDIN_FILENO) ? -1 : STDIN_FILENO,
			stdout, !standalone(o));
	if (!standalone(o))
		rc = workstream_run(&s, 0);
	else if (!(rc = load_topo(&s, o, &t)))
		rc = spawn_and_run(&s, o, &t);
	workstream_release(&s);
	workpool_free(pool);
	topo_release(&t);
	return rc;
}

int main(int argc, char **argv)
{
	struct work_opts o = { 0 };
	int rc;

	kt_set_progname(argv[0]);
	affinity_init(&o.affinity);
	if (work_opts_parse(&o, argc, argv) < 0 || work_opts_check(&o) != 0)
		return KT_EXIT_USAGE;
	kt_signals_install();
	rc = work_run(&o);
	affinity_release(&o.affinity);
	return kt_finish_stdout(rc);
}
