// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "file.h"
#include "kbuild.h"
#include "krun.h"
#include "paths.h"

#define CONFIG_MAX (16u << 20)

static const struct {
	const char *machine, *image_path, *image_name;
} arches[] = {
	{ "x86_64", "arch/x86/boot/bzImage", "bzImage" },
};

int kbuild_arch(const char **arch, const char **image_path, const char **image_name)
{
	struct utsname u;
	size_t i;

	if (uname(&u) < 0)
		return -errno;
	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (!strcmp(u.machine, arches[i].machine)) {
			*arch = arches[i].machine;
			*image_path = arches[i].image_path;
			*image_name = arches[i].image_name;
			return 0;
		}
	return -ENOTSUP;
}

unsigned kbuild_default_jobs(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0 || CPU_COUNT(&set) < 1)
		return 1;
	return (unsigned)CPU_COUNT(&set);
}

int kbuild_tree_check(const char *src, struct kt_diag *d)
{
	char path[PATH_MAX];
	const char *need[] = { "Makefile", "Kconfig" };
	size_t i;

	if (!file_is_dir(src))
		return kt_diag_set(d, -EINVAL, "'%s' is not a directory", src);
	for (i = 0; i < 2; i++) {
		if (paths_fmt(path, sizeof(path), "%s/%s", src, need[i]) < 0)
			return kt_diag_set(d, -ENAMETOOLONG, "path too long: '%s'", src);
		if (!file_exists(path))
			return kt_diag_set(d, -ENOENT,
					   "'%s' is not a kernel source tree: it has no %s", src,
					   need[i]);
	}
	return 0;
}

/* "VERSION = 6" -> "6"; "" when the variable is empty or absent. */
static void make_var(const char *text, const char *name, char *out, size_t size)
{
	const char *line = text, *nl, *p;
	size_t n = strlen(name);

	out[0] = '\0';
	for (; *line; line = *nl ? nl + 1 : nl) {
		nl = strchrnul(line, '\n');
		if (strncmp(line, name, n))
			continue;
		for (p = line + n; *p == ' ' || *p == '\t'; p++)
			;
		if (*p != '=')
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		snprintf(out, size, "%.*s", (int)(nl - p), p);
		return;
	}
}

int kbuild_tree_version(const char *src, char *buf, size_t size)
{
	char path[PATH_MAX], v[32], pl[32], sl[32], ex[64], *text;
	int rc;

	if (paths_fmt(path, sizeof(path), "%s/Makefile", src) < 0)
		return -ENAMETOOLONG;
	/* the variables sit in the first lines of a Makefile of some 60 KiB */
	rc = file_read_alloc(path, 1 << 20, &text, NULL);
	if (rc < 0)
		return rc;
	make_var(text, "VERSION", v, sizeof(v));
	make_var(text, "PATCHLEVEL", pl, sizeof(pl));
	make_var(text, "SUBLEVEL", sl, sizeof(sl));
	make_var(text, "EXTRAVERSION", ex, sizeof(ex));
	free(text);
	if (!v[0] || !pl[0])
		return -EINVAL;
	if (paths_fmt(buf, size, "%s.%s%s%s%s", v, pl, sl[0] ? "." : "", sl, ex) < 0)
		return -ENAMETOOLONG;
	return 0;
}

int kbuild_tree_git(const char *src, char commit[41], bool *dirty)
{
	char *head[] = { "git", "rev-parse", "--verify", "-q", "HEAD", NULL };
	char *status[] = { "git", "status", "--porcelain", NULL };
	char top[PATH_MAX], out[4096], real[PATH_MAX];
	char *toplevel[] = { "git", "rev-parse", "--show-toplevel", NULL };
	int st, rc;

	/* only the tree's own repository counts, not one it happens to sit in */
	rc = krun_capture(toplevel, src, top, sizeof(top), &st);
	if (rc < 0 || st != 0 || !realpath(src, real))
		return -ENOENT;
	top[strcspn(top, "\n")] = '\0';
	if (strcmp(top, real))
		return -ENOENT;
	rc = krun_capture(head, src, out, sizeof(out), &st);
	if (rc < 0 || st != 0 || strlen(out) < 40)
		return -ENOENT;
	memcpy(commit, out, 40);
	commit[40] = '\0';
	rc = krun_capture(status, src, out, sizeof(out), &st);
	if (rc < 0 || st != 0)
		return -ENOENT;
	*dirty = out[0] != '\0';
	return 0;
}

/* "make -jN [VAR=VALUE] target"; var may be NULL. */
static int make_var_run(const struct kbuild *b, const char *var, const char *target,
			const char *label, struct kt_diag *d)
{
	char jobs[32];
	char *argv[] = { "make", jobs, (char *)(var ? var : target), var ? (char *)target : NULL,
			 NULL };
	struct krun r = { .cwd = b->src, .log_fd = b->log_fd, .label = label };
	int rc, status;

	snprintf(jobs, sizeof(jobs), "-j%u", b->jobs ? b->jobs : 1);
	rc = krun_run(argv, &r, &status);
	if (rc == -EINTR)
		return kt_diag_set(d, rc, "make %s interrupted", target);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot run make in '%s'", b->src);
	if (status != 0)
		return kt_diag_set(d, -EIO, "make %s failed in '%s' with exit status %d", target,
				   b->src, status);
	return 0;
}

static int read_config(const struct kbuild *b, char **text)
{
	char path[PATH_MAX];

	if (paths_fmt(path, sizeof(path), "%s/.config", b->src) < 0)
		return -ENAMETOOLONG;
	return file_read_alloc(path, CONFIG_MAX, text, NULL);
}

static int append_fragment(const struct kbuild *b)
{
	static const char head[] = "\n# --- appended by ktstr-kernel: the ktstr fragment ---\n";
	char path[PATH_MAX];
	int fd, rc = 0;

	if (paths_fmt(path, sizeof(path), "%s/.config", b->src) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, head, strlen(head)) < 0 ||
	    write(fd, b->frag_text, strlen(b->frag_text)) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}

static int report_misses(const struct kbuild *b, const char *config, struct kbuild_report *r)
{
	const struct kconfig_opt *o;
	size_t *idx, n, i;
	char why[768];
	int rc = kconfig_check(b->frag, config, &idx, &n);

	if (rc < 0)
		return rc;
	r->missing = n ? calloc(n, sizeof(char *)) : NULL;
	if (n && !r->missing) {
		free(idx);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		o = &b->frag->opts[idx[i]];
		kconfig_explain(b->src, config, o, why, sizeof(why));
		if (asprintf(&r->missing[i], "%s=%s%s: %s", o->name, o->value ? o->value : "n",
			     o->required ? " (required)" : "", why) < 0) {
			r->missing[i] = NULL;
			rc = -ENOMEM;
			break;
		}
		r->n++;
		r->fatal |= o->required;
	}
	free(idx);
	return rc;
}

static int make(const struct kbuild *b, const char *target, const char *label, struct kt_diag *d)
{
	return make_var_run(b, NULL, target, label, d);
}

/*
 * A tree's first .config: defconfig, or one of the all*config targets fed
 * the fragment itself (KCONFIG_ALLCONFIG), from a file that lives only as
 * long as the make.
 */
static int make_base(const struct kbuild *b, struct kt_diag *d)
{
	const char *base = b->frag->base ? b->frag->base : "defconfig";
	char tmp[] = "/tmp/ktstr-allconfig.XXXXXX", var[64];
	int fd, rc;

	if (!strcmp(base, "defconfig"))
		return make(b, base, base, d);
	if ((fd = mkstemp(tmp)) < 0)
		return kt_diag_set(d, errno, "cannot create a temporary file: %s", strerror(errno));
	rc = write(fd, b->frag_text, strlen(b->frag_text)) == (ssize_t)strlen(b->frag_text) ? 0
											 : -EIO;
	close(fd);
	if (rc == 0) {
		snprintf(var, sizeof(var), "KCONFIG_ALLCONFIG=%s", tmp);
		rc = make_var_run(b, var, base, base, d);
	} else {
		kt_diag_set(d, EIO, "cannot write '%s'", tmp);
	}
	unlink(tmp);
	return rc;
}

int kbuild_configure(const struct kbuild *b, struct kbuild_report *r, struct kt_diag *d)
{
	char path[PATH_MAX], *config = NULL;
	size_t *idx, n = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	if (paths_fmt(path, sizeof(path), "%s/.config", b->src) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "path too long: '%s'", b->src);
	if (!file_exists(path) && (rc = make_base(b, d)) < 0)
		return rc;
	rc = read_config(b, &config);
	if (rc == 0)
		rc = kconfig_check(b->frag, config, &idx, &n);
	free(config);
	config = NULL;
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot read '%s'", path);
	if (n) {
		free(idx);
		if ((rc = append_fragment(b)) < 0)
			return kt_diag_set(d, rc, "cannot append the ktstr fragment to '%s'", path);
	}
	rc = make(b, "olddefconfig", "olddefconfig", d);
	if (rc < 0)
		return rc;
	rc = read_config(b, &config);
	if (rc == 0)
		rc = report_misses(b, config, r);
	free(config);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot check '%s'", path);
	return 0;
}

int kbuild_make(const struct kbuild *b, struct kt_diag *d)
{
	const char *arch, *image_path, *image_name;
	int rc = kbuild_arch(&arch, &image_path, &image_name);

	if (rc < 0)
		return kt_diag_set(d, rc, "this architecture is not supported yet");
	return make(b, image_name, "make", d);
}

void kbuild_report_release(struct kbuild_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->missing[i]);
	free(r->missing);
	memset(r, 0, sizeof(*r));
}
