// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "file.h"
#include "kfetch.h"
#include "kimage.h"
#include "kops_priv.h"
#include "paths.h"

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
		return kops_fail(d, rc, "cannot read '%s'", a->image);
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
		return kops_fail(d, rc, "cannot copy '%s'", a->image);
	if (a->vmlinux && (rc = kstore_put(s, a->vmlinux, "vmlinux", false)) < 0)
		return kops_fail(d, rc, "cannot copy '%s'", a->vmlinux);
	if (a->config && (rc = kstore_put(s, a->config, "config", false)) < 0)
		return kops_fail(d, rc, "cannot copy '%s'", a->config);
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
	if (!k->force && kops_cached(k, key, img, size)) {
		if (!a->name) /* the key is the content's hash: this very image */
			return 0;
		return kt_diag_set(d, -EEXIST, "'%s' is already in the cache; use --force to "
					       "replace it", key);
	}
	rc = kcache_lock(k->root, "build-", key, KLOCK_EXCL, &fd);
	if (rc < 0)
		return kops_lock_fail(k, d, rc, "build-", key);
	if (!realpath(a->image, real))
		snprintf(real, sizeof(real), "%s", a->image);
	meta = json_pack("{s:s?, s:{s:s, s:s}}", "version", version[0] ? version : NULL,
			 "source", "kind", "added", "path", real);
	rc = kstore_begin(&s, k->root, key);
	if (rc < 0)
		rc = kops_fail(d, rc, "cannot create a staging directory in '%s'", k->root);
	else if ((rc = stage_added(k, &s, a, meta, d)) == 0)
		rc = kops_publish(k, &s, meta, img, size, d);
	else
		kstore_abort(&s);
	json_decref(meta);
	kcache_unlock(k->root, "build-", key, fd);
	return rc;
}
