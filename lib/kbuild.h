/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuring and building a kernel source tree in place, the way people
 * build one by hand:
 *
 *   struct kbuild b = { .src = dir, .jobs = kbuild_default_jobs(), .log_fd = fd,
 *                       .frag = &frag, .frag_text = kconfig_fragment() };
 *   kbuild_configure(&b, &report, &diag);
 *       no .config: "make defconfig", or the fragment's "ktstr-base"
 *       target fed the fragment (see kconfig.h); then, unless the .config already
 *       honours the fragment, append the fragment; "make olddefconfig";
 *       then check every fragment option and explain each miss
 *   if (report.fatal) ... a required option is missing: stop
 *   kbuild_make(&b, &diag);        "make -jN <image target>"
 *   kbuild_report_release(&report);
 *
 * Output of make goes to log_fd (see krun.h).  Returns 0 or -errno: -EIO
 * when make failed (the diag names the step and the log has the rest),
 * -EINTR when a stop signal cut it short.
 */
#ifndef KTSTR_KBUILD_H
#define KTSTR_KBUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "kconfig.h"

struct kbuild {
	const char *src;
	unsigned jobs;
	int log_fd;
	const struct kconfig_frag *frag;
	const char *frag_text;
};

struct kbuild_report {
	char **missing; /* owned: "CONFIG_X=y: why" per option not honoured */
	size_t n;
	bool fatal; /* a "ktstr-require" option is among them */
};

/* The host architecture's name in cache keys and its boot image: 0 or -ENOTSUP. */
int kbuild_arch(const char **arch, const char **image_path, const char **image_name);
/* CPUs this process may run on (sched_getaffinity): the default make -j. */
unsigned kbuild_default_jobs(void);

/* A kernel tree has a top-level Makefile and Kconfig; -EINVAL/-ENOENT with a diag if not. */
int kbuild_tree_check(const char *src, struct kt_diag *d);
/* "6.12.8" from the top-level Makefile's VERSION, PATCHLEVEL, SUBLEVEL, EXTRAVERSION. */
int kbuild_tree_version(const char *src, char *buf, size_t size);
/* HEAD's commit (40 hex) and whether the work tree differs; -ENOENT outside git. */
int kbuild_tree_git(const char *src, char commit[41], bool *dirty);

int kbuild_configure(const struct kbuild *b, struct kbuild_report *r, struct kt_diag *d);
int kbuild_make(const struct kbuild *b, struct kt_diag *d);
void kbuild_report_release(struct kbuild_report *r);

#endif
