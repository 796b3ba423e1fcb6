// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shquote.h"

static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "@%+=:,./_-";

/* Bytes one word needs, quotes included. */
static size_t quoted_len(const char *a)
{
	size_t n = 2;

	if (*a && strspn(a, plain) == strlen(a))
		return strlen(a);
	for (; *a; a++)
		n += *a == '\'' ? 4 : 1;
	return n;
}

static char *put_quoted(char *p, const char *a)
{
	if (*a && strspn(a, plain) == strlen(a))
		return stpcpy(p, a);
	*p++ = '\'';
	for (; *a; a++)
		p = *a == '\'' ? stpcpy(p, "'\\''") : (*p = *a, p + 1);
	*p++ = '\'';
	return p;
}

char *shquote_join(char *const argv[])
{
	size_t n = 1, i;
	char *line, *p;

	for (i = 0; argv[i]; i++)
		n += quoted_len(argv[i]) + 1;
	if (!(line = malloc(n))) {
		errno = ENOMEM;
		return NULL;
	}
	p = line;
	for (i = 0; argv[i]; i++) {
		if (i)
			*p++ = ' ';
		p = put_quoted(p, argv[i]);
	}
	*p = '\0';
	return line;
}
