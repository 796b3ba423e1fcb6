// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klock.h"
#include "paths.h"

static int flock_mode(enum klock_mode mode)
{
	switch (mode) {
	case KLOCK_SHARED:
		return LOCK_SH;
	case KLOCK_EXCL:
		return LOCK_EX;
	case KLOCK_TRY_SHARED:
		return LOCK_SH | LOCK_NB;
	default:
		return LOCK_EX | LOCK_NB;
	}
}

static int mkdir_parent(const char *path)
{
	char dir[PATH_MAX], *slash;

	if (paths_fmt(dir, sizeof(dir), "%s", path) < 0)
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Same file as path still names?  If not, the lock was won on an unlinked file. */
static int still_linked(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0 || stat(path, &b) < 0)
		return 0;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int klock_take(const char *path, enum klock_mode mode, int *fd)
{
	int rc, f;

	rc = mkdir_parent(path);
	if (rc < 0)
		return rc;
	for (;;) {
		f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		/* flock needs no write access: another user's lock file still serves */
		if (f < 0 && (errno == EACCES || errno == EROFS)) {
			rc = -errno;
			f = open(path, O_RDONLY | O_CLOEXEC);
			/* no such file: the reason is that we could not create it */
			if (f < 0 && errno != ENOENT)
				rc = -errno;
		} else if (f < 0) {
			rc = -errno;
		}
		if (f < 0)
			return rc;
		if (flock(f, flock_mode(mode)) < 0) {
			rc = -errno;
			close(f);
			return rc;
		}
		if (still_linked(f, path))
			break;
		close(f);
	}
	*fd = f;
	return 0;
}

int klock_dir(const char *dir, enum klock_mode mode, int *fd)
{
	int f = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (f < 0)
		return -errno;
	if (flock(f, flock_mode(mode)) < 0) {
		rc = -errno;
		close(f);
		return rc;
	}
	*fd = f;
	return 0;
}

void klock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

void klock_remove(const char *path, int fd)
{
	unlink(path);
	klock_release(fd);
}
