/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the lib/kops*.c files only: the steps every kops operation is
 * made of.  Callers outside kops use kops.h.
 */
#ifndef KTSTR_KOPS_PRIV_H
#define KTSTR_KOPS_PRIV_H

#include <jansson.h>

#include "kfetch.h"
#include "kops.h"
#include "kstore.h"

/* Progress for people, when the caller asked for it. */
#define NOTE(k, ...)                            \
	do {                                    \
		if ((k)->note)                  \
			(k)->note(__VA_ARGS__); \
	} while (0)

/*
 * A failure of the cache or the file system: the diag gets the message with
 * strerror(-rc) appended (the message names the path), and rc is returned.
 */
int kops_fail(struct kt_diag *d, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "cannot lock '<root>/.locks/<prefix><name>.lock': <strerror>" */
int kops_lock_fail(const struct kops *k, struct kt_diag *d, int rc, const char *prefix,
		   const char *name);

/* A usable entry under key: its image path goes to img. */
bool kops_cached(const struct kops *k, const char *key, char *img, size_t size);
/* The newest cached release under version v built with the current fragment. */
bool kops_cached_version(struct kops *k, const struct kfetch_version *v, char *img, size_t size);
/* Take a cache lock exclusively, saying whom we wait for when it is held. */
int kops_lock_waiting(struct kops *k, const char *prefix, const char *name, const char *what,
		      int *fd);
/* Configure and make src, logging into the staging directory; records into meta. */
int kops_build_in(struct kops *k, struct kstore *s, const char *src, json_t *meta,
		  struct kt_diag *d);
/* Copy (or move) a built tree's image, vmlinux and .config into the staging directory. */
int kops_collect(struct kops *k, struct kstore *s, const char *src, bool move, json_t *meta,
		 struct kt_diag *d);
/* Publish the staged entry (waiting for users of an old one); img gets its image. */
int kops_publish(struct kops *k, struct kstore *s, json_t *meta, char *img, size_t size,
		 struct kt_diag *d);

#endif
