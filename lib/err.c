// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static const char *progname = "ktstr";

void kt_set_progname(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

const char *kt_progname(void)
{
	return progname;
}

static void vmsg(int errnum, const char *hint, const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	/* One fprintf so concurrent tools in a pipeline never interleave a line. */
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		buf[0] = '\0';
	fprintf(stderr, "%s: %s%s%s%s%s\n", progname, buf, errnum ? ": " : "",
		errnum ? strerror(errnum) : "", hint ? "; " : "", hint ? hint : "");
}

void kt_warn(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(e, NULL, fmt, ap);
	va_end(ap);
	errno = e;
}

void kt_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, NULL, fmt, ap);
	va_end(ap);
}

void kt_warnc(int errnum, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(errnum, hint, fmt, ap);
	va_end(ap);
}

void kt_err(int code, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(e, NULL, fmt, ap);
	va_end(ap);
	exit(code);
}

void kt_errx(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, NULL, fmt, ap);
	va_end(ap);
	exit(code);
}

void kt_errc(int code, int errnum, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(errnum, hint, fmt, ap);
	va_end(ap);
	exit(code);
}

int kt_diag_set(struct kt_diag *d, int err, const char *fmt, ...)
{
	va_list ap;

	if (d) {
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	return err > 0 ? -err : err;
}
