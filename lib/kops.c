// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "kbuild.h"
#include "kfetch.h"
#include "kimage.h"
#include "kops_priv.h"
#include "ktime.h"
#include "locktable.h"
#include "paths.h"

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

int kops_fail(struct kt_diag *d, int rc, const char *fmt, ...)
{
	char msg[sizeof(d->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kt_diag_set(d, rc, "%.400s: %s", msg, strerror(rc < 0 ? -rc : rc));
}

int kops_lock_fail(const struct kops *k, struct kt_diag *d, int rc, const char *prefix,
		   const char *name)
{
	char path[PATH_MAX];

	if (kcache_lock_path(path, sizeof(path), k->root, prefix, name) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "lock path too long in '%s'", k->root);
	return kops_fail(d, rc, "cannot lock '%s'", path);
}

const char *kops_kconfig_status(const struct kops *k, const struct kcache_entry *e)
{
	json_t *h = json_object_get(e->meta, "fragment_hash");

	if (!json_is_string(h))
		return "untracked";
	return strcmp(json_string_value(h), k->kc) ? "stale" : "matches";
}

/* A usable entry under key: its image path goes to img. */
bool kops_cached(const struct kops *k, const char *key, char *img, size_t size)
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
int kops_lock_waiting(struct kops *k, const char *prefix, const char *name,
			const char *what, int *fd)
{
	int rc = kcache_lock(k->root, prefix, name, KLOCK_TRY_EXCL, fd);
	char who[LOCKTABLE_DESCRIBE_MAX];

	if (rc != -EWOULDBLOCK)
		return rc;
	kcache_lock_describe(k->root, prefix, name, who, sizeof(who));
	NOTE(k, "waiting for %s, held by %s", what, who);
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
int kops_collect(struct kops *k, struct kstore *s, const char *src, bool move, json_t *meta,
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
		return kops_fail(d, rc, "cannot store '%s'", path);
	paths_fmt(path, sizeof(path), "%s/.config", src);
	if ((rc = kstore_put(s, path, "config", false)) < 0)
		return kops_fail(d, rc, "cannot store '%s'", path);
	paths_fmt(path, sizeof(path), "%s/vmlinux", src);
	vml = file_exists(path);
	if (vml && (rc = kstore_put(s, path, "vmlinux", move)) < 0)
		return kops_fail(d, rc, "cannot store '%s'", path);
	json_object_set_new(meta, "has_vmlinux", json_boolean(vml));
	json_object_set_new(meta, "image", json_string(k->image_name));
	json_object_set_new(meta, "arch", json_string(k->arch));
	json_object_set_new(meta, "fragment_hash", json_string(k->kc));
	return 0;
}

/* Publish the staged entry; whoever uses the old one (a VM) is waited for. */
int kops_publish(struct kops *k, struct kstore *s, json_t *meta, char *img, size_t size,
		   struct kt_diag *d)
{
	char what[KCACHE_KEY_MAX + 32];
	int fd, rc;

	snprintf(what, sizeof(what), "users of '%s'", s->key);
	rc = kops_lock_waiting(k, "", s->key, what, &fd);
	if (rc < 0) {
		kstore_abort(s);
		return kops_lock_fail(k, d, rc, "", s->key);
	}
	rc = kstore_commit(s, meta);
	kcache_unlock(k->root, "", s->key, fd);
	if (rc < 0)
		return kops_fail(d, rc, "cannot store cache entry '%s' in '%s'", s->key, k->root);
	if (paths_fmt(img, size, "%s/%s/%s", k->root, s->key, k->image_name) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "path too long");
	NOTE(k, "cached kernel '%s'", s->key);
	return 0;
}

/* Configure and make src, logging into the staging directory. */
int kops_build_in(struct kops *k, struct kstore *s, const char *src, json_t *meta,
		    struct kt_diag *d)
{
	struct kbuild b = { .src = src, .jobs = k->jobs, .frag = &k->frag,
			    .frag_text = kconfig_fragment() };
	uint64_t t0 = ktime_now_ns();
	int rc;

	b.log_fd = kstore_open(s, "build.log");
	if (b.log_fd < 0)
		return kops_fail(d, b.log_fd, "cannot create the build log in '%s'", s->tmp);
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
