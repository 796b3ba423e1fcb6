/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ktstr kernel config fragment (vmm/ktstr.kconfig, embedded at build
 * time) and the check that a tree's final .config honours it.
 *
 *   struct kconfig_frag f;
 *   kconfig_parse(kconfig_fragment(), &f, &diag);
 *   ... make defconfig, append the fragment, make olddefconfig ...
 *   kconfig_check(&f, final_config_text, &misses, &nmiss);
 *   for each miss: kconfig_explain(srctree, config_text, name, why, sizeof(why));
 *   free(misses); kconfig_release(&f);
 *
 * Fragment syntax is Kconfig's: "CONFIG_X=value" or "# CONFIG_X is not
 * set"; other comment lines are ignored except "# ktstr-require: CONFIG_A
 * CONFIG_B", which marks options the build cannot do without, and
 * "# ktstr-base: TARGET", the make target that makes a tree's first
 * .config: defconfig (the default), or allnoconfig, alldefconfig or
 * tinyconfig, which start from the fragment itself (KCONFIG_ALLCONFIG), so
 * every option it does not name takes its smallest value.
 */
#ifndef KTSTR_KCONFIG_H
#define KTSTR_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define KCONFIG_HASH_LEN 9 /* 8 hex digits and a NUL */

struct kconfig_opt {
	char *name;  /* owned, "CONFIG_X" */
	char *value; /* owned, "y", "m", "64", "\"str\"" or NULL for "is not set" */
	bool required;
};

struct kconfig_frag {
	struct kconfig_opt *opts; /* owned */
	size_t n;
	char *base; /* owned: the "ktstr-base" target; NULL means defconfig */
};

/* The embedded fragment's text and its hash (the first 8 hex digits of its SHA-256). */
const char *kconfig_fragment(void);
void kconfig_hash(const char *text, char out[KCONFIG_HASH_LEN]);

/* Parse a fragment; a malformed line or an unknown required name is -EINVAL with a diag. */
int kconfig_parse(const char *text, struct kconfig_frag *f, struct kt_diag *d);
void kconfig_release(struct kconfig_frag *f);

/*
 * The value of name in a .config text: 1 and the value copied to buf, 0 when
 * the option is absent or "is not set".
 */
int kconfig_value(const char *config, const char *name, char *buf, size_t size);

/*
 * Indices (into f->opts) of the options the final config does not honour,
 * in fragment order; *out is malloc'ed (NULL when none).  Returns 0 or -ENOMEM.
 */
int kconfig_check(const struct kconfig_frag *f, const char *config, size_t **out, size_t *n);

/*
 * Why an option did not end up as asked, from the tree's Kconfig files:
 * "not defined in this tree", "depends on A && B (now: A=y, B unset)",
 * or "selected by X"; plus a hint for known cases (pahole too old).
 */
void kconfig_explain(const char *srctree, const char *config, const struct kconfig_opt *o,
		     char *why, size_t size);

#endif
