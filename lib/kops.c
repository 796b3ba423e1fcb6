// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "file.h"
#include "kbuild.h"
#include "kfetch.h"
#include "kimage.h"
#include "kops.h"
#include "kstore.h"
#include "ktime.h"
#include "paths.h"
#include "suggest.h"

int kops_init(struct kops *k, struct kt_diag *d)
{
	const char *env = getenv("KTSTR_KERNEL_MIRROR");
	int rc;

	if (!k->mirror)
		k->mirror = env && *env ? env : KFETCH_DEFAULT_MIRROR;
	if (!k->jobs)
		k->jobs = kbuild_default_jobs();
	rc = kbuild_arch(&k->arch, &k->image_path, &k->image_name);
	if (rc < 0)
		return kt_diag_set(d, rc, "only x86_64 kernels can be built and cached so far");
	rc = kconfig_parse(kconfig_fragment(), &k->frag, d);
	if (rc < 0)
		return rc;
	kconfig_hash(kconfig_fragment(), k->kc);
	return 0;
}

void kops_release(struct kops *k)
{
	kconfig_release(&k->frag);
}

#define NOTE(k, ...)                         \
	do {                                 \
		if ((k)->note)               \
			(k)->note(__VA_ARGS__); \
	} while (0)

const char *kops_kconfig_status(const struct kops *k, const struct kcache_entry *e)
{
	json_t *h = json_object_get(e->meta, "fragment_hash");

	if (!json_is_string(h))
		return "untracked";
	return strcmp(json_string_value(h), k->kc) ? "stale" : "matches";
}

/* A usable entry under key: its image path goes to img. */
static bool cached(const struct kops *k, const char *key, char *img, size_t size)
{
	struct kcache_entry e;
	bool ok;

	if (kcache_entry_load(k->root, key, &e) < 0)
		return false;
	ok = !e.corrupt[0] && paths_fmt(img, size, "%s", e.image) == 0;
	kcache_entry_release(&e);
	return ok;
}

/* Take a lock, saying who we wait for when someone else has it. */
static int lock_waiting(struct kops *k, const char *prefix, const char *name,
			const char *what, int *fd)
{
	int rc = kcache_lock(k->root, prefix, name, KLOCK_TRY_EXCL, fd);

	if (rc != -EWOULDBLOCK)
		return rc;
	NOTE(k, "waiting for %s (held by pid %d)", what,
	     (int)kcache_lock_holder(k->root, prefix, name));
	return kcache_lock(k->root, prefix, name, KLOCK_EXCL, fd);
}

static void show_log_tail(struct kops *k, const char *log)
{
	char *text, *p;
	size_t len;
	int lines = 0;

	if (file_read_alloc(log, 64u << 20, &text, &len) < 0)
		return;
	for (p = text + len; p > text && lines <= 15; p--)
		if (p[-1] == '\n' && p != text + len)
			lines++;
	NOTE(k, "last lines of the build log:\n%s", p);
	free(text);
}

/* Keep a failed build's log where people can read it: <root>/.logs/<key>.log. */
static void keep_log(struct kops *k, struct kstore *s)
{
	char from[PATH_MAX], to[PATH_MAX];

	if (paths_fmt(from, sizeof(from), "%s/build.log", s->tmp) < 0 ||
	    paths_fmt(to, sizeof(to), "%s/.logs", k->root) < 0)
		return;
	mkdir(to, 0755);
	if (paths_fmt(to, sizeof(to), "%s/.logs/%s.log", k->root, s->key) < 0 ||
	    rename(from, to) < 0)
		return;
	show_log_tail(k, to);
	NOTE(k, "the whole build log: %s", to);
}

static json_t *missing_json(const struct kbuild_report *r)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->n; i++)
		json_array_append_new(a, json_string(r->missing[i]));
	return a;
}

static int configure(struct kops *k, const struct kbuild *b, json_t *meta, struct kt_diag *d)
{
	struct kbuild_report r;
	size_t i;
	int rc;

	NOTE(k, "configuring '%s': base config, the ktstr fragment, olddefconfig", b->src);
	rc = kbuild_configure(b, &r, d);
	if (rc < 0)
		return rc;
	for (i = 0; i < r.n; i++)
		NOTE(k, "config option not as asked: %s", r.missing[i]);
	json_object_set_new(meta, "config_missing", missing_json(&r));
	if (r.fatal)
		rc = kt_diag_set(d, -EIO, "required config options did not end up set (listed "
					  "above); fix their dependencies and build again");
	kbuild_report_release(&r);
	return rc;
}

/* Copy (or move) the products of a built tree into the staging directory. */
static int collect(struct kops *k, struct kstore *s, const char *src, bool move, json_t *meta,
		   struct kt_diag *d)
{
	char path[PATH_MAX];
	bool vml;
	int rc;

	if (paths_fmt(path, sizeof(path), "%s/%s", src, k->image_path) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "path too long");
	rc = kimage_probe(path, NULL, 0, d);
	if (rc < 0)
		return rc == -EINVAL ? -EIO : rc;
	if ((rc = kstore_put(s, path, k->image_name, move)) < 0)
		return kt_diag_set(d, rc, "cannot store '%s'", path);
	paths_fmt(path, sizeof(path), "%s/.config", src);
	if ((rc = kstore_put(s, path, "config", false)) < 0)
		return kt_diag_set(d, rc, "cannot store '%s'", path);
	paths_fmt(path, sizeof(path), "%s/vmlinux", src);
	vml = file_exists(path);
	if (vml && (rc = kstore_put(s, path, "vmlinux", move)) < 0)
		return kt_diag_set(d, rc, "cannot store '%s'", path);
	json_object_set_new(meta, "has_vmlinux", json_boolean(vml));
	json_object_set_new(meta, "image", json_string(k->image_name));
	json_object_set_new(meta, "arch", json_string(k->arch));
	json_object_set_new(meta, "fragment_hash", json_string(k->kc));
	return 0;
}

/* Publish the staged entry; whoever uses the old one (a VM) is waited for. */
static int publish(struct kops *k, struct kstore *s, json_t *meta, char *img, size_t size,
		   struct kt_diag *d)
{
	char what[KCACHE_KEY_MAX + 32];
	int fd, rc;

	snprintf(what, sizeof(what), "users of '%s'", s->key);
	rc = lock_waiting(k, "", s->key, what, &fd);
	if (rc < 0) {
		kstore_abort(s);
		return kt_diag_set(d, rc, "cannot lock cache entry '%s'", s->key);
	}
	rc = kstore_commit(s, meta);
	kcache_unlock(k->root, "", s->key, fd);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot store cache entry '%s' in '%s'", s->key, k->root);
	if (paths_fmt(img, size, "%s/%s/%s", k->root, s->key, k->image_name) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "path too long");
	NOTE(k, "cached kernel '%s'", s->key);
	return 0;
}

/* Configure and make src, logging into the staging directory. */
static int build_in(struct kops *k, struct kstore *s, const char *src, json_t *meta,
		    struct kt_diag *d)
{
	struct kbuild b = { .src = src, .jobs = k->jobs, .frag = &k->frag,
			    .frag_text = kconfig_fragment() };
	uint64_t t0 = ktime_now_ns();
	int rc;

	b.log_fd = kstore_open(s, "build.log");
	if (b.log_fd < 0)
		return kt_diag_set(d, b.log_fd, "cannot create the build log in '%s'", s->tmp);
	rc = configure(k, &b, meta, d);
	if (rc == 0) {
		NOTE(k, "building '%s' with make -j%u (log: %s/build.log)", src, k->jobs, s->tmp);
		rc = kbuild_make(&b, d);
	}
	close(b.log_fd);
	if (rc < 0 && rc != -EINTR)
		keep_log(k, s);
	json_object_set_new(meta, "build_s",
			    json_integer((json_int_t)((ktime_now_ns() - t0) / KTIME_NS_PER_SEC)));
	json_object_set_new(meta, "jobs", json_integer(k->jobs));
	return rc;
}

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

	if (!cached(k, key, img, size) ||
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
	if (clean && !k->force && cached(k, key, img, size)) {
		json_decref(source);
		NOTE(k, "cached kernel '%s' (use --force to rebuild)", key);
		return 0;
	}
	meta = json_pack("{s:s, s:o}", "version", version, "source", source);
	rc = kstore_begin(&s, k->root, key);
	if (rc < 0) {
		json_decref(meta);
		return kt_diag_set(d, rc, "cannot create a staging directory in '%s'", k->root);
	}
	rc = build_in(k, &s, src, meta, d);
	if (rc == 0 && !k->force && !clean && same_image(k, key, src, img, size)) {
		NOTE(k, "'%s' is up to date", key);
		goto out;
	}
	if (rc == 0)
		rc = collect(k, &s, src, false, meta, d);
	/* a tree that changed under the build is not what its key says */
	if (rc == 0 &&
	    (source_key(k, src, again, sizeof(again), &src2, version, sizeof(version), &clean2) < 0 ||
	     (json_decref(src2), strcmp(again, key)))) {
		NOTE(k, "'%s' changed during the build; not caching it", src);
		rc = paths_fmt(img, size, "%s/%s", src, k->image_path);
		goto out;
	}
	if (rc == 0) {
		rc = publish(k, &s, meta, img, size, d);
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

	if (!realpath(dir, src))
		return kt_diag_set(d, -errno, "cannot find source tree '%s'", dir);
	rc = kbuild_tree_check(src, d);
	if (rc < 0)
		return rc;
	digest_sha256_buf(src, strlen(src), ph);
	ph[8] = '\0';
	snprintf(what, sizeof(what), "another build in '%s'", src);
	rc = lock_waiting(k, "source-", ph, what, &fd);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot lock source tree '%s'", src);
	rc = build_source_locked(k, src, img, size, d);
	kcache_unlock(k->root, "source-", ph, fd);
	return rc;
}

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
		return kt_diag_set(d, -errno, "cannot create '%s'", srcdir);
	rc = kfetch_extract(tarball, srcdir, d);
	unlink(tarball);
	if (rc == 0)
		rc = kbuild_tree_check(tree, d);
	if (rc == 0)
		rc = build_in(k, s, tree, meta, d);
	if (rc == 0)
		rc = collect(k, s, tree, true, meta, d);
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
	rc = lock_waiting(k, "build-", key, what, &fd);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot lock '%s'", key);
	/* checked under the lock: a build we waited for has just stored it */
	if (!k->force && cached(k, key, img, size)) {
		NOTE(k, "cached kernel '%s' (use --force to rebuild)", key);
		kcache_unlock(k->root, "build-", key, fd);
		return 0;
	}
	snprintf(url, sizeof(url), "%s/v%u.x/%s", k->mirror, rel->v.major, rel->file);
	meta = json_pack("{s:s, s:{s:s, s:s, s:s}}", "version", rel->version, "source", "kind",
			 "tarball", "url", url, "sha256", rel->sha256);
	rc = kstore_begin(&s, k->root, key);
	if (rc < 0) {
		rc = kt_diag_set(d, rc, "cannot create a staging directory in '%s'", k->root);
	} else if ((rc = fetch_and_build(k, &s, rel, meta, d)) == 0) {
		rc = publish(k, &s, meta, img, size, d);
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
static bool cached_version(struct kops *k, const struct kfetch_version *v, char *img,
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
	if (v.has_patch && !k->force && cached_version(k, &v, img, size)) {
		NOTE(k, "cached kernel for %s (use --force to rebuild)", version);
		return 0;
	}
	rc = find_release(k, &v, &rel, d);
	if (rc < 0)
		return rc;
	return build_release(k, &rel, img, size, d);
}

static int resolve_dir(struct kops *k, const char *id, char *img, size_t size,
		       struct kt_diag *d)
{
	char real[PATH_MAX], root[PATH_MAX], *slash;

	if (!realpath(id, real))
		return kt_diag_set(d, -errno, "cannot resolve '%s'", id);
	slash = strrchr(real, '/');
	/* a cache entry's own directory */
	if (realpath(k->root, root) && slash && (size_t)(slash - real) == strlen(root) &&
	    !strncmp(real, root, strlen(root))) {
		if (cached(k, slash + 1, img, size))
			return 0;
		return kt_diag_set(d, -EINVAL, "cache entry '%s' is not usable; 'ktstr kernel "
					       "list' says why", slash + 1);
	}
	return kops_build_source(k, real, img, size, d);
}

static int unknown_id(struct kops *k, const char *id, struct kt_diag *d)
{
	struct kcache_entry *e;
	const char **keys;
	const char *hint = NULL;
	size_t n, i;

	if (kcache_list(k->root, &e, &n) == 0 && n && (keys = calloc(n, sizeof(*keys)))) {
		for (i = 0; i < n; i++)
			keys[i] = e[i].key;
		hint = suggest_closest(id, keys, n);
		if (hint)
			kt_diag_set(d, -ENOENT, "unknown kernel '%s'; did you mean '%s'?", id, hint);
		free(keys);
		kcache_list_free(e, n);
		if (hint)
			return -ENOENT;
	}
	return kt_diag_set(d, -ENOENT, "unknown kernel '%s': not a file, directory, cache key or "
				       "version; 'ktstr kernel list' shows the keys", id);
}

int kops_resolve(struct kops *k, const char *id, char *img, size_t size, struct kt_diag *d)
{
	struct kfetch_version v;
	struct kcache_entry e;
	struct stat st;
	int rc;

	if (stat(id, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((rc = kimage_probe(id, NULL, 0, d)) < 0)
			return rc;
		if (!realpath(id, img)) /* img is at least PATH_MAX: see kops.h */
			return kt_diag_set(d, -errno, "cannot resolve '%s'", id);
		return 0;
	}
	if (stat(id, &st) == 0 && S_ISDIR(st.st_mode))
		return resolve_dir(k, id, img, size, d);
	if (strchr(id, '/') || id[0] == '.' || id[0] == '~')
		return kt_diag_set(d, -ENOENT, "no such file or directory: '%s'", id);
	if (kcache_key_check(id, NULL) == 0 && kcache_entry_load(k->root, id, &e) == 0) {
		rc = e.corrupt[0] ? kt_diag_set(d, -EINVAL, "cache entry '%s' is corrupt: %s; "
							"'ktstr kernel clean' removes it", id, e.corrupt)
				  : paths_fmt(img, size, "%s", e.image);
		kcache_entry_release(&e);
		return rc;
	}
	if (kfetch_parse_version(id, &v, NULL) < 0)
		return unknown_id(k, id, d);
	if (cached_version(k, &v, img, size))
		return 0;
	return kops_build_version(k, id, img, size, d);
}

static int add_key(const struct kops_add *a, char *key, size_t size, struct kt_diag *d)
{
	char sha[DIGEST_HEX_LEN];
	struct kfetch_version v;
	int rc;

	if (a->name) {
		if ((rc = kcache_key_check(a->name, d)) < 0)
			return rc;
		if (kfetch_parse_version(a->name, &v, NULL) == 0)
			return kt_diag_set(d, -EINVAL, "'%s' looks like a version; versions mean "
						       "kernel.org releases, pick another name",
					   a->name);
		return paths_fmt(key, size, "%s", a->name);
	}
	rc = digest_sha256_file(a->image, sha);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot read '%s'", a->image);
	return paths_fmt(key, size, "image-%.12s", sha);
}

static int stage_added(struct kops *k, struct kstore *s, const struct kops_add *a,
		       json_t *meta, struct kt_diag *d)
{
	char *config;
	size_t *idx, n, i;
	json_t *miss;
	int rc;

	if ((rc = kstore_put(s, a->image, k->image_name, false)) < 0)
		return kt_diag_set(d, rc, "cannot copy '%s'", a->image);
	if (a->vmlinux && (rc = kstore_put(s, a->vmlinux, "vmlinux", false)) < 0)
		return kt_diag_set(d, rc, "cannot copy '%s'", a->vmlinux);
	if (a->config && (rc = kstore_put(s, a->config, "config", false)) < 0)
		return kt_diag_set(d, rc, "cannot copy '%s'", a->config);
	if (a->config && file_read_alloc(a->config, 16u << 20, &config, NULL) == 0) {
		/* not built with the fragment, but say what it lacks */
		if (kconfig_check(&k->frag, config, &idx, &n) == 0) {
			miss = json_array();
			for (i = 0; i < n; i++)
				json_array_append_new(miss, json_string(k->frag.opts[idx[i]].name));
			json_object_set_new(meta, "config_missing", miss);
			free(idx);
		}
		free(config);
	}
	json_object_set_new(meta, "has_vmlinux", json_boolean(a->vmlinux != NULL));
	json_object_set_new(meta, "image", json_string(k->image_name));
	json_object_set_new(meta, "arch", json_string(k->arch));
	json_object_set_new(meta, "fragment_hash", json_null());
	return 0;
}

int kops_add(struct kops *k, const struct kops_add *a, char *img, size_t size,
	     struct kt_diag *d)
{
	char key[KCACHE_KEY_MAX], version[64], real[PATH_MAX];
	struct kstore s;
	json_t *meta;
	int rc, fd;

	rc = kimage_probe(a->image, version, sizeof(version), d);
	if (rc < 0)
		return rc;
	if ((a->vmlinux && !file_exists(a->vmlinux)) || (a->config && !file_exists(a->config)))
		return kt_diag_set(d, -ENOENT, "cannot find '%s'",
				   a->vmlinux && !file_exists(a->vmlinux) ? a->vmlinux : a->config);
	if ((rc = add_key(a, key, sizeof(key), d)) < 0)
		return rc;
	if (!k->force && cached(k, key, img, size)) {
		if (!a->name) /* the key is the content's hash: this very image */
			return 0;
		return kt_diag_set(d, -EEXIST, "'%s' is already in the cache; use --force to "
					       "replace it", key);
	}
	rc = kcache_lock(k->root, "build-", key, KLOCK_EXCL, &fd);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot lock '%s'", key);
	if (!realpath(a->image, real))
		snprintf(real, sizeof(real), "%s", a->image);
	meta = json_pack("{s:s?, s:{s:s, s:s}}", "version", version[0] ? version : NULL,
			 "source", "kind", "added", "path", real);
	rc = kstore_begin(&s, k->root, key);
	if (rc < 0)
		rc = kt_diag_set(d, rc, "cannot create a staging directory in '%s'", k->root);
	else if ((rc = stage_added(k, &s, a, meta, d)) == 0)
		rc = publish(k, &s, meta, img, size, d);
	else
		kstore_abort(&s);
	json_decref(meta);
	kcache_unlock(k->root, "build-", key, fd);
	return rc;
}
