// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "kbuild.h"
#include "kops_priv.h"
#include "paths.h"

/* Key of a local tree; *clean says whether the key names its content (a clean git tree). */
static int source_key(struct kops *k, const char *src, char *key, size_t size, json_t **source,
		      char *version, size_t vsize, bool *clean)
{
	char commit[41], ph[DIGEST_HEX_LEN];
	bool dirty = false, git;

	if (kbuild_tree_version(src, version, vsize) < 0)
		snprintf(version, vsize, "unknown");
	git = kbuild_tree_git(src, commit, &dirty) == 0;
	*clean = git && !dirty;
	digest_sha256_buf(src, strlen(src), ph);
	*source = json_pack("{s:s, s:s, s:s?, s:O}", "kind", "local", "path", src, "git_commit",
			    git ? commit : NULL, "git_dirty", git ? json_boolean(dirty) : json_null());
	if (*clean)
		return paths_fmt(key, size, "local-%s-g%.12s-%s-kc%s", version, commit, k->arch,
				 k->kc);
	return paths_fmt(key, size, "local-%s-p%.8s-%s-kc%s", version, ph, k->arch, k->kc);
}

/* An unchanged rebuild of a tree whose key cannot name its content: keep the entry. */
static bool same_image(struct kops *k, const char *key, const char *src, char *img,
		       size_t size)
{
	char built[PATH_MAX], a[DIGEST_HEX_LEN], b[DIGEST_HEX_LEN];

	if (!kops_cached(k, key, img, size) ||
	    paths_fmt(built, sizeof(built), "%s/%s", src, k->image_path) < 0)
		return false;
	return digest_sha256_file(built, a) == 0 && digest_sha256_file(img, b) == 0 &&
	       !strcmp(a, b);
}

static int build_source_locked(struct kops *k, const char *src, char *img, size_t size,
			       struct kt_diag *d)
{
	char key[KCACHE_KEY_MAX], again[KCACHE_KEY_MAX], version[64];
	json_t *source, *src2, *meta;
	struct kstore s;
	bool clean, clean2;
	int rc;

	if (source_key(k, src, key, sizeof(key), &source, version, sizeof(version), &clean) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "cache key too long for '%s'", src);
	if (clean && !k->force && kops_cached(k, key, img, size)) {
		json_decref(source);
		NOTE(k, "cached kernel '%s' (use --force to rebuild)", key);
		return 0;
	}
	meta = json_pack("{s:s, s:o}", "version", version, "source", source);
	rc = kstore_begin(&s, k->root, key);
	if (rc < 0) {
		json_decref(meta);
		return kops_fail(d, rc, "cannot create a staging directory in '%s'", k->root);
	}
	rc = kops_build_in(k, &s, src, meta, d);
	if (rc == 0 && !k->force && !clean && same_image(k, key, src, img, size)) {
		NOTE(k, "'%s' is up to date", key);
		goto out;
	}
	if (rc == 0)
		rc = kops_collect(k, &s, src, false, meta, d);
	/* a tree that changed under the build is not what its key says */
	if (rc == 0 &&
	    (source_key(k, src, again, sizeof(again), &src2, version, sizeof(version), &clean2) < 0 ||
	     (json_decref(src2), strcmp(again, key)))) {
		NOTE(k, "'%s' changed during the build; not caching it", src);
		rc = paths_fmt(img, size, "%s/%s", src, k->image_path);
		goto out;
	}
	if (rc == 0) {
		rc = kops_publish(k, &s, meta, img, size, d);
		json_decref(meta);
		return rc;
	}
out:
	kstore_abort(&s);
	json_decref(meta);
	return rc;
}

int kops_build_source(struct kops *k, const char *dir, char *img, size_t size,
		      struct kt_diag *d)
{
	char src[PATH_MAX], ph[DIGEST_HEX_LEN], what[PATH_MAX + 32];
	int rc, fd;

	/* a path through a file names nothing, like a missing one: bad input */
	if (!realpath(dir, src))
		return kops_fail(d, errno == ENOTDIR ? -ENOENT : -errno,
				 "cannot find source tree '%s'", dir);
	rc = kbuild_tree_check(src, d);
	if (rc < 0)
		return rc;
	digest_sha256_buf(src, strlen(src), ph);
	ph[8] = '\0';
	snprintf(what, sizeof(what), "another build in '%s'", src);
	rc = kops_lock_waiting(k, "source-", ph, what, &fd);
	if (rc < 0)
		return kops_lock_fail(k, d, rc, "source-", ph);
	rc = build_source_locked(k, src, img, size, d);
	kcache_unlock(k->root, "source-", ph, fd);
	return rc;
}
