// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <jansson.h>
#include <zstd.h>

#include "cli.h"
#include "err.h"
#include "exit.h"
#include "suggest.h"

#ifndef KTSTR_VERSION
#define KTSTR_VERSION "0.0.0"
#endif

void cli_print_version(FILE *f)
{
	fprintf(f, "%s %s (libbpf %s, jansson %s, zstd %s)\n", kt_progname(), KTSTR_VERSION,
		libbpf_version_string(), jansson_version_str(), ZSTD_versionString());
}

void cli_exit_help(const char *usage, const char *help)
{
	printf("%s\n%s", usage, help);
	exit(kt_finish_stdout(KT_EXIT_OK));
}

void cli_exit_version(void)
{
	cli_print_version(stdout);
	exit(kt_finish_stdout(KT_EXIT_OK));
}

void cli_top_options(const char *arg, void (*print_help)(void))
{
	if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
		print_help();
		exit(kt_finish_stdout(KT_EXIT_OK));
	}
	if (!strcmp(arg, "--version") || !strcmp(arg, "-V"))
		cli_exit_version();
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kt_warnx("%s", buf);
	fprintf(stderr, "%s", usage);
	return KT_EXIT_USAGE;
}

int cli_bad_option(const char *usage, char *const argv[], int getopt_rc)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (getopt_rc == ':')
		return cli_usage_error(usage, "option '%s' needs a value", arg);
	if (optopt && arg[0] == '-' && arg[1] != '-')
		return cli_usage_error(usage, "unknown option '-%c'", optopt);
	return cli_usage_error(usage, "unknown option '%s'", arg);
}

int cli_once(const char *usage, int *seen, const char *name)
{
	if ((*seen)++)
		return cli_usage_error(usage, "%s given more than once", name);
	return 0;
}

static const char *row_name(const void *rows, size_t i, size_t row_size)
{
	return *(const char *const *)((const char *)rows + i * row_size);
}

const void *cli_find_command(const void *rows, size_t n, size_t row_size, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(row_name(rows, i, row_size), name))
			return (const char *)rows + i * row_size;
	return NULL;
}

int cli_unknown_command(const char *usage, const void *rows, size_t n, size_t row_size,
			const char *name)
{
	const char *names[64], *hint;
	size_t i;

	/* nothing is close to "", and "did you mean" would only puzzle */
	if (!*name)
		return cli_usage_error(usage, "no command given: the command name is empty");
	for (i = 0; i < n && i < 64; i++)
		names[i] = row_name(rows, i, row_size);
	hint = suggest_closest(name, names, i);
	if (hint)
		return cli_usage_error(usage, "unknown command '%s'; did you mean '%s'?", name, hint);
	return cli_usage_error(usage, "unknown command '%s'", name);
}
