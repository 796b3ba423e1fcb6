// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbuild.h"
#include "kfetch.h"
#include "kops_priv.h"
#include "paths.h"

static int fetch_and_build(struct kops *k, struct kstore *s, const struct kfetch_release *rel,
			   json_t *meta, struct kt_diag *d)
{
	char tarball[PATH_MAX], srcdir[PATH_MAX], tree[PATH_MAX];
	int rc;

	if (paths_fmt(tarball, sizeof(tarball), "%s/%s", s->tmp, rel->file) < 0 ||
	    paths_fmt(srcdir, sizeof(srcdir), "%s/src", s->tmp) < 0 ||
	    paths_fmt(tree, sizeof(tree), "%s/linux-%s", srcdir, rel->version) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "path too long");
	NOTE(k, "downloading %s from %s", rel->file, k->mirror);
	rc = kfetch_download(k->mirror, rel, tarball, d);
	if (rc < 0)
		return rc;
	NOTE(k, "unpacking %s", rel->file);
	if (mkdir(srcdir, 0755) < 0)
		return kops_fail(d, -errno, "cannot create '%s'", srcdir);
	rc = kfetch_extract(tarball, srcdir, d);
	unlink(tarball);
	if (rc == 0)
		rc = kbuild_tree_check(tree, d);
	if (rc == 0)
		rc = kops_build_in(k, s, tree, meta, d);
	if (rc == 0)
		rc = kops_collect(k, s, tree, true, meta, d);
	kcache_rmtree(srcdir); /* the entry keeps the products, not the tree */
	return rc;
}

static int build_release(struct kops *k, const struct kfetch_release *rel, char *img,
			 size_t size, struct kt_diag *d)
{
	char key[KCACHE_KEY_MAX], what[KCACHE_KEY_MAX + 32], url[PATH_MAX];
	struct kstore s;
	json_t *meta;
	int rc, fd;

	if (paths_fmt(key, sizeof(key), "%s-tarball-%s-kc%s", rel->version, k->arch, k->kc) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "version too long");
	snprintf(what, sizeof(what), "another build of '%s'", key);
	rc = kops_lock_waiting(k, "build-", key, what, &fd);
	if (rc < 0)
		return kops_lock_fail(k, d, rc, "build-", key);
	/* checked under the lock: a build we waited for has just stored it */
	if (!k->force && kops_cached(k, key, img, size)) {
		NOTE(k, "cached kernel '%s' (use --force to rebuild)", key);
		kcache_unlock(k->root, "build-", key, fd);
		return 0;
	}
	snprintf(url, sizeof(url), "%s/v%u.x/%s", k->mirror, rel->v.major, rel->file);
	meta = json_pack("{s:s, s:{s:s, s:s, s:s}}", "version", rel->version, "source", "kind",
			 "tarball", "url", url, "sha256", rel->sha256);
	rc = kstore_begin(&s, k->root, key);
	if (rc < 0) {
		rc = kops_fail(d, rc, "cannot create a staging directory in '%s'", k->root);
	} else if ((rc = fetch_and_build(k, &s, rel, meta, d)) == 0) {
		rc = kops_publish(k, &s, meta, img, size, d);
	} else {
		kstore_abort(&s);
	}
	json_decref(meta);
	kcache_unlock(k->root, "build-", key, fd);
	return rc;
}

static int find_release(struct kops *k, const struct kfetch_version *v,
			struct kfetch_release *rel, struct kt_diag *d)
{
	char *sums;
	int rc;

	NOTE(k, "looking up %u.%u%s releases at %s", v->major, v->minor,
	     v->has_patch ? ".x" : ".y", k->mirror);
	rc = kfetch_sums(k->mirror, v, &sums, d);
	if (rc < 0)
		return rc;
	rc = kfetch_pick(sums, v, rel, d);
	free(sums);
	return rc;
}

/* The newest cached tarball build under version v with the current fragment. */
bool kops_cached_version(struct kops *k, const struct kfetch_version *v, char *img,
			   size_t size)
{
	struct kcache_entry *e, *best = NULL;
	const char *ver, *kind;
	size_t n, i;

	if (kcache_list(k->root, &e, &n) < 0)
		return false;
	for (i = 0; i < n; i++) {
		ver = json_string_value(json_object_get(e[i].meta, "version"));
		kind = json_string_value(json_object_get(json_object_get(e[i].meta, "source"),
							 "kind"));
		if (e[i].corrupt[0] || !ver || !kind || strcmp(kind, "tarball") ||
		    strcmp(kops_kconfig_status(k, &e[i]), "matches") || !kfetch_matches(v, ver))
			continue;
		if (!best || kfetch_cmp(ver, json_string_value(json_object_get(best->meta,
									"version"))) > 0)
			best = &e[i];
	}
	if (best)
		paths_fmt(img, size, "%s", best->image);
	kcache_list_free(e, n);
	return best != NULL;
}

int kops_build_version(struct kops *k, const char *version, char *img, size_t size,
		       struct kt_diag *d)
{
	struct kfetch_release rel;
	struct kfetch_version v;
	int rc = kfetch_parse_version(version, &v, d);

	if (rc < 0)
		return rc;
	/* an exact release needs no network when it is cached */
	if (v.has_patch && !k->force && kops_cached_version(k, &v, img, size)) {
		NOTE(k, "cached kernel for %s (use --force to rebuild)", version);
		return 0;
	}
	rc = find_release(k, &v, &rel, d);
	if (rc < 0)
		return rc;
	return build_release(k, &rel, img, size, d);
}
