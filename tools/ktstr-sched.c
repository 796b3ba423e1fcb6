// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-sched: run a command under a sched_ext BPF scheduler.  Starts the
 * scheduler, waits until it is attached, runs the command with its output
 * passing through, and reports the scheduler's life as "scheduler" records
 * in that output: attached, died (with the exit kind, reason, log and
 * debug dump) or detached.  Inside a ktstr VM it runs "ktstr run --stream".
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "exit.h"
#include "file.h"
#include "parse.h"
#include "schedsup.h"
#include "sig.h"

static const char usage[] =
	"usage: ktstr-sched --scheduler path [--arg arg]... [--attach-timeout duration]\n"
	"                   [--stop-timeout duration] [--label key=value]... --\n"
	"                   command [arg ...]\n";

static const char help[] =
	"Run a command under a sched_ext BPF scheduler and report the scheduler's life\n"
	"(attached, died, detached) as records in the command's output.\n"
	"\n"
	"      --arg arg                  an argument for the scheduler (repeatable)\n"
	"      --attach-timeout duration  how long the scheduler may take to attach\n"
	"                                 (default 20s)\n"
	"  -h, --help                     this help\n"
	"      --label key=value          a label for the attached record, e.g.\n"
	"                                 topology=1,2,2,1 (repeatable)\n"
	"      --scheduler path           the scheduler program\n"
	"      --stop-timeout duration    time between SIGINT and SIGKILL when stopping\n"
	"                                 the scheduler (default 5s)\n"
	"  -V, --version                  version\n"
	"\n"
	"Exit status: the command's; 3 when the scheduler did not attach.  See ktstr-sched(1).\n";

#define NS_PER_S 1000000000ull
#define MAX_DURATION_NS (3600ull * NS_PER_S)

enum { OPT_ARG = 256, OPT_ATTACH, OPT_LABEL, OPT_SCHED, OPT_STOP };

struct sched_opts {
	const char *path;
	char **argv; /* owned array: path, --arg values, NULL */
	size_t argc;
	json_t *labels;
	uint64_t attach_ns, stop_ns;
	char **cmd;
	int seen_attach, seen_stop, seen_sched;
};

static int add_arg(struct sched_opts *o, char *a)
{
	char **v = realloc(o->argv, (o->argc + 2) * sizeof(*v));

	if (!v)
		return cli_usage_error(usage, "out of memory");
	o->argv = v;
	v[o->argc++] = a;
	v[o->argc] = NULL;
	return 0;
}

static int add_label(struct sched_opts *o, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : 0;
	char key[64];

	if (!eq || !klen || klen >= sizeof(key) ||
	    strspn(kv, "abcdefghijklmnopqrstuvwxyz0123456789_") != klen)
		return cli_usage_error(usage, "--label '%s': give key=value, the key in "
				       "lower-case letters, digits and '_'", kv);
	memcpy(key, kv, klen);
	key[klen] = '\0';
	if (json_object_get(o->labels, key))
		return cli_usage_error(usage, "--label '%s' given more than once", key);
	json_object_set_new(o->labels, key, json_string(eq + 1));
	return 0;
}

static int duration(const char *name, int *seen, const char *v, uint64_t *out)
{
	struct kt_diag d;

	if (cli_once(usage, seen, name))
		return KT_EXIT_USAGE;
	if (parse_duration_ns(v, 1000000, MAX_DURATION_NS, out, &d) < 0)
		return cli_usage_error(usage, "%s: %s", name, d.msg);
	return 0;
}

static int sched_opts_parse(struct sched_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "arg", required_argument, NULL, OPT_ARG },
		{ "attach-timeout", required_argument, NULL, OPT_ATTACH },
		{ "help", no_argument, NULL, 'h' },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "scheduler", required_argument, NULL, OPT_SCHED },
		{ "stop-timeout", required_argument, NULL, OPT_STOP },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0;

	/* '+': the command's own options are not ours */
	while (!rc && (c = getopt_long(argc, argv, "+:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cli_exit_help(usage, help);
		case 'V':
			cli_exit_version();
		case OPT_ARG:
			rc = add_arg(o, optarg);
			break;
		case OPT_ATTACH:
			rc = duration("--attach-timeout", &o->seen_attach, optarg, &o->attach_ns);
			break;
		case OPT_LABEL:
			rc = add_label(o, optarg);
			break;
		case OPT_SCHED:
			rc = cli_once(usage, &o->seen_sched, "--scheduler");
			o->path = optarg;
			break;
		case OPT_STOP:
			rc = duration("--stop-timeout", &o->seen_stop, optarg, &o->stop_ns);
			break;
		default:
			return cli_bad_option(usage, argv, c);
		}
	}
	o->cmd = argv + optind;
	return rc;
}

static int sched_opts_check(struct sched_opts *o)
{
	int rc;

	if (!o->path)
		return cli_usage_error(usage, "--scheduler is required");
	if (!*o->cmd)
		return cli_usage_error(usage, "no command given; put it after '--'");
	if ((rc = file_check_exec(o->path)) < 0)
		return cli_usage_error(usage, "--scheduler '%s': %s; give the path of a sched_ext "
				       "scheduler program", o->path, strerror(-rc));
	o->argv[0] = (char *)o->path;
	return 0;
}

/* out_errno: a failed write to stdout, whose errno is gone by the time we exit. */
static int sched_run(const struct sched_opts *o, int *out_errno)
{
	char *name = strdup(o->path);
	struct schedsup_opts so = {
		.sched_argv = o->argv,
		.scheduler = name ? basename(name) : o->path,
		.attach_timeout_ns = o->attach_ns,
		.stop_timeout_ns = o->stop_ns,
		.labels = o->labels,
		.cmd_argv = o->cmd,
	};
	struct schedsup_result res;
	struct kt_diag d;
	int rc = schedsup_run(&so, stdout, &res, &d), code;

	if (res.kmsg_errno)
		kt_warnc(res.kmsg_errno, "a scheduler's death will be reported without the "
			 "kernel's reason", "cannot read '/dev/kmsg'");
	if (rc < 0) {
		kt_warnx("%s", d.msg);
		if (res.log_tail && *res.log_tail)
			fprintf(stderr, "%s: the scheduler's last output:\n%s%s", kt_progname(),
				res.log_tail,
				res.log_tail[strlen(res.log_tail) - 1] == '\n' ? "" : "\n");
		code = rc == -EINTR ? KT_EXIT_INTR : KT_EXIT_ENV;
	} else if (res.out_errno) {
		code = res.out_errno == EPIPE ? KT_EXIT_INTR : KT_EXIT_ENV;
	} else {
		if (res.died)
			kt_warnx("scheduler '%s' died while the command ran; see the \"died\" "
				 "record", so.scheduler);
		code = res.cmd_status;
	}
	*out_errno = res.out_errno;
	schedsup_result_release(&res);
	free(name);
	return code;
}

int main(int argc, char **argv)
{
	struct sched_opts o = { .attach_ns = 20 * NS_PER_S, .stop_ns = 5 * NS_PER_S };
	int rc, out_errno;

	kt_set_progname(argv[0]);
	o.labels = json_object();
	if (add_arg(&o, NULL) || sched_opts_parse(&o, argc, argv) || sched_opts_check(&o)) {
		free(o.argv);
		json_decref(o.labels);
		return KT_EXIT_USAGE; /* the reason is already on stderr */
	}
	kt_signals_install();
	rc = sched_run(&o, &out_errno);
	free(o.argv);
	json_decref(o.labels);
	return kt_finish_stdout_errno(rc, out_errno);
}
