// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-cgroup: the scenario engine.  `run` reads the topo record, plans
 * each scenario x flag profile and carries it out on the clock (cgroups
 * here, worker requests downstream); `list` shows the catalog; `cleanup`
 * removes what killed runs left behind.  Subcommands are rows of cmds[],
 * as in vmctl: name, handler, usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "cgclean.h"
#include "cgroup.h"
#include "cli.h"
#include "err.h"
#include "exit.h"
#include "ktime.h"
#include "parse.h"
#include "paths.h"
#include "profile.h"
#include "reserve.h"
#include "runner.h"
#include "scenario.h"
#include "sig.h"
#include "suggest.h"
#include "workpool.h"
#include "worktype.h"

#define MAX_FILES 64

static const char usage_run[] =
	"usage: ktstr-cgroup run [--dry-run] [--duration DURATION] [--filter SUB] [--category NAME]\n"
	"                        [--flags LIST] [--scenario NAME[/PROFILE]] [--scenario-file FILE]\n"
	"                        [--settle DURATION] [--work-type TYPE] [--workers N]\n"
	"                        [--no-perf-mode] [--cpu-cap N] [--lock-timeout DURATION]\n";
static const char usage_list[] =
	"usage: ktstr-cgroup list [--filter SUB] [--json] [--scenario-file FILE]\n";
static const char usage_cleanup[] = "usage: ktstr-cgroup cleanup [--parent-cgroup PATH]\n";
static const char usage_top[] =
	"usage: ktstr-cgroup run [--dry-run] [--duration DURATION] [--filter SUB] [--category NAME]\n"
	"                        [--flags LIST] [--scenario NAME[/PROFILE]] [--scenario-file FILE]\n"
	"                        [--settle DURATION] [--work-type TYPE] [--workers N]\n"
	"                        [--no-perf-mode] [--cpu-cap N] [--lock-timeout DURATION]\n"
	"       ktstr-cgroup list [--filter SUB] [--json] [--scenario-file FILE]\n"
	"       ktstr-cgroup cleanup [--parent-cgroup PATH]\n"
	"       ktstr-cgroup --backend | --help | --version\n";

static const char help_top[] =
	"Scenario engine: plans scenarios against the topology on standard input,\n"
	"creates and changes cgroups on a timeline, and asks ktstr-work for workers.\n"
	"\n"
	"  run       carry out scenarios: ktstr-topo | ktstr-cgroup run | ktstr-work | ktstr-check\n"
	"  list      the scenarios with their categories and flag profiles\n"
	"  cleanup   remove cgroups left behind by killed runs\n"
	"\n"
	"  -b, --backend   show the cgroup backend this host offers\n"
	"  -h, --help      this help ('ktstr-cgroup <command> --help' for a command's options)\n"
	"  -V, --version   version and library versions\n"
	"\n"
	"Cgroups live under $KTSTR_CGROUP_ROOT (default /sys/fs/cgroup).  See ktstr-cgroup(1)\n"
	"and ktstr-scenario(5).\n";

static const char help_run[] =
	"Carry out scenarios x flag profiles, one after another (those of one scenario\n"
	"together), reading the topo record from standard input.\n"
	"\n"
	"  -d, --duration DURATION   D, each scenario's length (default 20s; a bare number is seconds)\n"
	"  -F, --filter SUB          scenarios whose name contains SUB\n"
	"  -c, --category NAME       scenarios of this category (basic, cpuset, stress, ...)\n"
	"  -f, --flags LIST          run only this flag profile (comma-separated, or 'default');\n"
	"                            repeatable\n"
	"  -n, --dry-run             plan only: print the records a run would make, touch nothing\n"
	"      --no-perf-mode        share LLCs with other runs instead of holding them alone\n"
	"      --cpu-cap N           with --no-perf-mode: run on exactly N reserved CPUs\n"
	"      --lock-timeout DUR    wait this long for busy CPUs (default 0: fail at once)\n"
	"  -s, --scenario NAME       exactly this scenario (NAME/PROFILE: one profile); repeatable\n"
	"  -S, --scenario-file FILE  add the scenarios in FILE (ktstr-scenario(5)); repeatable\n"
	"      --settle DURATION     S, time for the system to settle before measuring (default 100ms)\n"
	"  -t, --work-type TYPE      use TYPE instead of CpuSpin in steady scenarios (not Sequence)\n"
	"  -w, --workers N           W, workers per cgroup where a scenario leaves it open (default 4)\n"
	"  -h, --help                this help\n";

struct cmd {
	const char *name;
	int (*handler)(int argc, char **argv);
	const char *usage;
};

static int load_scenarios(struct scenario_set *set, char **files, size_t nfiles, const char *usage)
{
	struct kt_diag d;
	size_t i;

	scenario_set_init(set);
	if (scenario_set_load_builtin(set, &d) < 0) {
		kt_warnx("%s; the build is broken", d.msg);
		return KT_EXIT_ENV;
	}
	for (i = 0; i < nfiles; i++)
		if (scenario_set_load_file(set, files[i], &d) < 0)
			return cli_usage_error(usage, "%s", d.msg);
	return KT_EXIT_OK;
}

/* ---- run ---------------------------------------------------------------- */

struct run_args {
	struct runner_opts o;
	char *names[MAX_FILES], *files[MAX_FILES];
	size_t nfiles;
	char parent[32];
	int seen_duration, seen_workers, seen_settle, seen_type, seen_filter, seen_category;
	struct reserve_flags rflags;
	struct reserve_config rcfg;
};

static int parse_ms(const char *opt, const char *s, uint64_t min_ns, uint64_t *ms)
{
	struct kt_diag d;
	uint64_t ns;

	if (parse_duration_ns(s, min_ns, 24 * 3600 * KTIME_NS_PER_SEC, &ns, &d) < 0)
		return cli_usage_error(usage_run, "%s: %s", opt, d.msg);
	*ms = ns / KTIME_NS_PER_MS;
	return 0;
}

static int run_option(struct run_args *a, int c, char **argv)
{
	struct kt_diag d;

	switch (c) {
	case 'd':
		return cli_once(usage_run, &a->seen_duration, "--duration") ||
		       parse_ms("--duration", optarg, KTIME_NS_PER_MS, &a->o.duration_ms);
	case 1:
		return cli_once(usage_run, &a->seen_settle, "--settle") ||
		       parse_ms("--settle", optarg, 0, &a->o.settle_ms);
	case 'w':
		if (cli_once(usage_run, &a->seen_workers, "--workers"))
			return -1;
		if (parse_uint(optarg, 1, WORKPOOL_MAX_WORKERS, &a->o.workers, &d) < 0)
			return cli_usage_error(usage_run, "--workers: %s", d.msg);
		return 0;
	case 'F':
		a->o.filter = optarg;
		return cli_once(usage_run, &a->seen_filter, "--filter");
	case 'c':
		a->o.category = optarg;
		return cli_once(usage_run, &a->seen_category, "--category");
	case 'f':
		a->o.flags_given = true;
		if (profile_parse(&a->o.flags, optarg, &d) < 0)
			return cli_usage_error(usage_run, "--flags: %s", d.msg);
		return 0;
	case 's':
		if (a->o.nnames == MAX_FILES)
			return cli_usage_error(usage_run, "--scenario given more than %d times",
					       MAX_FILES);
		a->names[a->o.nnames++] = optarg;
		return 0;
	case 'S':
		if (a->nfiles == MAX_FILES)
			return cli_usage_error(usage_run, "--scenario-file given more than %d times",
					       MAX_FILES);
		a->files[a->nfiles++] = optarg;
		return 0;
	case 't':
		a->o.work_type = optarg;
		return cli_once(usage_run, &a->seen_type, "--work-type");
	case 'n':
		a->o.dry_run = true;
		return 0;
	case 2:
		a->rflags.no_perf = true;
		return 0;
	case 3:
		a->rflags.cpu_cap = optarg;
		return 0;
	case 4:
		a->rflags.lock_timeout = optarg;
		return 0;
	default:
		return cli_bad_option(usage_run, argv, c);
	}
}

static int run_parse(struct run_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "category", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "filter", required_argument, NULL, 'F' },
		{ "flags", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "no-perf-mode", no_argument, NULL, 2 },
		{ "cpu-cap", required_argument, NULL, 3 },
		{ "lock-timeout", required_argument, NULL, 4 },
		{ "scenario", required_argument, NULL, 's' },
		{ "scenario-file", required_argument, NULL, 'S' },
		{ "settle", required_argument, NULL, 1 },
		{ "work-type", required_argument, NULL, 't' },
		{ "workers", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const struct worktype *wt;
	struct kt_diag d;
	const char *hint;
	int c;

	a->o = (struct runner_opts){ .duration_ms = 20000, .settle_ms = 100, .workers = 4 };
	while ((c = getopt_long(argc, argv, ":c:d:F:f:hns:S:t:w:", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("%s\n%s", usage_run, help_run);
			exit(kt_finish_stdout(KT_EXIT_OK));
		}
		if (run_option(a, c, argv))
			return -1;
	}
	if (optind < argc)
		return cli_usage_error(usage_run, "unexpected argument '%s'", argv[optind]);
	wt = a->o.work_type ? worktype_find(a->o.work_type) : NULL;
	if (wt && !wt->overridable)
		return cli_usage_error(usage_run, "--work-type: %s needs phases (a scenario file, "
						  "or ktstr-work --sequence) and cannot be used "
						  "with --work-type", wt->name);
	if (a->o.work_type && !wt) {
		hint = worktype_suggest(a->o.work_type);
		return cli_usage_error(usage_run, "--work-type: unknown work type '%s'%s%s%s; valid "
						  "types: %s",
				       a->o.work_type, hint ? " (did you mean '" : "",
				       hint ? hint : "", hint ? "'?)" : "", worktype_names());
	}
	if (reserve_config_load(&a->rcfg, &a->rflags, &d) < 0)
		return cli_usage_error(usage_run, "%s", d.msg);
	a->o.names = a->names;
	snprintf(a->parent, sizeof(a->parent), "ktstr-%d", (int)getpid());
	a->o.parent = a->parent;
	return 0;
}

static int run_exit(struct runner *r, int rc, const struct kt_diag *d)
{
	if (rc == -EINTR || rc == -EPIPE)
		return KT_EXIT_INTR;
	if (rc == -EBADMSG) {
		kt_warnx("bad input: %s", d->msg);
		return KT_EXIT_USAGE;
	}
	if (rc < 0) {
		kt_warnx("%s", d->msg);
		return KT_EXIT_ENV;
	}
	return r->errors ? KT_EXIT_FAIL : KT_EXIT_OK;
}

/*
 * Reserve the run's CPUs (lib/reserve) and shrink the topology to them, so
 * concurrent runs never share CPUs unknowingly.  The cgroup tree is
 * confined to the same CPUs once it exists.
 */
static int run_reserve(struct runner *r, const struct run_args *a, struct reserve *res)
{
	struct reserve_request q = { .exclusive = RESERVE_LLCS, .allowed = &r->topo.cpus };
	struct kt_diag d;
	int rc;

	if ((rc = reserve_acquire(res, &a->rcfg, &r->topo, &q, &d)) < 0) {
		kt_warnx("%s", d.msg);
		return rc == -EINTR ? KT_EXIT_INTR : KT_EXIT_ENV;
	}
	if (res->warning[0])
		kt_warnx("%s", res->warning);
	if (topo_restrict(&r->topo, &res->cpus) < 0) {
		kt_warnx("the reservation holds none of the topology's CPUs");
		return KT_EXIT_ENV;
	}
	return KT_EXIT_OK;
}

static int run_confine(struct cgroup_tree *tree, const struct reserve *res)
{
	struct kt_diag d;
	int rc = cgroup_tree_confine(tree, &res->cpus, &res->mems, &d);

	if (rc == -EOPNOTSUPP) {
		kt_warnx("%s: the run is not confined to its reserved CPUs", d.msg);
		return KT_EXIT_OK;
	}
	if (rc < 0) {
		kt_warnx("%s", d.msg);
		return KT_EXIT_ENV;
	}
	return KT_EXIT_OK;
}

static int run_carry_out(struct runner *r, const struct run_args *a)
{
	struct cgroup_tree *tree = NULL;
	struct reserve res;
	struct kt_diag d, td;
	int rc, ex;

	reserve_init(&res);

	rc = runner_read_topo(r, &d);
	if (rc == -ENODATA)
		return cli_usage_error(usage_run, "%s", d.msg);
	if (rc < 0)
		return run_exit(r, rc == -EBADMSG && !d.msg[0] ? -EIO : rc, &d);
	if (!a->o.dry_run) {
		if (runner_check_topo(r, &d) < 0) {
			kt_warnx("%s", d.msg);
			return KT_EXIT_USAGE;
		}
		if ((ex = run_reserve(r, a, &res)) != KT_EXIT_OK)
			goto out;
		tree = cgroup_tree_new(&r->backend, a->parent, &d);
		if (!tree) {
			kt_warnx("%s; run as root on a host with cgroups, or use --dry-run", d.msg);
			ex = KT_EXIT_ENV;
			goto out;
		}
		if ((ex = run_confine(tree, &res)) != KT_EXIT_OK) {
			cgroup_tree_free(tree, 0, NULL);
			goto out;
		}
	}
	rc = runner_run(r, tree, &d);
	ex = run_exit(r, rc, &d);
	td.msg[0] = '\0';
	cgroup_tree_free(tree, rc == -EPIPE ? 0 : CGROUP_DRAIN_MS, &td);
	if (td.msg[0]) {
		kt_warnx("%s; 'ktstr cleanup' removes what is left", td.msg);
		ex = ex == KT_EXIT_OK ? KT_EXIT_ENV : ex;
	}
out:
	reserve_release(&res);
	return ex;
}

static int cmd_run(int argc, char **argv)
{
	struct scenario_set set;
	struct run_args a;
	struct runner r;
	struct kt_diag d;
	int ex, flags = -1;

	memset(&a, 0, sizeof(a));
	if (run_parse(&a, argc, argv))
		return KT_EXIT_USAGE;
	if ((ex = load_scenarios(&set, a.files, a.nfiles, usage_run)) != KT_EXIT_OK)
		goto out_set;
	runner_init(&r, &set, &a.o);
	if (runner_select(&r, &d) < 0) {
		ex = cli_usage_error(usage_run, "%s", d.msg);
		goto out;
	}
	if (!a.o.dry_run && !caps_have(CAP_SYS_ADMIN)) {
		kt_warnx("run needs %s to manage cgroups; run it as root, or use --dry-run",
			 caps_name(CAP_SYS_ADMIN));
		ex = KT_EXIT_ENV;
		goto out;
	}
	if (isatty(STDIN_FILENO)) {
		ex = cli_usage_error(usage_run, "standard input is a terminal; pipe ktstr-topo into it");
		goto out;
	}
	if (cgroup_detect(paths_cgroup(), &r.backend, &d) < 0 && !a.o.dry_run) {
		kt_warnx("%s; set KTSTR_CGROUP_ROOT or mount cgroup2", d.msg);
		ex = KT_EXIT_ENV;
		goto out;
	}
	kt_signals_install();
	/* input is polled between timed events; restore the flags for whoever shares it */
	flags = fcntl(STDIN_FILENO, F_GETFL);
	if (flags >= 0)
		fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK);
	ex = run_carry_out(&r, &a);
	if (flags >= 0)
		fcntl(STDIN_FILENO, F_SETFL, flags);
out:
	runner_release(&r);
out_set:
	scenario_set_release(&set);
	return ex;
}

/* ---- list --------------------------------------------------------------- */

static int list_parse(int argc, char **argv, const char **filter, bool *json, char **files,
		      size_t *nfiles)
{
	static const struct option longopts[] = {
		{ "filter", required_argument, NULL, 'F' }, { "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },	      { "scenario-file", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int c, seen_f = 0, seen_j = 0;

	while ((c = getopt_long(argc, argv, ":F:hjS:", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			*filter = optarg;
			if (cli_once(usage_list, &seen_f, "--filter"))
				return -1;
			break;
		case 'h':
			printf("%s\nList the scenarios: name, category, description, flag profiles.\n\n"
			       "  -F, --filter SUB          scenarios whose name contains SUB\n"
			       "  -j, --json                a JSON array with flags and topology needs\n"
			       "  -S, --scenario-file FILE  include the scenarios in FILE; repeatable\n"
			       "  -h, --help                this help\n",
			       usage_list);
			exit(kt_finish_stdout(KT_EXIT_OK));
		case 'j':
			*json = true;
			if (cli_once(usage_list, &seen_j, "--json"))
				return -1;
			break;
		case 'S':
			if (*nfiles == MAX_FILES)
				return cli_usage_error(usage_list, "too many --scenario-file");
			files[(*nfiles)++] = optarg;
			break;
		default:
			return cli_bad_option(usage_list, argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage_list, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct scenario_set set;
	const char *filter = NULL, *hint;
	char *files[MAX_FILES], profiles[2048];
	size_t nfiles = 0, i, n = 0;
	bool json = false;
	json_t *arr;
	int ex;

	if (list_parse(argc, argv, &filter, &json, files, &nfiles))
		return KT_EXIT_USAGE;
	if ((ex = load_scenarios(&set, files, nfiles, usage_list)) != KT_EXIT_OK) {
		scenario_set_release(&set);
		return ex;
	}
	arr = json_array();
	for (i = 0; i < set.n; i++) {
		if (filter && !strstr(set.v[i].name, filter))
			continue;
		n++;
		if (json) {
			json_array_append_new(arr, scenario_list_json(&set.v[i]));
			continue;
		}
		scenario_profiles_text(&set.v[i], profiles, sizeof(profiles));
		printf("%-30s [%-12s] %s (profiles: %s)\n", set.v[i].name, set.v[i].category,
		       set.v[i].description, profiles);
	}
	if (json)
		json_dumpf(arr, stdout, JSON_INDENT(2)), putchar('\n');
	else
		printf("\n%zu scenarios\n", n);
	json_decref(arr);
	if (!n && filter) {
		hint = scenario_suggest(&set, filter);
		kt_warnx("no scenarios matched filter '%s'%s%s%s; 'ktstr list' without --filter shows "
			 "every scenario",
			 filter, hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
	}
	scenario_set_release(&set);
	return KT_EXIT_OK;
}

/* ---- cleanup ------------------------------------------------------------ */

static int clean_one(const char *path)
{
	struct kt_diag d;
	size_t moved;

	if (cgclean_remove(path, &moved, &d) < 0) {
		kt_warnx("failed to remove '%s': %s", path, d.msg);
		return KT_EXIT_FAIL;
	}
	if (moved)
		kt_warnx("moved %zu tasks out of '%s' to the root cgroup", moved, path);
	printf("cleaned up %s\n", path);
	return KT_EXIT_OK;
}

static int cmd_cleanup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "parent-cgroup", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct cgclean_item *v;
	const char *path = NULL;
	struct kt_diag d;
	size_t n, i, done = 0;
	int c, seen = 0, ex = KT_EXIT_OK, rc;

	while ((c = getopt_long(argc, argv, ":hp:", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf("%s\nRemove cgroups left by killed runs: 'ktstr' and every "
			       "'ktstr-<pid>' whose pid is\nnot a live ktstr tool, in every "
			       "hierarchy under $KTSTR_CGROUP_ROOT.\n\n"
			       "  -p, --parent-cgroup PATH  remove this one cgroup (its name must "
			       "start with 'ktstr')\n  -h, --help                this help\n",
			       usage_cleanup);
			exit(kt_finish_stdout(KT_EXIT_OK));
		}
		if (c != 'p')
			return cli_bad_option(usage_cleanup, argv, c);
		if (cli_once(usage_cleanup, &seen, "--parent-cgroup"))
			return KT_EXIT_USAGE;
		path = optarg;
	}
	if (optind < argc)
		return cli_usage_error(usage_cleanup, "unexpected argument '%s'", argv[optind]);
	if (path && cgclean_check_path(path, &d) < 0)
		return cli_usage_error(usage_cleanup, "--parent-cgroup: %s", d.msg);
	if (!caps_have(CAP_SYS_ADMIN)) {
		kt_warnx("cleanup needs %s to remove cgroups; run it as root", caps_name(CAP_SYS_ADMIN));
		return KT_EXIT_ENV;
	}
	if (path)
		return clean_one(path);
	if ((rc = cgclean_scan(paths_cgroup(), &v, &n)) < 0) {
		kt_warnc(-rc, "set KTSTR_CGROUP_ROOT", "cannot read '%s'", paths_cgroup());
		return KT_EXIT_ENV;
	}
	for (i = 0; i < n; i++) {
		if (v[i].live_pid) {
			kt_warnx("skipping %s (live process %d, %s)", v[i].path, (int)v[i].live_pid,
				 v[i].comm);
			continue;
		}
		done++;
		if (clean_one(v[i].path) != KT_EXIT_OK)
			ex = KT_EXIT_FAIL;
	}
	if (!done)
		printf("no leftover cgroups found\n");
	cgclean_free(v, n);
	return ex;
}

/* ---- main --------------------------------------------------------------- */

static const struct cmd cmds[] = {
	{ "run", cmd_run, usage_run },
	{ "list", cmd_list, usage_list },
	{ "cleanup", cmd_cleanup, usage_cleanup },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static int show_backend(void)
{
	struct cgroup_backend b;
	struct kt_diag d;

	if (cgroup_detect(paths_cgroup(), &b, &d) < 0) {
		printf("none\n");
		kt_warnx("%s", d.msg);
		return KT_EXIT_ENV;
	}
	printf("%s\n", cgroup_kind_name(b.kind));
	printf("%s: %s\n", b.kind == CGROUP_V1 ? "cpuset" : "cgroup2", b.main);
	if (b.cpu[0])
		printf("cpu: %s\n", b.cpu);
	printf("cpu controller: %s\n", b.has_cpu ? "yes" : "no");
	return KT_EXIT_OK;
}

static void print_help_top(void)
{
	printf("%s\n%s", usage_top, help_top);
}

int main(int argc, char **argv)
{
	const struct cmd *cmd;

	kt_set_progname(argv[0]);
	if (argc < 2)
		return cli_usage_error(usage_top, "no command given");
	cli_top_options(argv[1], print_help_top);
	if (!strcmp(argv[1], "--backend") || !strcmp(argv[1], "-b"))
		return kt_finish_stdout(argc == 2 ? show_backend()
						  : cli_usage_error(usage_top, "--backend takes no "
									       "arguments"));
	cmd = cli_find_command(cmds, NCMDS, sizeof(cmds[0]), argv[1]);
	if (cmd)
		return kt_finish_stdout(cmd->handler(argc - 1, argv + 1));
	return cli_unknown_command(usage_top, cmds, NCMDS, sizeof(cmds[0]), argv[1]);
}
