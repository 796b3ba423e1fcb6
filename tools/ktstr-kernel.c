// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-kernel: the cache of test kernels.  Each subcommand is a row of
 * commands[] (name, handler, usage), after vmctl; the work is in lib/kops.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "exit.h"
#include "kcache.h"
#include "locktable.h"
#include "kops.h"
#include "kstore.h"
#include "parse.h"
#include "paths.h"
#include "sig.h"

static const char usage[] =
	"usage: ktstr-kernel list [--json]\n"
	"       ktstr-kernel build [--force] [-j N] VERSION | --source DIR\n"
	"       ktstr-kernel clean [--keep N] [--force]\n"
	"       ktstr-kernel resolve ID\n"
	"       ktstr-kernel add [--force] IMAGE [--vmlinux F] [--config F] [--name N]\n";

static const char help[] =
	"Build, list, find and remove cached test kernels.\n"
	"\n"
	"  list [--json]            entries: key, version, source, age, size, config state\n"
	"  build VERSION            download a kernel.org release (6.12.8, or 6.12 for the\n"
	"                           newest 6.12.y), build it with the ktstr config, cache it\n"
	"  build --source DIR       build a local tree in place and cache the image\n"
	"      -f, --force          rebuild even when the cache has it\n"
	"      -j, --jobs N         make -j N (default: the CPUs this process may use)\n"
	"  clean [--keep N]         remove entries, oldest first, never one in use;\n"
	"      --force              without asking (needed when stdin is not a terminal)\n"
	"  resolve ID               print the image for an image file, a cache entry, a\n"
	"                           source tree (built if needed), a cache key, or a\n"
	"                           version (cache first, then download and build)\n"
	"  add IMAGE                register an existing bzImage (--vmlinux F, --config F,\n"
	"                           --name KEY, --force to replace)\n"
	"\n"
	"  -h, --help     this help\n"
	"  -V, --version  version and library versions\n"
	"\n"
	"Cache: $KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr/kernels, else\n"
	"~/.cache/ktstr/kernels.  Mirror: $KTSTR_KERNEL_MIRROR.  See ktstr-kernel(1).\n";

static void print_help(void)
{
	printf("%s\n%s", usage, help);
}

struct kernel_opts {
	bool json, force;
	unsigned jobs;
	int keep; /* -1: keep none */
	const char *source, *vmlinux, *config, *name;
	int json_seen, force_seen, jobs_seen, keep_seen, source_seen, vmlinux_seen, config_seen,
		name_seen;
};

static void say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", kt_progname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* lib/kops errors to exit codes: see EXIT STATUS in ktstr-kernel(1). */
static int exit_code(int rc, const struct kt_diag *d)
{
	if (rc == -EINTR)
		return KT_EXIT_INTR;
	kt_warnx("%s", d->msg);
	switch (rc) {
	case -EINVAL:
	case -ENOENT:
	case -EEXIST:
		return KT_EXIT_USAGE;
	case -EIO:
	case -EBADMSG:
		return KT_EXIT_FAIL;
	default:
		return KT_EXIT_ENV;
	}
}

static int with_kops(struct kops *k, const struct kernel_opts *o, struct kt_diag *d)
{
	*k = (struct kops){ .root = paths_cache_dir(), .jobs = o->jobs, .force = o->force,
			    .note = say };
	return kops_init(k, d);
}

/* Run one kops operation that yields an image path, and print it. */
static int print_image(int rc, const char *img, const struct kt_diag *d)
{
	if (rc < 0)
		return exit_code(rc, d);
	printf("%s\n", img);
	return KT_EXIT_OK;
}

static int cmd_build(const struct kernel_opts *o, int argc, char **argv)
{
	char img[PATH_MAX];
	struct kt_diag d;
	struct kops k;
	int rc;

	if (argc > 1)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[1]);
	if ((argc == 1) == (o->source != NULL))
		return cli_usage_error(usage, "build takes a VERSION or --source DIR");
	if ((rc = with_kops(&k, o, &d)) == 0)
		rc = o->source ? kops_build_source(&k, o->source, img, sizeof(img), &d)
			       : kops_build_version(&k, argv[0], img, sizeof(img), &d);
	kops_release(&k);
	return print_image(rc, img, &d);
}

static int cmd_resolve(const struct kernel_opts *o, int argc, char **argv)
{
	char img[PATH_MAX];
	struct kt_diag d;
	struct kops k;
	int rc;

	if (argc != 1)
		return cli_usage_error(usage, "resolve takes exactly one ID");
	if ((rc = with_kops(&k, o, &d)) == 0)
		rc = kops_resolve(&k, argv[0], img, sizeof(img), &d);
	kops_release(&k);
	return print_image(rc, img, &d);
}

static int cmd_add(const struct kernel_opts *o, int argc, char **argv)
{
	struct kops_add a = { .vmlinux = o->vmlinux, .config = o->config, .name = o->name };
	char img[PATH_MAX];
	struct kt_diag d;
	struct kops k;
	int rc;

	if (argc != 1)
		return cli_usage_error(usage, "add takes exactly one IMAGE");
	a.image = argv[0];
	if ((rc = with_kops(&k, o, &d)) == 0)
		rc = kops_add(&k, &a, img, sizeof(img), &d);
	kops_release(&k);
	return print_image(rc, img, &d);
}

static void age(int64_t created_s, char *buf, size_t size)
{
	int64_t s = (int64_t)time(NULL) - created_s;

	if (s < 0)
		s = 0;
	if (s < 3600)
		snprintf(buf, size, "%lldm", (long long)(s / 60));
	else if (s < 2 * 86400)
		snprintf(buf, size, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, size, "%lldd", (long long)(s / 86400));
}

static const char *str(const json_t *meta, const char *a, const char *b)
{
	const json_t *v = json_object_get(meta, a);

	if (b)
		v = json_object_get(v, b);
	return json_is_string(v) ? json_string_value(v) : "-";
}

static void list_text(const struct kops *k, const struct kcache_entry *v, size_t n)
{
	char when[24];
	size_t i;

	printf("%-56s %-10s %-8s %5s %8s  %s\n", "KEY", "VERSION", "SOURCE", "AGE", "SIZE",
	       "CONFIG");
	for (i = 0; i < n; i++) {
		age(v[i].created_s, when, sizeof(when));
		if (v[i].corrupt[0])
			printf("%-56s %-10s %-8s %5s %7lluM  corrupt: %s\n", v[i].key, "-", "-",
			       when, (unsigned long long)(v[i].size_bytes >> 20), v[i].corrupt);
		else
			printf("%-56s %-10s %-8s %5s %7lluM  %s\n", v[i].key,
			       str(v[i].meta, "version", NULL), str(v[i].meta, "source", "kind"),
			       when, (unsigned long long)(v[i].size_bytes >> 20),
			       kops_kconfig_status(k, &v[i]));
	}
}

static json_t *entry_json(const struct kops *k, const struct kcache_entry *e)
{
	json_t *j;

	if (e->corrupt[0])
		return json_pack("{s:s, s:s, s:s, s:I}", "key", e->key, "path", e->dir, "corrupt",
				 e->corrupt, "size_bytes", (json_int_t)e->size_bytes);
	j = json_deep_copy(e->meta);
	json_object_set_new(j, "path", json_string(e->dir));
	json_object_set_new(j, "image_path", json_string(e->image));
	json_object_set_new(j, "size_bytes", json_integer((json_int_t)e->size_bytes));
	json_object_set_new(j, "age_s", json_integer((json_int_t)(time(NULL) - e->created_s)));
	json_object_set_new(j, "kconfig_status", json_string(kops_kconfig_status(k, e)));
	return j;
}

static int cmd_list(const struct kernel_opts *o, int argc, char **argv)
{
	struct kcache_entry *v;
	struct kt_diag d;
	struct kops k;
	json_t *doc, *arr;
	size_t n, i;
	int rc;

	if (argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[0]);
	if ((rc = with_kops(&k, o, &d)) < 0)
		return exit_code(rc, &d);
	rc = kcache_list(k.root, &v, &n);
	if (rc < 0) {
		kt_warnc(-rc, NULL, "cannot read the cache '%s'", k.root);
		kops_release(&k);
		return KT_EXIT_ENV;
	}
	if (o->json) {
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, entry_json(&k, &v[i]));
		doc = json_pack("{s:s, s:s, s:o}", "cache_dir", k.root, "fragment_hash", k.kc,
				"entries", arr);
		json_dumpf(doc, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(doc);
	} else {
		say("cache: %s", k.root);
		list_text(&k, v, n);
	}
	kcache_list_free(v, n);
	kops_release(&k);
	return KT_EXIT_OK;
}

/* Without --force, a person confirms on the terminal. */
static bool confirmed(size_t n)
{
	char answer[16];

	fprintf(stderr, "remove %zu cache entr%s? [y/N] ", n, n == 1 ? "y" : "ies");
	return fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

enum clean_result { CLEAN_REMOVED, CLEAN_BUSY, CLEAN_FAILED };

/* Only a lock someone holds means "in use"; any other failure is the environment's. */
static enum clean_result clean_one(const char *root, const struct kcache_entry *e)
{
	char who[LOCKTABLE_DESCRIBE_MAX], lock[PATH_MAX];
	int rc, fd;

	rc = kcache_lock(root, "", e->key, KLOCK_TRY_EXCL, &fd);
	if (rc == -EWOULDBLOCK) {
		kcache_lock_describe(root, "", e->key, who, sizeof(who));
		say("skipping '%s': in use by %s", e->key, who);
		return CLEAN_BUSY;
	}
	if (rc < 0) {
		kcache_lock_path(lock, sizeof(lock), root, "", e->key);
		kt_warnc(-rc, NULL, "cannot lock '%s'", lock);
		return CLEAN_FAILED;
	}
	if ((rc = kcache_remove(root, e->key, fd)) < 0) {
		kt_warnc(-rc, NULL, "cannot remove '%s'", e->dir);
		return CLEAN_FAILED;
	}
	say("removed '%s'", e->key);
	return CLEAN_REMOVED;
}

static int cmd_clean(const struct kernel_opts *o, int argc, char **argv)
{
	const char *root = paths_cache_dir();
	struct kcache_entry *v;
	size_t n, i, valid = 0, todo = 0, count[3] = { 0 };
	bool *doomed;
	int rc;

	if (argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[0]);
	if ((rc = kcache_list(root, &v, &n)) < 0)
		kt_errc(KT_EXIT_ENV, -rc, NULL, "cannot read the cache '%s'", root);
	kstore_sweep(root);
	doomed = calloc(n + 1, sizeof(*doomed));
	if (!doomed)
		kt_errx(KT_EXIT_ENV, "out of memory");
	/* the list is newest first with corrupt entries last: spare the newest --keep valid ones */
	for (i = 0; i < n; i++)
		if (v[i].corrupt[0] || o->keep < 0 || (int)valid++ >= o->keep)
			doomed[i] = true, todo++;
	if (todo && !o->force && !isatty(STDIN_FILENO)) {
		free(doomed);
		kcache_list_free(v, n);
		return cli_usage_error(usage, "clean would remove %zu entries; confirm on a "
					      "terminal or use --force", todo);
	}
	if (todo && !o->force && !confirmed(todo))
		todo = 0;
	for (i = 0; i < n && todo && !kt_stopping(); i++)
		if (doomed[i])
			count[clean_one(root, &v[i])]++;
	say("removed %zu, kept %zu in use, %zu left", count[CLEAN_REMOVED], count[CLEAN_BUSY],
	    n - count[CLEAN_REMOVED]);
	free(doomed);
	kcache_list_free(v, n);
	if (kt_stopping())
		return KT_EXIT_INTR;
	return count[CLEAN_FAILED] ? KT_EXIT_ENV : KT_EXIT_OK;
}

struct command {
	const char *name;
	int (*run)(const struct kernel_opts *o, int argc, char **argv);
	const char *opts; /* the long options it accepts, by name */
};

static const struct command commands[] = {
	{ "list", cmd_list, "json" },
	{ "build", cmd_build, "force jobs source" },
	{ "clean", cmd_clean, "keep force" },
	{ "resolve", cmd_resolve, "" },
	{ "add", cmd_add, "vmlinux config name force" },
};

static bool accepts(const struct command *c, const char *opt)
{
	const char *p = strstr(c->opts, opt);
	size_t n = strlen(opt);

	return p && (p == c->opts || p[-1] == ' ') && (p[n] == ' ' || !p[n]);
}

static int set_option(struct kernel_opts *o, int c, const char *name)
{
	struct kt_diag d;

	switch (c) {
	case 'f':
		return cli_once(usage, &o->force_seen, "--force") ? -1 : (o->force = true, 0);
	case 'j':
		if (cli_once(usage, &o->jobs_seen, "--jobs"))
			return -1;
		if (parse_uint(optarg, 1, 4096, &o->jobs, &d) < 0)
			return cli_usage_error(usage, "--jobs: %s", d.msg), -1;
		return 0;
	case 'J':
		return cli_once(usage, &o->json_seen, "--json") ? -1 : (o->json = true, 0);
	case 'k':
		if (cli_once(usage, &o->keep_seen, "--keep"))
			return -1;
		if (parse_int(optarg, 0, 1000000, &o->keep, &d) < 0)
			return cli_usage_error(usage, "--keep: %s", d.msg), -1;
		return 0;
	case 's':
		return cli_once(usage, &o->source_seen, "--source") ? -1 : (o->source = optarg, 0);
	case 'v':
		return cli_once(usage, &o->vmlinux_seen, "--vmlinux") ? -1 : (o->vmlinux = optarg, 0);
	case 'c':
		return cli_once(usage, &o->config_seen, "--config") ? -1 : (o->config = optarg, 0);
	case 'n':
		return cli_once(usage, &o->name_seen, "--name") ? -1 : (o->name = optarg, 0);
	}
	(void)name;
	return -1;
}

/* Parse one subcommand's options; *first is the index of its first operand. */
static int parse_command(const struct command *cmd, struct kernel_opts *o, int argc,
			 char **argv, int *first)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' }, { "force", no_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },   { "json", no_argument, NULL, 'J' },
		{ "keep", required_argument, NULL, 'k' },   { "name", required_argument, NULL, 'n' },
		{ "source", required_argument, NULL, 's' }, { "vmlinux", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },	    { NULL, 0, NULL, 0 },
	};
	int c, idx;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":fhj:", longopts, &idx)) != -1) {
		if (c == '?' || c == ':')
			return cli_bad_option(usage, argv, c), -1;
		if (c == 'h')
			cli_exit_help(usage, help);
		/* short options are -f (build, add, clean) and -j (build) */
		if (!accepts(cmd, c == 'f' ? "force" : c == 'j' ? "jobs" : longopts[idx].name))
			return cli_usage_error(usage, "'%s' does not take %s", cmd->name,
					       argv[optind - 1]),
			       -1;
		if (set_option(o, c, NULL) < 0)
			return -1;
	}
	*first = optind;
	return 0;
}

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	return cli_find_command(commands, NCOMMANDS, sizeof(commands[0]), name);
}

int main(int argc, char **argv)
{
	struct kernel_opts o = { .keep = -1 };
	const struct command *cmd;
	int first;

	kt_set_progname(argv[0]);
	if (argc < 2)
		return cli_usage_error(usage, "a command is needed: list, build, clean, resolve or add");
	cli_top_options(argv[1], print_help);
	if (!strcmp(argv[1], "help"))
		cli_exit_help(usage, help);
	cmd = find_command(argv[1]);
	if (!cmd)
		return cli_unknown_command(usage, commands, NCOMMANDS, sizeof(commands[0]),
					   argv[1]);
	if (parse_command(cmd, &o, argc - 1, argv + 1, &first) < 0)
		return KT_EXIT_USAGE;
	kt_signals_install();
	return kt_finish_stdout(cmd->run(&o, argc - 1 - first, argv + 1 + first));
}
