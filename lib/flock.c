// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "file.h"
#include "flock.h"
#include "ktime.h"
#include "locktable.h"
#include "parse.h"
#include "paths.h"
#include "sig.h"

struct kind_info {
	const char *prefix; /* file name before the key */
	int numeric;	    /* keys are decimal indices */
};

static const struct kind_info kinds[] = {
	[FLOCK_LLC] = { "ktstr-llc-", 1 },
	[FLOCK_CPU] = { "ktstr-cpu-", 1 },
	[FLOCK_CACHE] = { "", 0 },
	[FLOCK_RUN] = { "ktstr-run-", 0 },
};

#define SUFFIX ".lock"

int flock_dir(enum flock_kind kind, char *buf, size_t size)
{
	if (kind == FLOCK_CACHE)
		return paths_fmt(buf, size, "%s/.locks", paths_cache_dir());
	return paths_fmt(buf, size, "%s", paths_lock_dir());
}

static int key_check(enum flock_kind kind, const char *key, struct kt_diag *d)
{
	size_t i, n = strlen(key);
	unsigned idx;

	if (kinds[kind].numeric) {
		if (parse_uint(key, 0, 65535, &idx, d) < 0)
			return -EINVAL;
		if (key[0] == '0' && key[1])
			return kt_diag_set(d, EINVAL, "'%s' has a leading zero", key);
		return 0;
	}
	if (n == 0 || n > FLOCK_KEY_MAX || key[0] == '.')
		return kt_diag_set(d, EINVAL,
				   "key '%s' must be 1 to %d characters and not start with '.'", key,
				   FLOCK_KEY_MAX);
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-",
			    key[i]))
			return kt_diag_set(d, EINVAL, "key '%s' may only hold letters, digits and ._+-",
					   key);
	return 0;
}

int flock_path(enum flock_kind kind, const char *key, char *buf, size_t size, struct kt_diag *d)
{
	char dir[PATH_MAX];

	if (key_check(kind, key, d) < 0)
		return -EINVAL;
	if (flock_dir(kind, dir, sizeof(dir)) < 0 ||
	    paths_fmt(buf, size, "%s/%s%s" SUFFIX, dir, kinds[kind].prefix, key) < 0)
		return kt_diag_set(d, ENAMETOOLONG, "lock file path for '%s' is too long", key);
	return 0;
}

int flock_name_key(enum flock_kind kind, const char *name, char *key, size_t size)
{
	size_t plen = strlen(kinds[kind].prefix), n = strlen(name), klen;

	if (n <= plen + strlen(SUFFIX) || strncmp(name, kinds[kind].prefix, plen) ||
	    strcmp(name + n - strlen(SUFFIX), SUFFIX))
		return -EINVAL;
	klen = n - plen - strlen(SUFFIX);
	if (klen >= size)
		return -EINVAL;
	memcpy(key, name + plen, klen);
	key[klen] = '\0';
	return key_check(kind, key, NULL) < 0 ? -EINVAL : 0;
}

static const struct {
	unsigned long magic;
	const char *name;
} remote_fs[] = {
	{ 0x6969, "nfs" },	    { 0xff534d42, "cifs" },   { 0xfe534d42, "smb2" },
	{ 0x517b, "smbfs" },	    { 0x00c36400, "ceph" },   { 0x5346414f, "afs" },
	{ 0x6b414653, "kafs" },	    { 0x65735546, "fuse" },   { 0x01021997, "9p" },
	{ 0x01161970, "gfs2" },	    { 0x7461636f, "ocfs2" },  { 0x0bd00bd0, "lustre" },
	{ 0x20030528, "orangefs" },
};

int flock_fs_check(const char *dir, struct kt_diag *d)
{
	struct statfs sf;
	size_t i;

	if (statfs(dir, &sf) < 0)
		return kt_diag_set(d, errno, "cannot use lock directory '%s': %s", dir,
				   strerror(errno));
	for (i = 0; i < sizeof(remote_fs) / sizeof(remote_fs[0]); i++)
		if ((unsigned long)sf.f_type == remote_fs[i].magic)
			return kt_diag_set(d, EREMOTE,
					   "lock directory '%s' is on %s, where flock does not "
					   "exclude other hosts; set KTSTR_LOCK_DIR to a local directory",
					   dir, remote_fs[i].name);
	return 0;
}

/* Split path into its directory; "" when it has none. */
static void parent_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (slash == path)
		n = 1;
	if (n >= size)
		n = size - 1;
	memcpy(dir, path, n);
	dir[n] = '\0';
}

/* A cache's .locks directory appears on first use; nothing else is created. */
static int make_locks_dir(const char *dir)
{
	const char *base = strrchr(dir, '/');

	if (!base || strcmp(base, "/.locks"))
		return -ENOENT;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int open_existing(const char *path)
{
	/* O_NONBLOCK: a FIFO planted under our name must not hang the open */
	int flags = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
	int fd = open(path, O_RDWR | flags);

	if (fd < 0 && (errno == EACCES || errno == EROFS))
		fd = open(path, O_RDONLY | flags);
	return fd < 0 ? -errno : fd;
}

/* A new lock file; -EEXIST when someone made it first. */
static int create_new(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);

	if (fd < 0)
		return -errno;
	/* the umask must not lock other users out; a failure only costs them */
	(void)fchmod(fd, 0666);
	return fd;
}

static int open_lockfile(const char *path, const char *dir, struct kt_diag *d)
{
	struct stat st;
	int fd = -ENOENT, tries;

	for (tries = 0; tries < 4; tries++) {
		fd = open_existing(path);
		if (fd != -ENOENT)
			break;
		fd = create_new(path);
		/* raced with another creator, or just made a cache's .locks: open again */
		if (fd != -EEXIST && !(fd == -ENOENT && make_locks_dir(dir) == 0))
			break;
	}
	if (fd == -ENOENT)
		return kt_diag_set(d, ENOENT,
				   "lock directory '%s' does not exist; create it or set "
				   "KTSTR_LOCK_DIR (KTSTR_CACHE_DIR for cache locks)",
				   dir);
	if (fd == -ELOOP)
		return kt_diag_set(d, ELOOP, "lock file '%s' is a symbolic link; remove it", path);
	if (fd < 0)
		return kt_diag_set(d, fd, "cannot open lock file '%s': %s", path, strerror(-fd));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return kt_diag_set(d, EINVAL, "lock file '%s' is not a regular file; remove it",
				   path);
	}
	return fd;
}

/* Refuse a network file system; a directory not made yet is judged by its parent. */
static int remote_check(const char *dir, struct kt_diag *d)
{
	const char *probe = dir;
	char up[PATH_MAX];

	if (!file_is_dir(dir)) {
		parent_of(dir, up, sizeof(up));
		probe = up[0] ? up : ".";
	}
	return flock_fs_check(probe, NULL) == -EREMOTE ? flock_fs_check(probe, d) : 0;
}

int flock_take(const char *path, enum flock_mode mode, int *fd, struct kt_diag *d)
{
	char dir[PATH_MAX];
	int lfd, rc;

	parent_of(path, dir, sizeof(dir));
	if (!dir[0])
		strcpy(dir, ".");
	rc = remote_check(dir, d);
	if (rc < 0)
		return rc;
	lfd = open_lockfile(path, dir, d);
	if (lfd < 0)
		return lfd;
	while (flock(lfd, (mode == FLOCK_EXCLUSIVE ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
		rc = -errno;
		if (rc == -EINTR)
			continue;
		close(lfd);
		if (rc == -EWOULDBLOCK)
			return kt_diag_set(d, EWOULDBLOCK, "'%s' is held by another process", path);
		return kt_diag_set(d, rc, "cannot lock '%s': %s", path, strerror(-rc));
	}
	*fd = lfd;
	return 0;
}

int flock_take_timed(const char *path, enum flock_mode mode, uint64_t timeout_ns, int *fd,
		     struct kt_diag *d)
{
	uint64_t start = ktime_now_ns(), now, next;
	char who[LOCKTABLE_DESCRIBE_MAX];
	int rc;

	for (;;) {
		rc = flock_take(path, mode, fd, d);
		now = ktime_now_ns();
		if (rc != -EWOULDBLOCK || now - start >= timeout_ns)
			break;
		if (kt_stopping())
			return kt_diag_set(d, EINTR, "interrupted while waiting for '%s'", path);
		next = now + FLOCK_POLL_NS;
		ktime_sleep_until_ns(next < start + timeout_ns ? next : start + timeout_ns);
	}
	if (rc != -EWOULDBLOCK)
		return rc;
	locktable_describe_now(path, who, sizeof(who));
	return kt_diag_set(d, EWOULDBLOCK, "'%s' is busy after %.1f s: %s; 'ktstr locks' shows it",
			   path, (double)(now - start) / 1e9, who);
}

void flock_drop(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
