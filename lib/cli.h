/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line conventions shared by the tools (see STYLE.md):
 *
 *   --version   cli_print_version(): "<prog> <version> (libbpf x.y, ...)"
 *   getopt      case 'h': cli_exit_help(USAGE, HELP);   print, then exit 0
 *               case 'V': cli_exit_version();           (or 1 if stdout fails)
 *   bad usage   return cli_usage_error(USAGE, "--topology: %s", diag.msg);
 *               prints "<prog>: <msg>" and the synopsis on stderr, returns 2
 *   getopt      optstring starts with ':'; on '?' or ':' return
 *               cli_bad_option(USAGE, argv, c)
 */
#ifndef KTSTR_CLI_H
#define KTSTR_CLI_H

#include <stddef.h>
#include <stdio.h>

void cli_print_version(FILE *f);
/* Print "usage\nhelp" (or the version) on stdout and exit, reporting a failed write. */
__attribute__((noreturn)) void cli_exit_help(const char *usage, const char *help);
__attribute__((noreturn)) void cli_exit_version(void);
/*
 * A multi-command tool's first argument: "-h"/"--help" calls print_help
 * (which prints on stdout), "-V"/"--version" prints the version; either then
 * exits as cli_exit_help() does.  Any other argument returns.
 */
void cli_top_options(const char *arg, void (*print_help)(void));
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_bad_option(const char *usage, char *const argv[], int getopt_rc);
/* Reject an option given twice: returns 2 with a message, 0 the first time. */
int cli_once(const char *usage, int *seen, const char *name);

/*
 * Multi-command tools keep a table of rows whose first member is the
 * command's name (const char *).  cli_find_command() returns the row named
 * name, or NULL; cli_unknown_command() answers a miss: "unknown command 'x';
 * did you mean 'y'?" (for "": "no command given") and the synopsis, returning 2.
 */
const void *cli_find_command(const void *rows, size_t n, size_t row_size, const char *name);
int cli_unknown_command(const char *usage, const void *rows, size_t n, size_t row_size,
			const char *name);

#endif
