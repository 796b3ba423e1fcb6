// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <fts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "file.h"
#include "kconfig.h"

#include "ktstr_kconfig.h"

#define KCONFIG_FILE_MAX (4u << 20)

const char *kconfig_fragment(void)
{
	return ktstr_kconfig;
}

void kconfig_hash(const char *text, char out[KCONFIG_HASH_LEN])
{
	char hex[DIGEST_HEX_LEN];

	digest_sha256_buf(text, strlen(text), hex);
	memcpy(out, hex, KCONFIG_HASH_LEN - 1);
	out[KCONFIG_HASH_LEN - 1] = '\0';
}

static int is_symchar(int c)
{
	return isalnum(c) || c == '_';
}

/* "CONFIG_X=v" -> name, value; "# CONFIG_X is not set" -> name, NULL value. */
static int split_line(const char *line, size_t len, char **name, char **value)
{
	const char *p = line, *end = line + len, *n;

	*name = *value = NULL;
	if (len > 2 && p[0] == '#' && p[1] == ' ' && !strncmp(p + 2, "CONFIG_", 7)) {
		n = p + 2;
		for (p = n; p < end && is_symchar(*p); p++)
			;
		if ((size_t)(end - p) != strlen(" is not set") || strncmp(p, " is not set", 11))
			return 0;
		*name = strndup(n, (size_t)(p - n));
		return *name ? 1 : -ENOMEM;
	}
	if (strncmp(p, "CONFIG_", 7))
		return 0;
	for (n = p; p < end && is_symchar(*p); p++)
		;
	if (p == end || *p != '=' || p + 1 == end)
		return -EINVAL;
	*name = strndup(n, (size_t)(p - n));
	*value = strndup(p + 1, (size_t)(end - p - 1));
	if (!*name || !*value) {
		free(*name);
		free(*value);
		return -ENOMEM;
	}
	return 1;
}

static struct kconfig_opt *find_opt(struct kconfig_frag *f, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strlen(f->opts[i].name) == len && !strncmp(f->opts[i].name, name, len))
			return &f->opts[i];
	return NULL;
}

static int add_opt(struct kconfig_frag *f, char *name, char *value)
{
	struct kconfig_opt *o = find_opt(f, name, strlen(name)), *grown;

	if (o) { /* a later line wins, as in Kconfig */
		free(name);
		free(o->value);
		o->value = value;
		return 0;
	}
	grown = realloc(f->opts, (f->n + 1) * sizeof(*grown));
	if (!grown) {
		free(name);
		free(value);
		return -ENOMEM;
	}
	f->opts = grown;
	f->opts[f->n++] = (struct kconfig_opt){ .name = name, .value = value };
	return 0;
}

static int mark_required(struct kconfig_frag *f, const char *list, size_t len, long lineno,
			 struct kt_diag *d)
{
	const char *p = list, *end = list + len, *w;
	struct kconfig_opt *o;

	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		for (w = p; p < end && !isspace((unsigned char)*p); p++)
			;
		if (p == w)
			break;
		o = find_opt(f, w, (size_t)(p - w));
		if (!o)
			return kt_diag_set(d, -EINVAL,
					   "line %ld: required '%.*s' is not assigned above it",
					   lineno, (int)(p - w), w);
		o->required = true;
	}
	return 0;
}

/* "# ktstr-base: TARGET": one of the make targets that write a first .config. */
static int set_base(struct kconfig_frag *f, const char *s, size_t len, long lineno,
		    struct kt_diag *d)
{
	static const char *const targets[] = { "defconfig", "allnoconfig", "alldefconfig",
					       "tinyconfig" };
	size_t i;

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strlen(targets[i]) == len && !strncmp(s, targets[i], len))
			break;
	if (i == sizeof(targets) / sizeof(targets[0]))
		return kt_diag_set(d, -EINVAL, "line %ld: ktstr-base '%.*s': choose defconfig, "
				   "allnoconfig, alldefconfig or tinyconfig", lineno, (int)len, s);
	if (f->base)
		return kt_diag_set(d, -EINVAL, "line %ld: a second ktstr-base", lineno);
	f->base = strndup(s, len);
	return f->base ? 0 : -ENOMEM;
}

int kconfig_parse(const char *text, struct kconfig_frag *f, struct kt_diag *d)
{
	static const char req[] = "# ktstr-require:";
	static const char base[] = "# ktstr-base:";
	const char *line = text, *nl;
	char *name, *value;
	long lineno = 0;
	size_t len;
	int rc = 0;

	f->opts = NULL;
	f->n = 0;
	f->base = NULL;
	for (; *line && rc == 0; line = *nl ? nl + 1 : nl) {
		nl = strchrnul(line, '\n');
		len = (size_t)(nl - line);
		lineno++;
		if (len >= sizeof(req) - 1 && !strncmp(line, req, sizeof(req) - 1)) {
			rc = mark_required(f, line + sizeof(req) - 1, len - (sizeof(req) - 1), lineno,
					   d);
			continue;
		}
		if (len >= sizeof(base) - 1 && !strncmp(line, base, sizeof(base) - 1)) {
			rc = set_base(f, line + sizeof(base) - 1, len - (sizeof(base) - 1), lineno, d);
			continue;
		}
		rc = split_line(line, len, &name, &value);
		if (rc == -EINVAL)
			rc = kt_diag_set(d, -EINVAL, "line %ld: cannot read '%.*s'", lineno,
					 (int)len, line);
		else if (rc == 1)
			rc = add_opt(f, name, value);
		else if (rc == 0 && len && line[0] != '#')
			rc = kt_diag_set(d, -EINVAL, "line %ld: not an assignment: '%.*s'", lineno,
					 (int)len, line);
	}
	if (rc == -ENOMEM)
		kt_diag_set(d, -ENOMEM, "out of memory");
	if (rc < 0)
		kconfig_release(f);
	return rc < 0 ? rc : 0;
}

void kconfig_release(struct kconfig_frag *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->opts[i].name);
		free(f->opts[i].value);
	}
	free(f->opts);
	free(f->base);
	f->opts = NULL;
	f->base = NULL;
	f->n = 0;
}

int kconfig_value(const char *config, const char *name, char *buf, size_t size)
{
	size_t nlen = strlen(name), vlen;
	const char *line = config, *nl;

	for (; *line; line = *nl ? nl + 1 : nl) {
		nl = strchrnul(line, '\n');
		if (strncmp(line, name, nlen) || line[nlen] != '=')
			continue;
		vlen = (size_t)(nl - line) - nlen - 1;
		if (size) {
			if (vlen >= size)
				vlen = size - 1;
			memcpy(buf, line + nlen + 1, vlen);
			buf[vlen] = '\0';
		}
		return 1;
	}
	return 0;
}

static bool honoured(const struct kconfig_opt *o, const char *config)
{
	char v[256];
	int set = kconfig_value(config, o->name, v, sizeof(v));

	if (!o->value)
		return !set || !strcmp(v, "n");
	return set && !strcmp(v, o->value);
}

int kconfig_check(const struct kconfig_frag *f, const char *config, size_t **out, size_t *n)
{
	size_t i, *miss = NULL, *grown;

	*n = 0;
	for (i = 0; i < f->n; i++) {
		if (honoured(&f->opts[i], config))
			continue;
		grown = realloc(miss, (*n + 1) * sizeof(*miss));
		if (!grown) {
			free(miss);
			*out = NULL;
			*n = 0;
			return -ENOMEM;
		}
		miss = grown;
		miss[(*n)++] = i;
	}
	*out = miss;
	return 0;
}

/* What the Kconfig walk found out about one symbol. */
struct explain {
	const char *sym; /* without CONFIG_ */
	bool defined;
	char depends[512];
	char prompt_if[256]; /* the prompt is visible only under this condition */
	char selectors[256];
};

static void append(char *buf, size_t size, const char *sep, const char *s, size_t len)
{
	size_t used = strlen(buf);

	if (used && used + strlen(sep) < size) {
		strcpy(buf + used, sep);
		used += strlen(sep);
	}
	if (used + len >= size)
		len = size - used - 1;
	memcpy(buf + used, s, len);
	buf[used + len] = '\0';
}

static const char *word_after(const char *p, const char *kw)
{
	size_t k = strlen(kw);

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, kw, k) || (p[k] != ' ' && p[k] != '\t'))
		return NULL;
	for (p += k; *p == ' ' || *p == '\t';)
		p++;
	return p;
}

static bool word_is(const char *p, const char *w)
{
	size_t n = strlen(w);

	return !strncmp(p, w, n) && !is_symchar((unsigned char)p[n]);
}

/*
 * Several "depends on" lines are and-ed; each keeps its own precedence in
 * parentheses.  A trailing comment is dropped.
 */
static void add_condition(char *buf, size_t size, const char *expr, const char *end)
{
	const char *hash = memchr(expr, '#', (size_t)(end - expr));
	char part[300];
	int n;

	if (hash)
		end = hash;
	while (end > expr && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	n = (int)(end - expr);
	snprintf(part, sizeof(part), memchr(expr, '|', (size_t)n) ? "(%.*s)" : "%.*s", n, expr);
	append(buf, size, " && ", part, strlen(part));
}

static void scan_kconfig_line(struct explain *e, const char *line, size_t len, char *current,
			      size_t csize)
{
	const char *p;
	size_t n;

	if ((p = word_after(line, "config")) || (p = word_after(line, "menuconfig"))) {
		for (n = 0; is_symchar((unsigned char)p[n]) && n + 1 < csize; n++)
			current[n] = p[n];
		current[n] = '\0';
		if (!strcmp(current, e->sym))
			e->defined = true;
		return;
	}
	if (line[0] != ' ' && line[0] != '\t' && line[0] != '#' && len) {
		current[0] = '\0'; /* a top-level keyword ends the entry */
		return;
	}
	if (strcmp(current, e->sym)) {
		if (current[0] && (p = word_after(line, "select")) && word_is(p, e->sym))
			append(e->selectors, sizeof(e->selectors), ", ", current, strlen(current));
		return;
	}
	if ((p = word_after(line, "depends")) && (p = word_after(p, "on")))
		add_condition(e->depends, sizeof(e->depends), p, line + len);
	else if (((p = word_after(line, "bool")) || (p = word_after(line, "tristate")) ||
		  (p = word_after(line, "prompt"))) &&
		 *p == '"' && (p = strchr(p + 1, '"')) && (p = word_after(p + 1, "if")))
		add_condition(e->prompt_if, sizeof(e->prompt_if), p, line + len);
}

static void scan_kconfig_file(struct explain *e, const char *path)
{
	char *text, *line, *nl, current[128] = "";

	if (file_read_alloc(path, KCONFIG_FILE_MAX, &text, NULL) < 0)
		return;
	for (line = text; *line; line = *nl ? nl + 1 : nl) {
		nl = strchrnul(line, '\n');
		scan_kconfig_line(e, line, (size_t)(nl - line), current, sizeof(current));
	}
	free(text);
}

/* Every Kconfig* file of the tree, skipping .git and Documentation. */
static void scan_tree(struct explain *e, const char *srctree)
{
	char *const paths[] = { (char *)srctree, NULL };
	FTSENT *f;
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);

	if (!fts)
		return;
	while ((f = fts_read(fts))) {
		if (f->fts_info == FTS_D && f->fts_level > 0 &&
		    (!strcmp(f->fts_name, ".git") || !strcmp(f->fts_name, "Documentation")))
			fts_set(fts, f, FTS_SKIP);
		else if (f->fts_info == FTS_F && !strncmp(f->fts_name, "Kconfig", 7))
			scan_kconfig_file(e, f->fts_accpath);
	}
	fts_close(fts);
}

/* "A && (B || !C)" -> "A=y, B unset, C=m" from the final config. */
static void describe_symbols(const char *expr, const char *config, char *out, size_t size)
{
	char name[140], v[64], item[220];
	const char *p = expr;
	size_t n;

	out[0] = '\0';
	while (*p) {
		if (!isupper((unsigned char)*p) || (p > expr && is_symchar((unsigned char)p[-1]))) {
			p++;
			continue;
		}
		for (n = 0; is_symchar((unsigned char)p[n]); n++)
			;
		if (n < 100) {
			snprintf(name, sizeof(name), "CONFIG_%.*s", (int)n, p);
			if (kconfig_value(config, name, v, sizeof(v)))
				snprintf(item, sizeof(item), "%.*s=%s", (int)n, p, v);
			else
				snprintf(item, sizeof(item), "%.*s unset", (int)n, p);
			if (!strstr(out, item))
				append(out, size, ", ", item, strlen(item));
		}
		p += n;
	}
}

static const struct {
	const char *name;
	const char *hint;
} hints[] = {
	{ "CONFIG_DEBUG_INFO_BTF", "BTF needs pahole >= 1.16 (Debian package dwarves) when "
				   "configuring; install it and rebuild" },
	{ "CONFIG_SCHED_CLASS_EXT", "sched_ext exists from Linux 6.12 on and needs BPF_SYSCALL, "
				    "BPF_JIT and DEBUG_INFO_BTF" },
};

void kconfig_explain(const char *srctree, const char *config, const struct kconfig_opt *o,
		     char *why, size_t size)
{
	struct explain e = { .sym = o->name + strlen("CONFIG_") };
	char now[512];
	size_t i;

	scan_tree(&e, srctree);
	if (!e.defined)
		snprintf(why, size, "not defined by this tree's Kconfig files");
	else if (o->value && e.depends[0]) {
		describe_symbols(e.depends, config, now, sizeof(now));
		snprintf(why, size, "depends on %s (now: %s)", e.depends, now);
	} else if (e.prompt_if[0]) {
		describe_symbols(e.prompt_if, config, now, sizeof(now));
		snprintf(why, size, "can be chosen only if %s (now: %s); otherwise its default stands",
			 e.prompt_if, now);
	} else if (!o->value && e.selectors[0])
		snprintf(why, size, "selected by %s", e.selectors);
	else
		snprintf(why, size, "Kconfig chose otherwise (a choice, a default or a range)");
	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (!strcmp(hints[i].name, o->name) && strlen(why) + 3 < size)
			snprintf(why + strlen(why), size - strlen(why), "; %s", hints[i].hint);
}
