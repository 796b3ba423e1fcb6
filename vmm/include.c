// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"
#include "include.h"

#define MAX_DEPTH 64 /* directory symlinks can loop */

void include_init(struct include *inc, struct initramfs *ar, const struct initramfs *base)
{
	memset(inc, 0, sizeof(*inc));
	inc->ar = ar;
	inc->base = base;
	elfdeps_init(&inc->deps);
}

void include_release(struct include *inc)
{
	elfdeps_release(&inc->deps);
}

static int explicit_path(const char *arg)
{
	return arg[0] == '/' || arg[0] == '.' || strchr(arg, '/');
}

/* The first executable regular file called name on PATH. */
static int search_path(const char *name, char *out, size_t size)
{
	const char *p = getenv("PATH"), *colon;
	struct stat st;

	for (; p && *p; p = *colon ? colon + 1 : colon) {
		colon = strchrnul(p, ':');
		if (snprintf(out, size, "%.*s/%s", (int)(colon - p), colon > p ? p : ".", name) >=
		    (int)size)
			continue;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static int add_one_file(struct include *inc, const char *host, const char *guest,
			const struct stat *st, struct kt_diag *d)
{
	int rc = initramfs_add_file(inc->ar, guest, host, st->st_mode, d);

	if (rc == 0 && (st->st_mode & 0111) && elfdeps_is_elf(host) == 1)
		rc = elfdeps_add(&inc->deps, host, d);
	return rc < 0 ? rc : 0;
}

static int walk(struct include *inc, const char *host, const char *guest, int depth,
		struct kt_diag *d);

static int add_path(struct include *inc, const char *host, const char *guest, int depth,
		    struct kt_diag *d)
{
	struct stat st;
	int rc;

	if (stat(host, &st) < 0)
		return kt_diag_set(d, errno, "-i '%s': %s", host, strerror(errno));
	if (S_ISREG(st.st_mode))
		return add_one_file(inc, host, guest, &st, d);
	if (!S_ISDIR(st.st_mode)) {
		inc->skipped++;
		return 0;
	}
	if (depth > MAX_DEPTH)
		return kt_diag_set(d, ELOOP, "-i '%s': directories nest too deep (a symlink loop?)",
				   host);
	rc = initramfs_add_dir(inc->ar, guest, st.st_mode, d);
	return rc < 0 ? rc : walk(inc, host, guest, depth + 1, d);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int walk(struct include *inc, const char *host, const char *guest, int depth,
		struct kt_diag *d)
{
	char h[PATH_MAX], g[PATH_MAX];
	struct dirent **names;
	int i, n, rc = 0;

	if ((n = scandir(host, &names, NULL, by_name)) < 0)
		return kt_diag_set(d, errno, "-i '%s': %s", host, strerror(errno));
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (rc == 0 && strcmp(name, ".") && strcmp(name, "..")) {
			if (snprintf(h, sizeof(h), "%s/%s", host, name) >= (int)sizeof(h) ||
			    snprintf(g, sizeof(g), "%s/%s", guest, name) >= (int)sizeof(g))
				rc = kt_diag_set(d, ENAMETOOLONG, "-i '%s/%s': path too long", host,
						 name);
			else
				rc = add_path(inc, h, g, depth, d);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* The name the guest sees: the argument's last component, or the real one for "." and "/". */
static int guest_name(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX], *end, *slash;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (end = buf + strlen(buf); end > buf + 1 && end[-1] == '/';)
		*--end = '\0';
	slash = strrchr(buf, '/');
	slash = slash ? slash + 1 : buf;
	if (!*slash || !strcmp(slash, ".") || !strcmp(slash, "..")) {
		if (!realpath(path, buf))
			return -errno;
		slash = strrchr(buf, '/') + 1;
		if (!*slash)
			return -EINVAL; /* "/" itself */
	}
	return snprintf(out, size, "%s/%s", INCLUDE_DIR, slash) < (int)size ? 0 : -ENAMETOOLONG;
}

int include_add(struct include *inc, const char *arg, struct kt_diag *d)
{
	char found[PATH_MAX], guest[PATH_MAX];
	const char *host = arg;
	struct stat st;
	int rc;

	if (!*arg)
		return kt_diag_set(d, EINVAL, "-i: empty path");
	if (!explicit_path(arg) && lstat(arg, &st) < 0) {
		if (search_path(arg, found, sizeof(found)) < 0)
			return kt_diag_set(d, ENOENT, "-i '%s': not found in the filesystem or PATH",
					   arg);
		host = found;
	}
	if (stat(host, &st) < 0)
		return kt_diag_set(d, errno, "-i '%s': %s", host, strerror(errno));
	if ((rc = guest_name(host, guest, sizeof(guest))) < 0)
		return kt_diag_set(d, -rc, "-i '%s': cannot name it in the guest: %s", host,
				   strerror(-rc));
	return add_path(inc, host, guest, 0, d);
}

int include_finish(struct include *inc, struct kt_diag *d)
{
	return base_add_libs(inc->ar, inc->base, &inc->deps, d);
}
