// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"

struct root {
	const char *env;
	const char *dflt; /* an absolute path, or a leaf under the user cache */
	char *value; /* owned, resolved on first use */
};

static struct root sysfs = { "KTSTR_SYSFS_ROOT", "/sys", NULL };
static struct root proc = { "KTSTR_PROC_ROOT", "/proc", NULL };
static struct root cgroup = { "KTSTR_CGROUP_ROOT", "/sys/fs/cgroup", NULL };
static struct root lockdir = { "KTSTR_LOCK_DIR", "/tmp", NULL };
static struct root cache = { "KTSTR_CACHE_DIR", "kernels", NULL };
static struct root sched = { "KTSTR_SCHED_DIR", "schedulers", NULL };
static struct root dev = { "KTSTR_DEV_ROOT", "/dev", NULL };

static char *strip_slashes(char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* A directory under the user's cache: $XDG_CACHE_HOME/ktstr/<leaf>, else ~/.cache/ktstr/<leaf>. */
static char *default_cache(const char *leaf)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *s = NULL;

	if (xdg && *xdg) {
		if (asprintf(&s, "%s/ktstr/%s", xdg, leaf) < 0)
			s = NULL;
	} else if (asprintf(&s, "%s/.cache/ktstr/%s", home && *home ? home : "/root", leaf) < 0) {
		s = NULL;
	}
	return s;
}

static const char *resolve(struct root *r)
{
	const char *env;

	if (r->value)
		return r->value;
	env = getenv(r->env);
	if (env && *env)
		r->value = strdup(env);
	else if (r->dflt[0] == '/')
		r->value = strdup(r->dflt);
	else
		r->value = default_cache(r->dflt);
	if (!r->value) /* out of memory this early: nothing sensible is left */
		abort();
	return strip_slashes(r->value);
}

const char *paths_sysfs(void)
{
	return resolve(&sysfs);
}

const char *paths_proc(void)
{
	return resolve(&proc);
}

const char *paths_cgroup(void)
{
	return resolve(&cgroup);
}

const char *paths_lock_dir(void)
{
	return resolve(&lockdir);
}

const char *paths_cache_dir(void)
{
	return resolve(&cache);
}

const char *paths_sched_dir(void)
{
	return resolve(&sched);
}

const char *paths_dev(void)
{
	return resolve(&dev);
}

int paths_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}
