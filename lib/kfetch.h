/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel release tarballs from kernel.org (or a mirror laid out the same
 * way: $KTSTR_KERNEL_MIRROR, default https://cdn.kernel.org/pub/linux/kernel).
 *
 * Each series directory (v6.x/) publishes sha256sums.asc, one line per file:
 * "<sha256>  linux-6.12.8.tar.xz".  That one file answers both questions a
 * build has: which release is the newest 6.12.y, and what checksum must the
 * download have.  (Its PGP signature is not checked: there is no keyring
 * to check it against; integrity rests on HTTPS and the checksum.)
 *
 *   kfetch_parse_version("6.12", &v, &diag);
 *   kfetch_sums(mirror, &v, &text, &diag);            download the list
 *   kfetch_pick(text, &v, &rel, &diag);               newest match + sha256
 *   kfetch_download(mirror, &rel, tarball, &diag);   -EBADMSG: checksum mismatch
 *   kfetch_extract(tarball, dir, &diag);
 *
 * curl(1) and tar(1) do the transfer and the unpacking.
 */
#ifndef KTSTR_KFETCH_H
#define KTSTR_KFETCH_H

#include <stdbool.h>

#include "digest.h"
#include "err.h"

#define KFETCH_DEFAULT_MIRROR "https://cdn.kernel.org/pub/linux/kernel"

struct kfetch_version {
	unsigned major, minor, patch;
	bool has_patch; /* "6.12.8" (or "6.12.0"), as opposed to the prefix "6.12" */
};

struct kfetch_release {
	char version[32];		/* "6.12.8", or "6.12" for the .0 release */
	char file[64];			/* "linux-6.12.8.tar.xz" */
	char sha256[DIGEST_HEX_LEN];
	struct kfetch_version v;
};

/* "MAJOR.MINOR" or "MAJOR.MINOR.PATCH"; -EINVAL otherwise. */
int kfetch_parse_version(const char *s, struct kfetch_version *v, struct kt_diag *d);
/* Does version string s (e.g. "6.12.8") fall under v (exact, or the prefix)? */
bool kfetch_matches(const struct kfetch_version *v, const char *s);
/* Compare two version strings numerically; <0, 0, >0. */
int kfetch_cmp(const char *a, const char *b);

int kfetch_pick(const char *sums, const struct kfetch_version *v, struct kfetch_release *rel,
		struct kt_diag *d);
/* Download the series' sha256sums.asc; *text is malloc'ed. */
int kfetch_sums(const char *mirror, const struct kfetch_version *v, char **text,
		struct kt_diag *d);
int kfetch_download(const char *mirror, const struct kfetch_release *rel, const char *path,
		    struct kt_diag *d);
int kfetch_extract(const char *tarball, const char *dir, struct kt_diag *d);

#endif
