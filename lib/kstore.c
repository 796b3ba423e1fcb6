// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kstore.h"
#include "paths.h"

int kstore_begin(struct kstore *s, const char *root, const char *key)
{
	char fresh[PATH_MAX];
	int rc, fd;

	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	if (paths_fmt(s->root, sizeof(s->root), "%s", root) < 0 ||
	    paths_fmt(s->key, sizeof(s->key), "%s", key) < 0 ||
	    paths_fmt(s->tmp, sizeof(s->tmp), "%s/.tmp-%s-%d", root, key, (int)getpid()) < 0)
		return -ENAMETOOLONG;
	rc = kcache_mkroot(root);
	if (rc < 0)
		return rc;
	/* a leftover of a dead process with our pid (in another pid namespace, maybe live) */
	rc = klock_dir(s->tmp, KLOCK_TRY_EXCL, &fd);
	if (rc == -EWOULDBLOCK)
		return -EBUSY;
	if (rc == 0) {
		kcache_rmtree(s->tmp);
		klock_release(fd);
	}
	/*
	 * Made under another name and locked before it becomes ".tmp-*", so
	 * kstore_sweep never sees it unlocked.
	 */
	if (paths_fmt(fresh, sizeof(fresh), "%s/.new-%s-%d", root, key, (int)getpid()) < 0)
		return -ENAMETOOLONG;
	kcache_rmtree(fresh);
	if (mkdir(fresh, 0755) < 0)
		return -errno;
	rc = klock_dir(fresh, KLOCK_EXCL, &s->lock_fd);
	if (rc == 0 && rename(fresh, s->tmp) < 0)
		rc = -errno;
	if (rc < 0) {
		klock_release(s->lock_fd);
		s->lock_fd = -1;
		rmdir(fresh);
		return rc;
	}
	return 0;
}

static int copy_fd(int in, int out)
{
	char buf[1 << 16];
	ssize_t n, w, off;

	for (;;) {
		n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n > 0)
			continue;
		if (n == 0)
			return 0;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			return -errno;
		break; /* fall back to read/write */
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) < 0)
				return -errno;
	return n < 0 ? -errno : 0;
}

int kstore_open(struct kstore *s, const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (paths_fmt(path, sizeof(path), "%s/%s", s->tmp, name) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	return fd < 0 ? -errno : fd;
}

int kstore_put(struct kstore *s, const char *src, const char *name, bool move)
{
	char path[PATH_MAX];
	int in, out, rc;

	if (paths_fmt(path, sizeof(path), "%s/%s", s->tmp, name) < 0)
		return -ENAMETOOLONG;
	if (move && rename(src, path) == 0)
		return 0;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = kstore_open(s, name);
	if (out < 0) {
		close(in);
		return out;
	}
	rc = copy_fd(in, out);
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

static void stamp(json_t *meta)
{
	time_t now = time(NULL);
	char iso[32];
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(meta, "created_at", json_string(iso));
	json_object_set_new(meta, "created_s", json_integer((json_int_t)now));
}

static int write_meta(struct kstore *s, json_t *meta)
{
	char path[PATH_MAX];

	if (paths_fmt(path, sizeof(path), "%s/metadata.json", s->tmp) < 0)
		return -ENAMETOOLONG;
	json_object_set_new(meta, "key", json_string(s->key));
	stamp(meta);
	if (json_dump_file(meta, path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0)
		return -EIO;
	return 0;
}

int kstore_commit(struct kstore *s, json_t *meta)
{
	char final[PATH_MAX];
	int rc;

	if (paths_fmt(final, sizeof(final), "%s/%s", s->root, s->key) < 0) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	rc = write_meta(s, meta);
	if (rc < 0)
		goto out;
	if (rename(s->tmp, final) == 0)
		goto out;
	if (errno != EEXIST && errno != ENOTEMPTY) {
		rc = -errno;
		goto out;
	}
	/* Replace: swap the new directory in, then delete the old one (now at tmp). */
	if (renameat2(AT_FDCWD, s->tmp, AT_FDCWD, final, RENAME_EXCHANGE) < 0)
		rc = -errno;
out:
	kstore_abort(s);
	return rc;
}

void kstore_abort(struct kstore *s)
{
	if (s->tmp[0])
		kcache_rmtree(s->tmp);
	klock_release(s->lock_fd);
	s->lock_fd = -1;
	s->tmp[0] = '\0';
}

int kstore_sweep(const char *root)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int n = 0, fd;
	DIR *d = opendir(root);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (paths_fmt(path, sizeof(path), "%s/%s", root, de->d_name) < 0)
			continue;
		/* ".new-*" lives for microseconds before it is locked and renamed */
		if (strncmp(de->d_name, ".tmp-", 5) &&
		    (strncmp(de->d_name, ".new-", 5) || stat(path, &st) < 0 ||
		     time(NULL) - st.st_mtime < 60))
			continue;
		if (klock_dir(path, KLOCK_TRY_EXCL, &fd) < 0)
			continue; /* a live writer holds it */
		if (kcache_rmtree(path) == 0)
			n++;
		klock_release(fd);
	}
	closedir(d);
	return n;
}
