// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kfetch.h"
#include "kimage.h"
#include "kops_priv.h"
#include "paths.h"
#include "suggest.h"

static int resolve_dir(struct kops *k, const char *id, char *img, size_t size,
		       struct kt_diag *d)
{
	char real[PATH_MAX], root[PATH_MAX], *slash;

	if (!realpath(id, real))
		return kops_fail(d, -errno, "cannot resolve '%s'", id);
	slash = strrchr(real, '/');
	/* a cache entry's own directory */
	if (realpath(k->root, root) && slash && (size_t)(slash - real) == strlen(root) &&
	    !strncmp(real, root, strlen(root))) {
		if (kops_cached(k, slash + 1, img, size))
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
			return kops_fail(d, -errno, "cannot resolve '%s'", id);
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
	if (kops_cached_version(k, &v, img, size))
		return 0;
	return kops_build_version(k, id, img, size, d);
}
