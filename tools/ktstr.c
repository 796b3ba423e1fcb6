// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr: the dispatcher.  Each subcommand is a row of commands[]: the tool
 * (or pipeline of tools) it runs, a one-line summary, and the prerequisites
 * checked here, in one place, before anything starts.  ktstr owns no domain
 * logic; the tools do the work and their exit status passes through.
 *
 * To add a subcommand: add a row (keep the order of ktstr --help), a line in
 * man/ktstr.1 and the completion scripts; t/ktstr.bats checks all three agree.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "cli.h"
#include "err.h"
#include "exit.h"
#include "pipeline.h"
#include "runplan.h"

#include "completions.h"

#define NEEDS_ROOT 0x1u	   /* CAP_SYS_ADMIN: cgroups */
#define MAX_STAGES 5
#define MAX_ARGS 256

/*
 * Where a pipeline's options go: each user option is handed to the stage
 * that understands it.  An option whose tool is not part of the pipeline
 * (stage < 0) needs that tool and is refused until it exists.
 */
struct route {
	const char *flag;
	const char *arg; /* value name, NULL for a switch */
	int stage;
	const char *help;
};

/* User arguments, split by the stage that receives them. */
struct stage_args {
	char *v[MAX_STAGES][MAX_ARGS];
	int n[MAX_STAGES];
};

struct command {
	const char *name;
	const char *summary;
	unsigned needs;
	/* Each stage is an argv prefix; user arguments go to stage args_stage. */
	const char *const *stages[MAX_STAGES];
	int args_stage;
	/* Porcelain default output flag, dropped when the user asks for --json. */
	const char *text_default;
	int (*builtin)(int argc, char **argv);
	const struct route *routes; /* NULL: every argument goes to args_stage */
	/* Composes the stages from the routed arguments instead of stages[] (run) */
	int (*plan)(const struct command *c, const struct stage_args *sa);
};

/*
 * run's routes: RUN_CGROUP and RUN_CHECK go to those tools, RUN_OWN to
 * lib/runplan, which composes the pipeline (host, scheduler, VM, --stream).
 */
enum { RUN_TOPO, RUN_CGROUP, RUN_WORK, RUN_CHECK, RUN_OWN, NEEDS_PROBE = -1 };

static const struct route run_routes[] = {
	{ "--duration", "SECS", RUN_CGROUP, "seconds each scenario runs (default 20)" },
	{ "--workers", "N", RUN_CGROUP, "workers per cgroup where a scenario leaves it open (default 4)" },
	{ "--flags", "LIST", RUN_CGROUP, "run only this flag profile, e.g. llc,borrow" },
	{ "--filter", "SUB", RUN_CGROUP, "scenarios whose name contains SUB" },
	{ "--category", "NAME", RUN_CGROUP, "scenarios of this category (basic, cpuset, ...)" },
	{ "--scenario", "NAME", RUN_CGROUP, "exactly this scenario" },
	{ "--scenario-file", "FILE", RUN_CGROUP, "add scenarios from FILE (repeatable)" },
	{ "--work-type", "TYPE", RUN_CGROUP, "replace CpuSpin work in steady scenarios" },
	{ "--settle", "DURATION", RUN_CGROUP, "time between placing workers and measuring" },
	{ "--no-perf-mode", NULL, RUN_CGROUP,
	  "share LLCs with other runs instead of holding them (also KTSTR_NO_PERF_MODE=1)" },
	{ "--cpu-cap", "N", RUN_CGROUP, "with --no-perf-mode: run on exactly N reserved CPUs" },
	{ "--lock-timeout", "DURATION", RUN_CGROUP, "wait this long for CPUs another run holds" },
	{ "--kernel", "ID", RUN_OWN, "boot kernel ID in a VM and run there (see ktstr-kernel resolve)" },
	{ "--topology", "N,L,C,T", RUN_OWN, "with --kernel: the VM's nodes, LLCs, cores, threads (default 1,1,1,1)" },
	{ "--timeout", "DURATION", RUN_OWN, "with --kernel: fail when the guest command, once booted, writes nothing this long (default 2 x --duration + 2m)" },
	{ "--scheduler", "PATH", RUN_OWN, "run under this sched_ext scheduler (a path, or a name in $KTSTR_SCHED_DIR or PATH)" },
	{ "--scheduler-arg", "ARG", RUN_OWN, "an argument for the scheduler (repeatable)" },
	{ "--attach-timeout", "DURATION", RUN_OWN, "how long the scheduler may take to attach (default 20s)" },
	{ "--stream", NULL, RUN_OWN, "write the run's records instead of judging them (no ktstr-check)" },
	{ "--text", NULL, RUN_CHECK, "results for people (the default on a terminal)" },
	{ "--json", NULL, RUN_CHECK, "results as one JSON array" },
	{ "--tap", NULL, RUN_CHECK, "results as TAP version 13" },
	{ "--ndjson", NULL, RUN_CHECK, "every record of the run, plus verdicts" },
	{ "--junit", "FILE", RUN_CHECK, "also write JUnit XML to FILE" },
	{ "--spread-limit", "PCT", RUN_CHECK, "off-CPU spread limit (default 15)" },
	{ "--gap-limit-ms", "MS", RUN_CHECK, "stall limit (default 2000)" },
	{ "--wake-p99-limit-us", "US", RUN_CHECK, "pooled p99 wake latency limit" },
	{ "--wake-cv-limit", "CV", RUN_CHECK, "wake latency variation limit" },
	{ "--throughput-cv-limit", "CV", RUN_CHECK, "throughput variation limit" },
	{ "--min-iteration-rate", "N", RUN_CHECK, "minimum iterations per second per worker" },
	{ "--no-isolation", NULL, RUN_CHECK, "do not check that workers stay in their cpuset" },
	{ "--repro", NULL, NEEDS_PROBE, "attach BPF probes for crash capture" },
	{ "--probe-stack", "STACK", NEEDS_PROBE, "crash stack file or function list to probe" },
	{ "--auto-repro", NULL, NEEDS_PROBE, "rerun a crashing scenario with probes" },
	{ "--kernel-dir", "DIR", NEEDS_PROBE, "kernel build tree for source locations" },
	{ NULL, NULL, 0, NULL },
};

static int cmd_completions(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int plan_run(const struct command *c, const struct stage_args *sa);

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct command commands[] = {
	{ "run", "run scenarios under a scheduler, on this host or in a VM, and judge them",
	  NEEDS_ROOT,
	  { ARGV("ktstr-topo"), ARGV("ktstr-cgroup", "run"), ARGV("ktstr-work"),
	    ARGV("ktstr-check") },
	  RUN_CGROUP, NULL, NULL, run_routes, plan_run },
	{ "list", "list scenarios with their categories and flag profiles", 0,
	  { ARGV("ktstr-cgroup", "list") }, 0, NULL, NULL, NULL, NULL },
	{ "topo", "show the host CPU topology (CPUs, LLCs, NUMA nodes)", 0,
	  { ARGV("ktstr-topo") }, 0, "--text", NULL, NULL, NULL },
	{ "cleanup", "remove cgroups left behind by killed runs", NEEDS_ROOT,
	  { ARGV("ktstr-cgroup", "cleanup") }, 0, NULL, NULL, NULL, NULL },
	{ "kernel", "manage cached test kernels: list, build, clean, resolve, add", 0,
	  { ARGV("ktstr-kernel") }, 0, NULL, NULL, NULL, NULL },
	{ "shell", "boot a VM with a chosen CPU topology: a shell, or --exec CMD", 0,
	  { ARGV("ktstr-vm") }, 0, NULL, NULL, NULL, NULL },
	{ "host-state", "capture and compare per-thread host snapshots", 0,
	  { ARGV("ktstr-hst") }, 0, NULL, NULL, NULL, NULL },
	{ "locks", "list ktstr CPU and cache reservations and who holds them", 0,
	  { ARGV("ktstr-locks") }, 0, NULL, NULL, NULL, NULL },
	{ "completions", "print a shell completion script (bash zsh fish elvish powershell)", 0,
	  { NULL }, 0, NULL, cmd_completions, NULL, NULL },
	{ "help", "show help for ktstr or for one subcommand", 0, { NULL }, 0, NULL, cmd_help,
	  NULL, NULL },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage[] = "usage: ktstr [--help | --version] command [args ...]\n";

static void print_help(void)
{
	size_t i;

	printf("%s\nA test harness for Linux process schedulers.\n\ncommands:\n", usage);
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-12s %s\n", commands[i].name, commands[i].summary);
	printf("\n'ktstr help <command>' shows a command's options.  See ktstr(1).\n");
}

static const struct command *find_command(const char *name)
{
	return cli_find_command(commands, NCOMMANDS, sizeof(commands[0]), name);
}

static int unknown_command(const char *name)
{
	return cli_unknown_command(usage, commands, NCOMMANDS, sizeof(commands[0]), name);
}

/* Is dir/name an executable file?  Fills path on success. */
static int try_dir(const char *dir, size_t dirlen, const char *name, char *path, size_t size)
{
	if (snprintf(path, size, "%.*s/%s", (int)dirlen, dir, name) >= (int)size)
		return 0;
	return access(path, X_OK) == 0;
}

/* Next to this executable, then $KTSTR_LIBEXEC_DIR, then PATH. */
static int find_tool(const char *name, char *path, size_t size)
{
	char self[PATH_MAX], *slash;
	const char *env = getenv("KTSTR_LIBEXEC_DIR"), *p, *colon;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash && try_dir(self, (size_t)(slash - self), name, path, size))
			return 0;
	}
	if (env && *env && try_dir(env, strlen(env), name, path, size))
		return 0;
	for (p = getenv("PATH"); p && *p; p = *colon ? colon + 1 : colon) {
		colon = strchrnul(p, ':');
		if (colon > p && try_dir(p, (size_t)(colon - p), name, path, size))
			return 0;
	}
	return -ENOENT;
}

static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") ||
		    !strcmp(argv[i], "--version") || !strcmp(argv[i], "-V"))
			return 1;
	return 0;
}

static int has_arg(int argc, char **argv, const char *arg)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], arg))
			return 1;
	return 0;
}

static int check_needs(const struct command *c)
{
	if ((c->needs & NEEDS_ROOT) && !caps_have(CAP_SYS_ADMIN)) {
		kt_warnx("'%s' needs %s to manage cgroups; run it as root", c->name,
			 caps_name(CAP_SYS_ADMIN));
		return KT_EXIT_ENV;
	}
	return KT_EXIT_OK;
}

static const struct route *find_route(const struct route *r, const char *arg)
{
	size_t len;

	for (; r->flag; r++) {
		len = strlen(r->flag);
		if (!strncmp(arg, r->flag, len) && (!arg[len] || (arg[len] == '=' && r->arg)))
			return r;
	}
	return NULL;
}

static int push(struct stage_args *sa, int s, char *arg)
{
	if (sa->n[s] >= MAX_ARGS - 8)
		return cli_usage_error(usage, "too many arguments");
	sa->v[s][sa->n[s]++] = arg;
	return 0;
}

static void print_routes_help(const struct command *c)
{
	const struct route *r;
	char opt[64];

	printf("usage: ktstr %s [options]\n\n%s.\n\n", c->name, c->summary);
	for (r = c->routes; r->flag; r++) {
		snprintf(opt, sizeof(opt), "%s%s%s", r->flag, r->arg ? " " : "",
			 r->arg ? r->arg : "");
		printf("  %-26s %s%s\n", opt, r->help, r->stage < 0 ? " (needs ktstr-probe)" : "");
	}
	printf("  %-26s %s\n\nSee ktstr(1).\n", "-h, --help", "this help");
}

/* Hand each option to the stage that takes it; refuse what no stage takes. */
static int route_args(const struct command *c, int argc, char **argv, struct stage_args *sa)
{
	const struct route *r;
	int i, rc;

	for (i = 1; i < argc; i++) {
		r = find_route(c->routes, argv[i]);
		if (!r)
			return cli_usage_error(usage, "unknown %s '%s' for '%s'; 'ktstr help %s' lists the options",
					       argv[i][0] == '-' ? "option" : "argument", argv[i],
					       c->name, c->name);
		if (r->stage < 0) {
			kt_warnx("'%s' needs ktstr-probe, which is not built or installed yet",
				 r->flag);
			return KT_EXIT_USAGE;
		}
		if ((rc = push(sa, r->stage, argv[i])))
			return rc;
		if (r->arg && !strchr(argv[i], '=')) {
			if (++i == argc)
				return cli_usage_error(usage, "option '%s' needs a value", r->flag);
			if ((rc = push(sa, r->stage, argv[i])))
				return rc;
		}
	}
	return 0;
}

static int split_args(const struct command *c, int argc, char **argv, struct stage_args *sa)
{
	int i, rc, s = c->args_stage;

	memset(sa, 0, sizeof(*sa));
	if (c->routes)
		return route_args(c, argc, argv, sa);
	if (c->text_default && !has_arg(argc, argv, "--json") &&
	    !has_arg(argc, argv, c->text_default) && (rc = push(sa, s, (char *)c->text_default)))
		return rc;
	for (i = 1; i < argc; i++)
		if ((rc = push(sa, s, argv[i])))
			return rc;
	return 0;
}

/* One stage's argv: the resolved tool, its fixed arguments, then the user's. */
static void build_stage(const struct command *c, int s, const struct stage_args *sa, char *tool,
			char **out)
{
	const char *const *pre = c->stages[s];
	int n = 0, i;

	out[n++] = tool;
	for (i = 1; pre[i]; i++)
		out[n++] = (char *)pre[i];
	for (i = 0; i < sa->n[s]; i++)
		out[n++] = sa->v[s][i];
	out[n] = NULL;
}

/* names[i]: the tool of stage i, as the messages call it. */
static int report_pipeline(const struct command *c, const char *const *names,
			   const struct pipeline_status *st, int n)
{
	int failed, rc = pipeline_exit_code(st, (size_t)n, &failed), i;

	for (i = 0; i < n; i++)
		if (st[i].exec_errno)
			kt_warnc(st[i].exec_errno, NULL, "cannot run '%s'", names[i]);
	if (failed >= 0)
		kt_warnx("'%s' failed in stage %d (%s) with exit status %d", c->name, failed + 1,
			 names[failed], st[failed].exit_code);
	return rc;
}

static int run_command(const struct command *c, int argc, char **argv)
{
	static char tools[MAX_STAGES][PATH_MAX];
	static struct stage_args sa;
	static char *args[MAX_STAGES][MAX_ARGS + 8];
	char *const *stages[MAX_STAGES];
	const char *names[MAX_STAGES];
	struct pipeline_status st[MAX_STAGES];
	int n, i, rc, help = wants_help(argc, argv);

	if (help && c->routes) {
		print_routes_help(c);
		return kt_finish_stdout(KT_EXIT_OK);
	}
	if ((rc = split_args(c, argc, argv, &sa)))
		return rc;
	if (c->plan)
		return c->plan(c, &sa);
	for (n = 0; n < MAX_STAGES && c->stages[n]; n++) {
		if (find_tool(c->stages[n][0], tools[n], sizeof(tools[n])) < 0) {
			kt_warnx("'%s' needs %s, which is not built or installed yet; "
				 "see 'ktstr --help' for what is available",
				 c->name, c->stages[n][0]);
			return KT_EXIT_USAGE;
		}
		build_stage(c, n, &sa, tools[n], args[n]);
		stages[n] = args[n];
	}
	if (!help && (rc = check_needs(c)) != KT_EXIT_OK)
		return rc;
	if (n == 1) {
		fflush(NULL);
		execv(args[0][0], args[0]);
		kt_errc(KT_EXIT_ENV, errno, NULL, "cannot run '%s'", args[0][0]);
	}
	if ((rc = pipeline_run(stages, (size_t)n, st)) < 0)
		kt_warnc(-rc, NULL, "cannot start the '%s' pipeline", c->name);
	for (i = 0; i < n; i++)
		names[i] = c->stages[i][0];
	return report_pipeline(c, names, st, n);
}

static int plan_fill(struct runplan *p, const struct stage_args *sa)
{
	static const struct {
		int stage;
		enum runplan_dest dest;
	} map[] = { { RUN_CGROUP, RUNPLAN_CGROUP }, { RUN_CHECK, RUNPLAN_CHECK },
		    { RUN_OWN, RUNPLAN_OWN } };
	size_t m;
	int i;

	for (m = 0; m < sizeof(map) / sizeof(map[0]); m++)
		for (i = 0; i < sa->n[map[m].stage]; i++)
			if (runplan_add(p, map[m].dest, sa->v[map[m].stage][i]) < 0)
				return cli_usage_error(usage, "too many arguments");
	return 0;
}

/* run: lib/runplan composes the stages; tools are found and prerequisites met here. */
static int plan_run(const struct command *c, const struct stage_args *sa)
{
	static char tools[RUNPLAN_MAX_STAGES][PATH_MAX];
	char *const *stages[RUNPLAN_MAX_STAGES];
	const char *names[RUNPLAN_MAX_STAGES];
	struct pipeline_status st[RUNPLAN_MAX_STAGES];
	char self[PATH_MAX];
	struct runplan p;
	struct kt_diag d;
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t i;
	int rc;

	self[len > 0 ? len : 0] = '\0';
	runplan_init(&p);
	if ((rc = plan_fill(&p, sa)) || runplan_build(&p, len > 0 ? self : "ktstr", &d) < 0) {
		if (!rc)
			rc = cli_usage_error(usage, "%s", d.msg);
		runplan_release(&p);
		return rc;
	}
	for (i = 0; i < p.nstage; i++) {
		names[i] = p.stage[i][0];
		if (find_tool(names[i], tools[i], sizeof(tools[i])) < 0) {
			kt_warnx("'%s' needs %s, which is not built or installed yet; "
				 "see 'ktstr --help' for what is available", c->name, names[i]);
			runplan_release(&p);
			return KT_EXIT_USAGE;
		}
		p.stage[i][0] = tools[i];
		stages[i] = p.stage[i];
	}
	/* a VM run needs nothing of this host but qemu, which ktstr-vm checks */
	rc = p.host ? check_needs(c) : KT_EXIT_OK;
	if (rc == KT_EXIT_OK) {
		fflush(NULL);
		if ((rc = pipeline_run(stages, p.nstage, st)) < 0)
			kt_warnc(-rc, NULL, "cannot start the '%s' pipeline", c->name);
		rc = report_pipeline(c, names, st, (int)p.nstage);
	}
	runplan_release(&p);
	return rc;
}

static int cmd_completions(int argc, char **argv)
{
	size_t i, n = sizeof(completion_scripts) / sizeof(completion_scripts[0]);

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: ktstr completions <bash|zsh|fish|elvish|powershell>\n");
		return KT_EXIT_OK;
	}
	if (argc != 2)
		return cli_usage_error("usage: ktstr completions <bash|zsh|fish|elvish|powershell>\n",
				       "completions takes exactly one shell name");
	for (i = 0; i < n; i++)
		if (!strcmp(argv[1], completion_scripts[i].shell)) {
			fputs(completion_scripts[i].script, stdout);
			return KT_EXIT_OK;
		}
	return cli_usage_error("usage: ktstr completions <bash|zsh|fish|elvish|powershell>\n",
			       "unknown shell '%s'; choose bash, zsh, fish, elvish or powershell",
			       argv[1]);
}

static int cmd_help(int argc, char **argv)
{
	static const char help_usage[] = "usage: ktstr help [command]\n";
	const struct command *c;
	char *help_argv[] = { NULL, "--help", NULL };

	/* "ktstr help help" comes here too, as "help --help" */
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("%s\nShow the list of commands, or the help of one command.\n", help_usage);
		return KT_EXIT_OK;
	}
	if (argc < 2) {
		print_help();
		return KT_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	if (c->builtin) {
		help_argv[0] = (char *)c->name;
		return c->builtin(2, help_argv);
	}
	/* not run_command's, which checks stdout itself: main checks ours, once */
	if (c->routes) {
		print_routes_help(c);
		return KT_EXIT_OK;
	}
	help_argv[0] = argv[1];
	return run_command(c, 2, help_argv);
}

int main(int argc, char **argv)
{
	const struct command *c;

	kt_set_progname(argv[0]);
	if (argc < 2)
		return cli_usage_error(usage, "no command given; 'ktstr --help' lists them");
	cli_top_options(argv[1], print_help);
	if (argv[1][0] == '-')
		return cli_usage_error(usage, "unknown option '%s'", argv[1]);
	c = find_command(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	if (c->builtin)
		return kt_finish_stdout(c->builtin(argc - 1, argv + 1));
	return run_command(c, argc - 1, argv + 1);
}
