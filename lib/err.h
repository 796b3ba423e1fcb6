/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages on stderr, after err(3).
 *
 *   kt_set_progname(argv[0]);              once, first thing in main()
 *   kt_warn("cannot open '%s'", path);     "<prog>: cannot open 'x': <strerror(errno)>"
 *   kt_warnx("bad value '%s'", v);         "<prog>: bad value 'v'"
 *   kt_warnc(-rc, "run as root", "cannot write '%s'", p);
 *                                          "<prog>: cannot write 'p': <strerror>; run as root"
 *   kt_err*(KT_EXIT_*, ...)                the same, then exit (tools/ only)
 *
 * lib/ never exits and never prints errors that the caller must react to:
 * it returns 0 or -errno and, where errno cannot say enough, fills a
 * struct kt_diag that the tool prints.
 */
#ifndef KTSTR_ERR_H
#define KTSTR_ERR_H

#include <stdarg.h>

struct kt_diag {
	char msg[512];
};

void kt_set_progname(const char *argv0);
const char *kt_progname(void);

void kt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kt_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kt_warnc(int errnum, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

_Noreturn void kt_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void kt_errx(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void kt_errc(int code, int errnum, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Fill a diagnostic; returns -err so callers can write "return kt_diag_set(...)". */
int kt_diag_set(struct kt_diag *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
