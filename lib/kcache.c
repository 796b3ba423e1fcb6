// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "kcache.h"
#include "locktable.h"
#include "paths.h"

#define META_MAX (1u << 20)

int kcache_key_check(const char *key, struct kt_diag *d)
{
	size_t i, n = strlen(key);

	if (n == 0 || n >= KCACHE_KEY_MAX)
		return kt_diag_set(d, -EINVAL, "'%s' is not 1 to %d characters long", key,
				   KCACHE_KEY_MAX - 1);
	if (key[0] == '.')
		return kt_diag_set(d, -EINVAL, "'%s' starts with '.'", key);
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-",
			    key[i]))
			return kt_diag_set(d, -EINVAL,
					   "'%s' has '%c'; use letters, digits, '.', '_', '+', '-'",
					   key, key[i]);
	return 0;
}

static uint64_t dir_size(const char *dir)
{
	char *const paths[] = { (char *)dir, NULL };
	uint64_t bytes = 0;
	FTSENT *e;
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);

	if (!fts)
		return 0;
	while ((e = fts_read(fts)))
		if (e->fts_info == FTS_F)
			bytes += (uint64_t)e->fts_statp->st_blocks * 512;
	fts_close(fts);
	return bytes;
}

/* Fill image/created_s from metadata, or say why the entry is unusable. */
static void check_meta(struct kcache_entry *e)
{
	json_t *img = json_object_get(e->meta, "image"), *ts = json_object_get(e->meta, "created_s");
	json_t *key = json_object_get(e->meta, "key");
	struct stat st;

	if (!json_is_string(img) || !json_is_integer(ts) ||
	    !json_is_string(json_object_get(e->meta, "arch")) ||
	    !json_is_object(json_object_get(e->meta, "source"))) {
		snprintf(e->corrupt, sizeof(e->corrupt), "metadata.json lacks a required field");
		return;
	}
	/* a copied or renamed directory: its key would be listed twice, or be wrong */
	if (!json_is_string(key) || strcmp(json_string_value(key), e->key)) {
		snprintf(e->corrupt, sizeof(e->corrupt), "metadata.json names key '%.64s', not '%.40s'",
			 json_is_string(key) ? json_string_value(key) : "", e->key);
		return;
	}
	if (paths_fmt(e->image, sizeof(e->image), "%s/%s", e->dir, json_string_value(img)) < 0 ||
	    strchr(json_string_value(img), '/') || stat(e->image, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(e->corrupt, sizeof(e->corrupt), "image '%s' is missing",
			 json_string_value(img));
		e->image[0] = '\0';
		return;
	}
	e->created_s = json_integer_value(ts);
}

int kcache_entry_load(const char *root, const char *key, struct kcache_entry *e)
{
	char path[PATH_MAX];
	json_error_t jerr;
	struct stat st;

	memset(e, 0, sizeof(*e));
	if (snprintf(e->key, sizeof(e->key), "%s", key) >= (int)sizeof(e->key) ||
	    paths_fmt(e->dir, sizeof(e->dir), "%s/%s", root, key) < 0 ||
	    paths_fmt(path, sizeof(path), "%s/metadata.json", e->dir) < 0)
		return -ENAMETOOLONG;
	if (stat(e->dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	e->created_s = st.st_mtime;
	e->size_bytes = dir_size(e->dir);
	e->meta = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!e->meta) {
		snprintf(e->corrupt, sizeof(e->corrupt), "metadata.json: %.100s",
			 file_exists(path) ? jerr.text : "missing");
		return 0;
	}
	if (!json_is_object(e->meta)) {
		snprintf(e->corrupt, sizeof(e->corrupt), "metadata.json is not an object");
	} else {
		check_meta(e);
	}
	if (e->corrupt[0]) {
		json_decref(e->meta);
		e->meta = NULL;
	}
	return 0;
}

void kcache_entry_release(struct kcache_entry *e)
{
	json_decref(e->meta);
	e->meta = NULL;
}

static int newest_first(const void *a, const void *b)
{
	const struct kcache_entry *x = a, *y = b;

	if (!x->corrupt[0] != !y->corrupt[0])
		return x->corrupt[0] ? 1 : -1;
	if (x->created_s != y->created_s)
		return x->created_s < y->created_s ? 1 : -1;
	return strcmp(x->key, y->key);
}

int kcache_list(const char *root, struct kcache_entry **out, size_t *n)
{
	struct kcache_entry *v = NULL, *grown;
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(root);
	if (!d)
		return errno == ENOENT ? 0 : -errno; /* no cache yet: empty */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || kcache_key_check(de->d_name, NULL) < 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown) {
				kcache_list_free(v, *n);
				closedir(d);
				return -ENOMEM;
			}
			v = grown;
		}
		if (kcache_entry_load(root, de->d_name, &v[*n]) == 0)
			(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), newest_first);
	*out = v;
	return 0;
}

void kcache_list_free(struct kcache_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		kcache_entry_release(&v[i]);
	free(v);
}

int kcache_lock_path(char *buf, size_t size, const char *root, const char *prefix,
		     const char *name)
{
	return paths_fmt(buf, size, "%s/.locks/%s%s.lock", root, prefix, name);
}

int kcache_mkroot(const char *dir)
{
	char buf[PATH_MAX], *p;

	if (paths_fmt(buf, sizeof(buf), "%s", dir) < 0)
		return -ENAMETOOLONG;
	for (p = buf + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int kcache_lock(const char *root, const char *prefix, const char *name, enum klock_mode mode,
		int *fd)
{
	char path[PATH_MAX];
	int rc = kcache_lock_path(path, sizeof(path), root, prefix, name);

	if (rc < 0)
		return rc;
	rc = kcache_mkroot(root);
	if (rc < 0)
		return rc;
	return klock_take(path, mode, fd);
}

void kcache_unlock(const char *root, const char *prefix, const char *name, int fd)
{
	char path[PATH_MAX];

	/* unlinking is safe only while no one else holds it: klock_take rechecks */
	if (kcache_lock_path(path, sizeof(path), root, prefix, name) == 0 &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0)
		klock_remove(path, fd);
	else
		klock_release(fd);
}

void kcache_lock_describe(const char *root, const char *prefix, const char *name, char *buf,
			  size_t size)
{
	char path[PATH_MAX];

	if (kcache_lock_path(path, sizeof(path), root, prefix, name) < 0)
		snprintf(buf, size, "holder unknown (lock path too long)");
	else
		locktable_describe_now(path, buf, size);
}

int kcache_hold_image(const char *image, int *fd)
{
	char real[PATH_MAX], root[PATH_MAX], *slash;
	size_t rlen;

	if (!realpath(image, real) || !realpath(paths_cache_dir(), root))
		return -ENOENT;
	rlen = strlen(root);
	if (strncmp(real, root, rlen) || real[rlen] != '/')
		return -ENOENT;
	slash = strchr(real + rlen + 1, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return kcache_lock(root, "", real + rlen + 1, KLOCK_SHARED, fd);
}

int kcache_rmtree(const char *path)
{
	char *const paths[] = { (char *)path, NULL };
	FTSENT *e;
	int rc = 0;
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);

	if (!fts)
		return -errno;
	while ((e = fts_read(fts))) {
		switch (e->fts_info) {
		case FTS_D:
			break; /* removed on the way back up (FTS_DP) */
		case FTS_DP:
			if (rmdir(e->fts_accpath) < 0 && !rc)
				rc = -errno;
			break;
		case FTS_NS:
			if (e->fts_errno != ENOENT && !rc)
				rc = -e->fts_errno;
			break;
		default:
			if (unlink(e->fts_accpath) < 0 && errno != ENOENT && !rc)
				rc = -errno;
		}
	}
	fts_close(fts);
	return rc;
}

int kcache_remove(const char *root, const char *key, int lock_fd)
{
	char dir[PATH_MAX], lock[PATH_MAX];
	int rc;

	if (paths_fmt(dir, sizeof(dir), "%s/%s", root, key) < 0 ||
	    kcache_lock_path(lock, sizeof(lock), root, "", key) < 0)
		return -ENAMETOOLONG;
	rc = kcache_rmtree(dir);
	if (rc == 0)
		klock_remove(lock, lock_fd);
	else
		klock_release(lock_fd);
	return rc;
}
