// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base.h"

#include "guest-init.h"

#define APPLET_LIST_MAX (256u << 10)

static const char *const base_dirs[] = {
	"bin", "sbin", "usr/bin", "usr/sbin", "dev",	       "proc",		"sys",
	"tmp", "run",  "root",	  "etc",      "include-files", "ktstr/bin",
};

void base_init(struct base *b, const char *tools_dir, const char *busybox, const char *cache_dir)
{
	memset(b, 0, sizeof(*b));
	b->tools_dir = tools_dir;
	b->busybox = busybox;
	b->cache_dir = cache_dir;
	initramfs_init(&b->ar);
}

void base_release(struct base *b)
{
	initramfs_release(&b->ar);
	free(b->path);
	b->path = NULL;
}

int base_add_libs(struct initramfs *ar, const struct initramfs *skip, const struct elfdeps *deps,
		  struct kt_diag *d)
{
	const struct elfdeps_lib *l;
	size_t i;
	int rc;

	for (i = 0; i < deps->n; i++) {
		l = &deps->lib[i];
		if (!skip || !initramfs_find(skip, l->real)) {
			rc = initramfs_add_file(ar, l->real, l->real, 0755, d);
			if (rc < 0)
				return rc;
		}
		if (strcmp(l->found, l->real) && (!skip || !initramfs_find(skip, l->found))) {
			rc = initramfs_add_symlink(ar, l->found, l->real, d);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Run argv and collect its stdout (at most max bytes), NUL-terminated. */
static int capture(char *const argv[], size_t max, char **out)
{
	int p[2], status, e = 0;
	size_t len = 0;
	char *buf;
	ssize_t n;
	pid_t pid;

	if (!(buf = malloc(max + 1)))
		return -ENOMEM;
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		e = errno;
		free(buf);
		return -e;
	}
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (len < max) {
		n = read(p[0], buf + len, max - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len == max) {
		free(buf);
		return -EIO;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* One symlink to /bin/busybox per applet, where busybox --install would put it. */
static int add_applets(struct base *b, struct kt_diag *d)
{
	char *const argv[] = { (char *)b->busybox, "--list-full", NULL };
	char *list = NULL, *line, *save = NULL;
	int rc = capture(argv, APPLET_LIST_MAX, &list);

	if (rc < 0)
		return kt_diag_set(d, -rc, "cannot list the applets of '%s'; is it busybox?",
				   b->busybox);
	for (line = strtok_r(list, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save))
		if (*line && !initramfs_find(&b->ar, line))
			rc = initramfs_add_symlink(&b->ar, line, "/bin/busybox", d);
	free(list);
	return rc;
}

static int is_tool_name(const char *name)
{
	return !strcmp(name, "ktstr") || !strncmp(name, "ktstr-", 6);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every ktstr tool beside the running ktstr-vm, and what each needs. */
static int add_tools(struct base *b, struct elfdeps *deps, struct kt_diag *d)
{
	char host[PATH_MAX], guest[PATH_MAX];
	struct dirent **names;
	struct stat st;
	int i, n, rc = 0;

	n = scandir(b->tools_dir, &names, NULL, by_name);
	if (n < 0)
		return kt_diag_set(d, errno, "cannot list the ktstr tools in '%s': %s",
				   b->tools_dir, strerror(errno));
	for (i = 0; i < n; i++) {
		if (rc == 0 && is_tool_name(names[i]->d_name) &&
		    snprintf(host, sizeof(host), "%s/%s", b->tools_dir, names[i]->d_name) <
			    (int)sizeof(host) &&
		    stat(host, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			snprintf(guest, sizeof(guest), "ktstr/bin/%s", names[i]->d_name);
			rc = initramfs_add_file(&b->ar, guest, host, 0755, d);
			if (rc == 0 && (rc = elfdeps_add(deps, host, d)) > 0)
				rc = 0;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int base_build(struct base *b, struct kt_diag *d)
{
	struct elfdeps deps;
	size_t i;
	int rc = 0;

	elfdeps_init(&deps);
	for (i = 0; i < sizeof(base_dirs) / sizeof(base_dirs[0]) && rc == 0; i++)
		rc = initramfs_add_dir(&b->ar, base_dirs[i], 0755, d);
	if (rc == 0)
		rc = initramfs_add_chardev(&b->ar, "dev/console", 0600, 5, 1, d);
	if (rc == 0)
		rc = initramfs_add_data(&b->ar, "init", guest_init_script,
					strlen(guest_init_script), 0755, d);
	if (rc == 0)
		rc = initramfs_add_file(&b->ar, "bin/busybox", b->busybox, 0755, d);
	if (rc == 0 && (rc = elfdeps_add(&deps, b->busybox, d)) > 0)
		rc = 0;
	if (rc == 0)
		rc = add_applets(b, d);
	if (rc == 0)
		rc = add_tools(b, &deps, d);
	if (rc == 0 && access(deps.ldcache_path, R_OK) == 0)
		rc = initramfs_add_file(&b->ar, deps.ldcache_path, deps.ldcache_path, 0644, d);
	if (rc == 0)
		rc = base_add_libs(&b->ar, NULL, &deps, d);
	if (rc == 0)
		rc = initramfs_hash(&b->ar, &b->hash, d);
	elfdeps_release(&deps);
	return rc;
}

static int mkdirs(const char *path)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Remove base files unused for BASE_KEEP_DAYS, and temporaries of crashed builders. */
static void sweep(const struct base *b)
{
	time_t now = time(NULL);
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *dir = opendir(b->cache_dir);
	long age;

	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, "base-", 5) && strncmp(e->d_name, ".base-", 6))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", b->cache_dir, e->d_name) >=
			    (int)sizeof(path) ||
		    !strcmp(path, b->path) || stat(path, &st) < 0)
			continue;
		age = (long)(now - st.st_mtime);
		if (age > (e->d_name[0] == '.' ? 86400L : BASE_KEEP_DAYS * 86400L))
			unlink(path);
	}
	closedir(dir);
}

static int store(struct base *b, struct kt_diag *d)
{
	char tmp[PATH_MAX];
	int fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s/.base-XXXXXX", b->cache_dir) >= (int)sizeof(tmp))
		return kt_diag_set(d, ENAMETOOLONG, "cache path too long: '%s'", b->cache_dir);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return kt_diag_set(d, errno, "cannot create '%s': %s", tmp, strerror(errno));
	rc = initramfs_write(&b->ar, fd, NULL, d);
	if (rc == 0 && (fchmod(fd, 0644) < 0 || rename(tmp, b->path) < 0))
		rc = kt_diag_set(d, errno, "cannot store '%s': %s", b->path, strerror(errno));
	close(fd);
	if (rc < 0)
		unlink(tmp);
	else
		sweep(b);
	return rc;
}

int base_path(struct base *b, const char **path, struct kt_diag *d)
{
	struct stat st;
	int rc;

	if (!b->path) {
		if ((rc = mkdirs(b->cache_dir)) < 0)
			return kt_diag_set(d, -rc, "cannot create the cache directory '%s': %s",
					   b->cache_dir, strerror(-rc));
		if (asprintf(&b->path, "%s/base-%016llx.cpio", b->cache_dir,
			     (unsigned long long)b->hash) < 0) {
			b->path = NULL;
			return kt_diag_set(d, ENOMEM, "out of memory");
		}
	}
	if (stat(b->path, &st) == 0 && (uint64_t)st.st_size == initramfs_bytes(&b->ar)) {
		utimensat(AT_FDCWD, b->path, NULL, 0); /* in use: keep it from the sweep */
	} else if ((rc = store(b, d)) < 0) {
		return rc;
	}
	*path = b->path;
	return 0;
}
