// SPDX-License-Identifier: GPL-2.0
/*
 * The schema of ktstr-scenario(5), as code.  Each check names the field by
 * its path in the scenario ("steps[2].ops[0].cgroup") so a typo in a file
 * is found without guessing; unknown keys are errors with a "did you mean".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "expr.h"
#include "parse.h"
#include "profile.h"
#include "scenario.h"
#include "suggest.h"
#include "workpool.h"
#include "workspec.h"
#include "worktype.h"

#define MAX_LETS 32
#define MAX_KEYS 16

struct vctx {
	struct kt_diag *d;
	const char *origin;
	const char *scen;
	char path[512];
	size_t plen;
	const char *lets[MAX_LETS];
	size_t nlets;
	int scope_i; /* > 0 inside a loop or a repeated item: 'i' is defined */
	int scope_n; /* > 0 inside a slice: 'n' is defined */
	int err;
};

static int bad(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct vctx *v, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	if (v->err)
		return -v->err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->err = EINVAL;
	if (v->scen)
		kt_diag_set(v->d, EINVAL, "%s: scenario '%s': %s%s%s", v->origin, v->scen, v->path,
			    v->plen ? ": " : "", msg);
	else
		kt_diag_set(v->d, EINVAL, "%s: %s%s%s", v->origin, v->path, v->plen ? ": " : "",
			    msg);
	return -EINVAL;
}

/* Field paths: push a key or an index, pop back to a saved length. */
static size_t push(struct vctx *v, const char *key)
{
	size_t old = v->plen;
	int n = snprintf(v->path + v->plen, sizeof(v->path) - v->plen, "%s%s",
			 v->plen ? "." : "", key);

	if (n > 0 && (size_t)n < sizeof(v->path) - v->plen)
		v->plen += (size_t)n;
	return old;
}

static size_t push_idx(struct vctx *v, size_t i)
{
	size_t old = v->plen;
	int n = snprintf(v->path + v->plen, sizeof(v->path) - v->plen, "[%zu]", i);

	if (n > 0 && (size_t)n < sizeof(v->path) - v->plen)
		v->plen += (size_t)n;
	return old;
}

static void pop(struct vctx *v, size_t old)
{
	v->plen = old;
	v->path[old] = '\0';
}

/* Every key of o must be in keys[]. */
static int known_keys(struct vctx *v, const json_t *o, const char *const *keys)
{
	const char *key, *hint;
	json_t *val;
	size_t n = 0, i;

	while (keys[n])
		n++;
	json_object_foreach((json_t *)o, key, val) {
		for (i = 0; i < n && strcmp(keys[i], key); i++)
			;
		if (i < n)
			continue;
		hint = suggest_closest(key, keys, n);
		if (hint)
			return bad(v, "unknown field '%s'; did you mean '%s'?", key, hint);
		return bad(v, "unknown field '%s'", key);
	}
	return 0;
}

static int need_object(struct vctx *v, const json_t *o, const char *what)
{
	return json_is_object(o) ? 0 : bad(v, "%s must be an object", what);
}

/* ---- expressions -------------------------------------------------------- */

static bool builtin_name(const char *n)
{
	static const char *const names[] = { "W", "T", "U", "L", "N", "S", "D" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], n))
			return true;
	return false;
}

static int check_lookup(void *ctx, const char *name, int64_t *val)
{
	struct vctx *v = ctx;
	size_t i;

	*val = 0;
	if (builtin_name(name) || (v->scope_i && !strcmp(name, "i")) ||
	    (v->scope_n && !strcmp(name, "n")))
		return 0;
	for (i = 0; i < v->nlets; i++)
		if (!strcmp(v->lets[i], name))
			return 0;
	return -ENOENT;
}

static int check_call(void *ctx, const char *fn, const int64_t *args, int nargs, int64_t *val)
{
	(void)ctx;
	(void)args;
	*val = 0;
	if (strcmp(fn, "llc_cpus") && strcmp(fn, "node_cpus"))
		return -ENOENT;
	return nargs == 1 ? 0 : -EINVAL;
}

static int v_expr_str(struct vctx *v, const char *s)
{
	struct expr_env env = { check_lookup, check_call, v, true };
	struct kt_diag d;
	int64_t x;

	if (expr_eval(s, &env, &x, &d) < 0)
		return bad(v, "%s", d.msg);
	return 0;
}

/* An expression: a JSON integer or a string. */
static int v_expr(struct vctx *v, const json_t *e)
{
	if (json_is_integer(e))
		return 0;
	if (!json_is_string(e))
		return bad(v, "must be an integer or an expression string");
	return v_expr_str(v, json_string_value(e));
}

static int v_field_expr(struct vctx *v, const json_t *o, const char *key, bool required)
{
	const json_t *e = json_object_get(o, key);
	size_t old;
	int rc;

	if (!e)
		return required ? bad(v, "'%s' is missing", key) : 0;
	old = push(v, key);
	rc = v_expr(v, e);
	pop(v, old);
	return rc;
}

static int v_expr_pair(struct vctx *v, const json_t *a, size_t want)
{
	size_t i, old;

	if (!json_is_array(a) || json_array_size(a) != want)
		return bad(v, "must be an array of %zu expressions", want);
	for (i = 0; i < want; i++) {
		old = push_idx(v, i);
		if (v_expr(v, json_array_get(a, i)) < 0)
			return -EINVAL;
		pop(v, old);
	}
	return 0;
}

#define NAME_RULE                                                                          \
	"'%s' cannot be a cgroup name: each part must be 1 to 64 characters, not start with " \
	"'.' and not be named like the kernel's files (cgroup.*, cpuset.*, tasks, ...)"

/* A cgroup name, possibly with "{expr}" parts: "cg_{h + i}", "cg_0/sub_a". */
static int v_name(struct vctx *v, const json_t *o, const char *key)
{
	const json_t *j = json_object_get(o, key);
	const char *s = json_string_value(j), *p, *close;
	char inner[256];
	size_t old;
	int rc = 0;

	if (!j)
		return bad(v, "'%s' is missing", key);
	old = push(v, key);
	if (!s || !*s) {
		rc = bad(v, "must be a non-empty string");
		goto out;
	}
	if (strlen(s) > EXPR_MAX_LEN)
		rc = bad(v, "longer than %d characters", EXPR_MAX_LEN);
	else if (s[0] == '/' || s[strlen(s) - 1] == '/' || strstr(s, "//") || strstr(s, ".."))
		rc = bad(v, "'%s' is not a relative cgroup path", s);
	for (p = s; !rc && *p; p++) {
		if (*p == '{') {
			close = strchr(p, '}');
			if (!close || (size_t)(close - p) >= sizeof(inner))
				rc = bad(v, "'{' without '}' in '%s'", s);
			else {
				memcpy(inner, p + 1, (size_t)(close - p - 1));
				inner[close - p - 1] = '\0';
				rc = v_expr_str(v, inner);
				p = close;
			}
		} else if (!isalnum((unsigned char)*p) && !strchr("_-./", *p)) {
			rc = bad(v, "'%c' cannot appear in a cgroup name ('%s')", *p, s);
		}
	}
	/* with "{expr}" parts the planner checks the name it makes */
	if (!rc && !strchr(s, '{') && !cgroup_name_valid(s))
		rc = bad(v, NAME_RULE, s);
out:
	pop(v, old);
	return rc;
}

/* ---- building blocks ------------------------------------------------------ */

static int v_flags(struct vctx *v, const json_t *a, unsigned *mask)
{
	size_t i, old;
	const char *f;

	*mask = 0;
	if (!json_is_array(a))
		return bad(v, "must be an array of flag names");
	for (i = 0; i < json_array_size(a); i++) {
		old = push_idx(v, i);
		f = json_string_value(json_array_get(a, i));
		if (!f || !profile_flag(f))
			return bad(v, "unknown flag '%s'; valid flags: %s", f ? f : "(not a string)",
				   profile_flag_list());
		*mask |= profile_flag(f);
		pop(v, old);
	}
	return 0;
}

static int v_checks(struct vctx *v, const json_t *o)
{
	static const char *const keys[] = { "max_spread_pct",	 "max_gap_ms",
					    "max_wake_cv",	 "max_throughput_cv",
					    "max_wake_p99_us",	 "min_iterations_per_s",
					    "isolation",	 NULL };
	const char *key;
	json_t *val;

	if (need_object(v, o, "checks") < 0 || known_keys(v, o, keys) < 0)
		return -EINVAL;
	json_object_foreach((json_t *)o, key, val) {
		if (!strcmp(key, "isolation")) {
			if (!json_is_boolean(val) && !json_is_null(val))
				return bad(v, "'isolation' must be true, false or null");
		} else if (!json_is_null(val) && (!json_is_number(val) || json_number_value(val) < 0)) {
			return bad(v, "'%s' must be a number >= 0 or null", key);
		}
	}
	return 0;
}

static int v_guards(struct vctx *v, const json_t *o)
{
	static const char *const keys[] = { "min_cpus", "min_usable_cpus", "min_llcs",
					    "min_nodes", NULL };
	const char *key;
	json_t *val;

	if (need_object(v, o, "guards") < 0 || known_keys(v, o, keys) < 0)
		return -EINVAL;
	json_object_foreach((json_t *)o, key, val)
		if (!json_is_integer(val) || json_integer_value(val) < 1 ||
		    json_integer_value(val) > 65536)
			return bad(v, "'%s' must be an integer from 1 to 65536", key);
	return 0;
}

static int v_partition(struct vctx *v, const json_t *o, bool allow_none)
{
	static const char *const keys[] = { "type", "frac", NULL };
	static const char *const types[] = { "none", "llc_aligned", "split_half",
					     "split_misaligned", "overlap", "uneven",
					     "holdback", NULL };
	const char *type = json_string_value(json_object_get(o, "type"));
	const json_t *frac = json_object_get(o, "frac");
	bool needs_frac;
	size_t i;

	if (need_object(v, o, "partition") < 0 || known_keys(v, o, keys) < 0)
		return -EINVAL;
	for (i = 0; type && types[i] && strcmp(types[i], type); i++)
		;
	if (!type || !types[i] || (!allow_none && i == 0))
		return bad(v, "'type' must be one of %s", allow_none ? "none, llc_aligned, "
					"split_half, split_misaligned, overlap, uneven, holdback"
								  : "llc_aligned, split_half, "
								    "split_misaligned, overlap, uneven, "
								    "holdback");
	needs_frac = i >= 4;
	if (needs_frac && (!json_is_number(frac) || json_number_value(frac) <= 0 ||
			   json_number_value(frac) > 1))
		return bad(v, "partition '%s' needs 'frac', a number in (0, 1]", type);
	if (!needs_frac && frac)
		return bad(v, "partition '%s' takes no 'frac'", type);
	return 0;
}

static int v_cpuset(struct vctx *v, const json_t *o);

static int v_cpuset_base(struct vctx *v, const json_t *o, const char *base)
{
	const json_t *val = json_object_get(o, base);
	double a, b, f;
	size_t old = push(v, base), i;
	int rc = 0;

	if (!strcmp(base, "llc") || !strcmp(base, "numa")) {
		rc = v_expr(v, val);
	} else if (!strcmp(base, "range")) {
		if (!json_is_array(val) || json_array_size(val) != 2 ||
		    !json_is_number(json_array_get(val, 0)) || !json_is_number(json_array_get(val, 1)))
			rc = bad(v, "must be [from, to], fractions of the usable CPUs");
		else {
			a = json_number_value(json_array_get(val, 0));
			b = json_number_value(json_array_get(val, 1));
			if (a < 0 || b > 1 || a >= b)
				rc = bad(v, "needs 0 <= from < to <= 1, got [%g, %g]", a, b);
		}
	} else if (!strcmp(base, "disjoint") || !strcmp(base, "all") || !strcmp(base, "usable")) {
		rc = v_expr_pair(v, val, 2);
	} else if (!strcmp(base, "overlap")) {
		if (!json_is_array(val) || json_array_size(val) != 3 ||
		    !json_is_number(json_array_get(val, 2)))
			rc = bad(v, "must be [index, of, frac]");
		else {
			f = json_number_value(json_array_get(val, 2));
			rc = f < 0 || f > 1 ? bad(v, "frac must be in [0, 1]") : 0;
			for (i = 0; !rc && i < 2; i++)
				rc = v_expr(v, json_array_get(val, i));
		}
	} else if (!strcmp(base, "exact")) {
		if (!json_is_array(val) || !json_array_size(val))
			rc = bad(v, "must be a non-empty array of CPU numbers");
		for (i = 0; !rc && i < json_array_size(val); i++) {
			const json_t *c = json_array_get(val, i);

			if (!json_is_integer(c) || json_integer_value(c) < 0 ||
			    json_integer_value(c) > 65535)
				rc = bad(v, "[%zu] is not a CPU number", i);
		}
	} else {
		rc = v_partition(v, val, false);
	}
	pop(v, old);
	return rc;
}

static int v_cpuset(struct vctx *v, const json_t *o)
{
	static const char *const keys[] = { "llc",   "numa", "range", "disjoint", "overlap",
					    "exact", "all",  "usable", "partition", "slice",
					    "index", "of",   NULL };
	const char *base = NULL, *key;
	json_t *val;
	size_t i, old;
	int rc;

	if (need_object(v, o, "a cpuset") < 0 || known_keys(v, o, keys) < 0)
		return -EINVAL;
	json_object_foreach((json_t *)o, key, val) {
		for (i = 0; i < 9 && strcmp(keys[i], key); i++)
			;
		if (i == 9)
			continue;
		if (base)
			return bad(v, "give one of llc, numa, range, disjoint, overlap, exact, all, "
				      "usable, partition; got '%s' and '%s'",
				   base, key);
		base = key;
	}
	if (!base)
		return bad(v, "needs one of llc, numa, range, disjoint, overlap, exact, all, usable, "
			      "partition");
	if ((json_object_get(o, "index") || json_object_get(o, "of")) && strcmp(base, "partition"))
		return bad(v, "'index' and 'of' belong to a 'partition' cpuset");
	if (!strcmp(base, "partition") &&
	    (v_field_expr(v, o, "index", true) < 0 || v_field_expr(v, o, "of", true) < 0))
		return -EINVAL;
	if ((rc = v_cpuset_base(v, o, base)) < 0)
		return rc;
	if ((val = json_object_get(o, "slice"))) {
		old = push(v, "slice");
		v->scope_n++;
		rc = v_expr_pair(v, val, 2);
		v->scope_n--;
		pop(v, old);
	}
	return rc;
}

static int v_affinity(struct vctx *v, const json_t *a)
{
	static const char *const kinds[] = { "inherit", "random_subset", "llc_aligned",
					     "cross_cgroup", "single_cpu", NULL };
	static const char *const keys[] = { "cpus", NULL };
	const char *s = json_string_value(a);
	size_t i, old;
	int rc;

	if (s) {
		for (i = 0; kinds[i]; i++)
			if (!strcmp(kinds[i], s))
				return 0;
		return bad(v, "unknown affinity '%s'; use inherit, random_subset, llc_aligned, "
			      "cross_cgroup, single_cpu or {\"cpus\": cpuset}",
			   s);
	}
	if (!json_is_object(a) || known_keys(v, a, keys) < 0 || !json_object_get(a, "cpus"))
		return bad(v, "must be an affinity name or {\"cpus\": cpuset}");
	old = push(v, "cpus");
	rc = v_cpuset(v, json_object_get(a, "cpus"));
	pop(v, old);
	return rc;
}

static int v_policy(struct vctx *v, const json_t *p)
{
	const char *s = json_string_value(p);
	int prio;

	if (s && (!strcmp(s, "normal") || !strcmp(s, "batch") || !strcmp(s, "idle")))
		return 0;
	if (s && ((!strncmp(s, "fifo:", 5) && parse_int(s + 5, 1, 99, &prio, NULL) == 0) ||
		  (!strncmp(s, "rr:", 3) && parse_int(s + 3, 1, 99, &prio, NULL) == 0)))
		return 0;
	return bad(v, "policy must be normal, batch, idle, fifo:P or rr:P (P from 1 to 99)");
}

static int v_mempolicy(struct vctx *v, const json_t *m)
{
	static const char *const keys[] = { "mode", "nodes", NULL };
	static const char *const modes[] = { "bind", "preferred", "interleave", "local", NULL };
	const char *mode = json_string_value(json_object_get(m, "mode"));
	const json_t *nodes = json_object_get(m, "nodes");
	size_t i;

	if (json_is_null(m))
		return 0;
	if (need_object(v, m, "mempolicy") < 0 || known_keys(v, m, keys) < 0)
		return -EINVAL;
	for (i = 0; mode && modes[i] && strcmp(modes[i], mode); i++)
		;
	if (!mode || !modes[i])
		return bad(v, "'mode' must be bind, preferred, interleave or local");
	if (strcmp(mode, "local") && (!json_is_array(nodes) || !json_array_size(nodes)))
		return bad(v, "mempolicy '%s' needs 'nodes', an array of node ids", mode);
	for (i = 0; i < json_array_size(nodes); i++)
		if (!json_is_integer(json_array_get(nodes, i)) ||
		    json_integer_value(json_array_get(nodes, i)) < 0)
			return bad(v, "'nodes' must hold node ids");
	return 0;
}

static int v_phases(struct vctx *v, const json_t *a)
{
	static const char *const keys[] = { "kind", "ns", NULL };
	const char *k;
	size_t i, old;

	if (!json_is_array(a) || !json_array_size(a))
		return bad(v, "a Sequence needs 'phases', a non-empty array");
	for (i = 0; i < json_array_size(a); i++) {
		const json_t *p = json_array_get(a, i);

		old = push_idx(v, i);
		if (need_object(v, p, "a phase") < 0 || known_keys(v, p, keys) < 0)
			return -EINVAL;
		k = json_string_value(json_object_get(p, "kind"));
		if (!k || (strcmp(k, "spin") && strcmp(k, "sleep") && strcmp(k, "yield") &&
			   strcmp(k, "io")))
			return bad(v, "'kind' must be spin, sleep, yield or io");
		if (!json_is_integer(json_object_get(p, "ns")) ||
		    json_integer_value(json_object_get(p, "ns")) < 1)
			return bad(v, "'ns' must be an integer >= 1");
		pop(v, old);
	}
	return 0;
}

static int bad_type(struct vctx *v, const char *type)
{
	const char *hint = worktype_suggest(type);

	if (hint)
		return bad(v, "unknown work type '%s'; did you mean '%s'?", type, hint);
	return bad(v, "unknown work type '%s'; valid types: %s, Sequence",
		   type ? type : "(missing)", worktype_names());
}

/*
 * What ktstr-work will make of the work and its count (lib/workspec), so a
 * value it refuses is a mistake in the file, not a failed run.
 */
static int v_work_ranges(struct vctx *v, const json_t *w, const char *type, json_t *params)
{
	const json_t *count = json_object_get(w, "count");
	struct workspec ws;
	struct kt_diag d;
	json_t *spec;
	size_t old;
	int rc;

	spec = json_pack("{s:s, s:O}", "type", type, "params", params);
	if (!spec)
		return bad(v, "out of memory");
	if (json_object_get(w, "phases"))
		json_object_set(spec, "phases", json_object_get(w, "phases"));
	old = push(v, strcmp(type, "Sequence") ? "params" : "phases");
	rc = workspec_from_json(&ws, spec, &d) < 0 ? bad(v, "%s", d.msg) : 0;
	pop(v, old);
	json_decref(spec);
	if (rc < 0 || !json_is_integer(count))
		return rc; /* an expression's count is checked when it is planned */
	old = push(v, "count");
	if (json_integer_value(count) < 1 || json_integer_value(count) > WORKPOOL_MAX_WORKERS)
		rc = bad(v, "must be from 1 to %u workers", WORKPOOL_MAX_WORKERS);
	else if (workspec_check_count(&ws, (unsigned)json_integer_value(count), &d) < 0)
		rc = bad(v, "%s", d.msg);
	pop(v, old);
	return rc;
}

static int v_work(struct vctx *v, const json_t *w)
{
	static const char *const keys[] = { "type",	 "params",   "count", "policy",
					    "nice",	 "affinity", "mempolicy", "checks",
					    "checked", "phases",   NULL };
	const struct worktype *wt;
	const char *type;
	struct kt_diag d;
	json_t *params;
	size_t old;
	int rc = 0;

	if (json_is_string(w)) {
		type = json_string_value(w);
		if (!worktype_find(type) || !strcmp(type, "Sequence"))
			return bad_type(v, type);
		return 0;
	}
	if (need_object(v, w, "a work") < 0 || known_keys(v, w, keys) < 0)
		return -EINVAL;
	type = json_string_value(json_object_get(w, "type"));
	wt = worktype_find(type);
	if (!wt)
		return bad_type(v, type);
	old = push(v, "params");
	if (worktype_params(wt, json_object_get(w, "params"), &params, &d) < 0)
		rc = bad(v, "%s", d.msg);
	pop(v, old);
	if (rc < 0 || v_field_expr(v, w, "count", false) < 0)
		return -EINVAL;
	old = push(v, "phases");
	if (!strcmp(type, "Sequence"))
		rc = v_phases(v, json_object_get(w, "phases"));
	else if (json_object_get(w, "phases"))
		rc = bad(v, "only a Sequence has phases");
	pop(v, old);
	if (!rc)
		rc = v_work_ranges(v, w, type, params);
	json_decref(params);
	if (rc < 0)
		return rc;
	if (json_object_get(w, "policy")) {
		old = push(v, "policy");
		rc = v_policy(v, json_object_get(w, "policy"));
		pop(v, old);
	}
	if (!rc && json_object_get(w, "nice") &&
	    (!json_is_integer(json_object_get(w, "nice")) ||
	     json_integer_value(json_object_get(w, "nice")) < -20 ||
	     json_integer_value(json_object_get(w, "nice")) > 19))
		rc = bad(v, "'nice' must be an integer from -20 to 19");
	if (!rc && json_object_get(w, "affinity")) {
		old = push(v, "affinity");
		rc = v_affinity(v, json_object_get(w, "affinity"));
		pop(v, old);
	}
	if (!rc && json_object_get(w, "mempolicy")) {
		old = push(v, "mempolicy");
		rc = v_mempolicy(v, json_object_get(w, "mempolicy"));
		pop(v, old);
	}
	if (!rc && json_object_get(w, "checks")) {
		old = push(v, "checks");
		rc = v_checks(v, json_object_get(w, "checks"));
		pop(v, old);
	}
	if (!rc && json_object_get(w, "checked") && !json_is_boolean(json_object_get(w, "checked")))
		rc = bad(v, "'checked' must be true or false");
	return rc;
}

static int v_works(struct vctx *v, const json_t *a, bool allow_nested)
{
	size_t i, k, old, old2;

	if (!json_is_array(a))
		return bad(v, "must be an array of works");
	for (i = 0; i < json_array_size(a); i++) {
		const json_t *w = json_array_get(a, i);

		old = push_idx(v, i);
		if (allow_nested && json_is_array(w)) {
			if (!json_array_size(w))
				return bad(v, "an empty list of works");
			for (k = 0; k < json_array_size(w); k++) {
				old2 = push_idx(v, k);
				if (v_work(v, json_array_get(w, k)) < 0)
					return -EINVAL;
				pop(v, old2);
			}
		} else if (v_work(v, w) < 0) {
			return -EINVAL;
		}
		pop(v, old);
	}
	return 0;
}

/* "repeat" brings 'i' into scope for the whole item; "when" is checked inside it. */
static int item_begin(struct vctx *v, const json_t *o)
{
	if (v_field_expr(v, o, "repeat", false) < 0)
		return -EINVAL;
	if (json_object_get(o, "repeat"))
		v->scope_i++;
	return v_field_expr(v, o, "when", false);
}

static void item_end(struct vctx *v, const json_t *o)
{
	if (json_object_get(o, "repeat"))
		v->scope_i--;
}

static int v_cgroupdef(struct vctx *v, const json_t *c)
{
	static const char *const keys[] = { "name", "cpuset", "works", "repeat", "when", NULL };
	const json_t *cs;
	size_t old;
	int rc = 0;

	if (need_object(v, c, "a cgroup") < 0 || known_keys(v, c, keys) < 0)
		return -EINVAL;
	if (item_begin(v, c) < 0)
		return -EINVAL;
	rc = v_name(v, c, "name");
	cs = json_object_get(c, "cpuset");
	if (!rc && cs && !json_is_null(cs)) {
		old = push(v, "cpuset");
		rc = v_cpuset(v, cs);
		pop(v, old);
	}
	if (!rc && json_object_get(c, "works")) {
		old = push(v, "works");
		rc = v_works(v, json_object_get(c, "works"), false);
		pop(v, old);
	}
	item_end(v, c);
	return rc;
}

struct opdesc {
	const char *op;
	const char *fields[3]; /* required, besides "op" */
	const char *optional;
};

static const struct opdesc ops[] = {
	{ "add_cgroup", { "name" }, "cpuset" },
	{ "remove_cgroup", { "cgroup" }, NULL },
	{ "set_cpuset", { "cgroup", "cpus" }, NULL },
	{ "clear_cpuset", { "cgroup" }, NULL },
	{ "swap_cpusets", { "a", "b" }, NULL },
	{ "spawn", { "cgroup", "work" }, NULL },
	{ "spawn_host", { "work" }, NULL },
	{ "stop_cgroup", { "cgroup" }, NULL },
	{ "set_affinity", { "cgroup", "affinity" }, NULL },
	{ "set_policy", { "cgroup", "policy" }, NULL },
	{ "set_nice", { "cgroup", "nice" }, NULL },
	{ "move_all", { "from", "to" }, NULL },
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

static int v_op_field(struct vctx *v, const json_t *o, const char *f)
{
	const json_t *val = json_object_get(o, f);
	size_t old;
	int rc;

	if (!strcmp(f, "name") || !strcmp(f, "cgroup") || !strcmp(f, "a") || !strcmp(f, "b") ||
	    !strcmp(f, "from") || !strcmp(f, "to"))
		return v_name(v, o, f);
	old = push(v, f);
	if (!strcmp(f, "cpus") || !strcmp(f, "cpuset"))
		rc = json_is_null(val) && !strcmp(f, "cpuset") ? 0 : v_cpuset(v, val);
	else if (!strcmp(f, "work"))
		rc = v_work(v, val);
	else if (!strcmp(f, "affinity"))
		rc = v_affinity(v, val);
	else if (!strcmp(f, "policy"))
		rc = v_policy(v, val);
	else
		rc = json_is_integer(val) && json_integer_value(val) >= -20 &&
				     json_integer_value(val) <= 19
			     ? 0
			     : bad(v, "must be an integer from -20 to 19");
	pop(v, old);
	return rc;
}

static int v_op(struct vctx *v, const json_t *o)
{
	const char *keys[8], *names[NOPS], *name = json_string_value(json_object_get(o, "op"));
	const char *hint;
	const struct opdesc *od = NULL;
	size_t i, k = 0;
	int rc = 0;

	if (need_object(v, o, "an op") < 0)
		return -EINVAL;
	for (i = 0; i < NOPS; i++) {
		names[i] = ops[i].op;
		if (name && !strcmp(ops[i].op, name))
			od = &ops[i];
	}
	if (!od) {
		hint = name ? suggest_closest(name, names, NOPS) : NULL;
		if (hint)
			return bad(v, "unknown op '%s'; did you mean '%s'?", name, hint);
		return bad(v, "'op' must be one of add_cgroup, remove_cgroup, set_cpuset, "
			      "clear_cpuset, swap_cpusets, spawn, spawn_host, stop_cgroup, "
			      "set_affinity, set_policy, set_nice, move_all");
	}
	keys[k++] = "op";
	keys[k++] = "repeat";
	keys[k++] = "when";
	for (i = 0; i < 3 && od->fields[i]; i++)
		keys[k++] = od->fields[i];
	if (od->optional)
		keys[k++] = od->optional;
	keys[k] = NULL;
	if (known_keys(v, o, keys) < 0 || item_begin(v, o) < 0)
		return -EINVAL;
	for (i = 0; !rc && i < 3 && od->fields[i]; i++) {
		if (!json_object_get(o, od->fields[i]))
			rc = bad(v, "op '%s' needs '%s'", od->op, od->fields[i]);
		else
			rc = v_op_field(v, o, od->fields[i]);
	}
	if (!rc && od->optional && json_object_get(o, od->optional))
		rc = v_op_field(v, o, od->optional);
	item_end(v, o);
	return rc;
}

static int v_list(struct vctx *v, const json_t *o, const char *key,
		  int (*one)(struct vctx *, const json_t *))
{
	const json_t *a = json_object_get(o, key);
	size_t i, old = push(v, key), old2;
	int rc = 0;

	if (a && !json_is_array(a))
		rc = bad(v, "must be an array");
	for (i = 0; !rc && i < json_array_size(a); i++) {
		old2 = push_idx(v, i);
		rc = one(v, json_array_get(a, i));
		pop(v, old2);
	}
	pop(v, old);
	return rc;
}

static int v_steps(struct vctx *v, const json_t *a);

static int v_loop(struct vctx *v, const json_t *lp)
{
	static const char *const keys[] = { "times", "for", NULL };
	size_t old = push(v, "loop");
	int rc;

	if (need_object(v, lp, "'loop'") < 0 || known_keys(v, lp, keys) < 0)
		rc = -EINVAL;
	else if (!json_object_get(lp, "times") == !json_object_get(lp, "for"))
		rc = bad(v, "give either 'times' (a count) or 'for' (milliseconds)");
	else
		rc = v_field_expr(v, lp, json_object_get(lp, "times") ? "times" : "for", true);
	pop(v, old);
	return rc;
}

static int v_step(struct vctx *v, const json_t *s)
{
	static const char *const keys[] = { "ops", "cgroups", "hold", "when", "loop", "steps",
					    NULL };
	size_t old;
	int rc;

	if (need_object(v, s, "a step") < 0 || known_keys(v, s, keys) < 0 ||
	    v_field_expr(v, s, "when", false) < 0)
		return -EINVAL;
	if (json_object_get(s, "loop")) {
		if (json_object_get(s, "ops") || json_object_get(s, "cgroups") ||
		    json_object_get(s, "hold"))
			return bad(v, "a loop step holds only 'loop', 'steps' and 'when'");
		if (v_loop(v, json_object_get(s, "loop")) < 0)
			return -EINVAL;
		v->scope_i++;
		old = push(v, "steps");
		rc = v_steps(v, json_object_get(s, "steps"));
		pop(v, old);
		v->scope_i--;
		return rc;
	}
	if (json_object_get(s, "steps"))
		return bad(v, "'steps' inside a step needs a 'loop'");
	if (v_list(v, s, "ops", v_op) < 0 || v_list(v, s, "cgroups", v_cgroupdef) < 0)
		return -EINVAL;
	return v_field_expr(v, s, "hold", false);
}

static int v_steps(struct vctx *v, const json_t *a)
{
	size_t i, old;

	if (!json_is_array(a) || !json_array_size(a))
		return bad(v, "must be a non-empty array of steps");
	for (i = 0; i < json_array_size(a); i++) {
		old = push_idx(v, i);
		if (v_step(v, json_array_get(a, i)) < 0)
			return -EINVAL;
		pop(v, old);
	}
	return 0;
}

static int v_lets(struct vctx *v, const json_t *o)
{
	const char *key;
	json_t *val;
	size_t old, i;

	if (need_object(v, o, "'let'") < 0)
		return -EINVAL;
	json_object_foreach((json_t *)o, key, val) {
		old = push(v, key);
		if (!isalpha((unsigned char)key[0]) && key[0] != '_')
			return bad(v, "not a name");
		for (i = 0; key[i]; i++)
			if (!isalnum((unsigned char)key[i]) && key[i] != '_')
				return bad(v, "not a name");
		if (builtin_name(key) || !strcmp(key, "i") || !strcmp(key, "n"))
			return bad(v, "'%s' is a built-in name", key);
		if (v->nlets == MAX_LETS)
			return bad(v, "more than %d names", MAX_LETS);
		if (v_expr(v, val) < 0)
			return -EINVAL;
		v->lets[v->nlets++] = key; /* usable by the lets after it */
		pop(v, old);
	}
	return 0;
}

static int v_steady(struct vctx *v, const json_t *s)
{
	const json_t *n = json_object_get(s, "cgroups"), *w = json_object_get(s, "works");
	size_t old;
	int rc;

	if (json_object_get(s, "backdrop") || json_object_get(s, "steps"))
		return bad(v, "a steady scenario has 'cgroups', 'partition' and 'works', not "
			      "'backdrop' or 'steps'");
	if (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > 64)
		return bad(v, "'cgroups' must be a number of cgroups from 1 to 64");
	if (!json_is_array(w) || !json_array_size(w))
		return bad(v, "'works' must be a non-empty array");
	if (json_object_get(s, "partition")) {
		old = push(v, "partition");
		rc = v_partition(v, json_object_get(s, "partition"), true);
		pop(v, old);
		if (rc < 0)
			return rc;
	}
	old = push(v, "works");
	rc = v_works(v, w, true);
	pop(v, old);
	return rc;
}

static int v_ops_kind(struct vctx *v, const json_t *s)
{
	static const char *const bkeys[] = { "ops", "cgroups", NULL };
	const json_t *b = json_object_get(s, "backdrop");
	size_t old;
	int rc = 0;

	if (json_object_get(s, "partition") || json_object_get(s, "works") ||
	    json_object_get(s, "cgroups"))
		return bad(v, "'cgroups', 'partition' and 'works' belong to a steady scenario "
			      "(\"kind\": \"steady\"); this one uses 'backdrop' and 'steps'");
	if (b) {
		old = push(v, "backdrop");
		if (need_object(v, b, "'backdrop'") < 0 || known_keys(v, b, bkeys) < 0 ||
		    v_list(v, b, "ops", v_op) < 0 || v_list(v, b, "cgroups", v_cgroupdef) < 0)
			rc = -EINVAL;
		pop(v, old);
		if (rc < 0)
			return rc;
	}
	if (!json_object_get(s, "steps"))
		return bad(v, "'steps' is missing");
	old = push(v, "steps");
	rc = v_steps(v, json_object_get(s, "steps"));
	pop(v, old);
	return rc;
}

static int v_text(struct vctx *v, const json_t *s, const char *key, bool ident)
{
	const char *t = json_string_value(json_object_get(s, key));
	size_t i;

	if (!t || !*t)
		return bad(v, "'%s' must be a non-empty string", key);
	for (i = 0; ident && t[i]; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("_-.", t[i]))
			return bad(v, "'%s' may hold only letters, digits, '_', '-' and '.'", key);
	if (ident && i > 64)
		return bad(v, "'%s' is longer than 64 characters", key);
	return 0;
}

int scenario_validate(const json_t *s, const char *origin, struct kt_diag *d)
{
	static const char *const keys[] = { "name",	"category", "description", "requires",
					    "excludes", "guards",   "checks",	   "let",
					    "kind",	"cgroups",  "partition",   "works",
					    "backdrop", "steps",    NULL };
	struct vctx v = { .d = d, .origin = origin };
	const char *kind;
	unsigned req = 0, excl = 0, all[PROFILE_MAX];
	size_t old;

	if (!json_is_object(s))
		return bad(&v, "a scenario must be a JSON object");
	v.scen = json_string_value(json_object_get(s, "name"));
	if (!v.scen)
		v.scen = "(unnamed)";
	if (known_keys(&v, s, keys) < 0 || v_text(&v, s, "name", true) < 0 ||
	    v_text(&v, s, "category", true) < 0 || v_text(&v, s, "description", false) < 0)
		return -EINVAL;
	if (json_object_get(s, "requires")) {
		old = push(&v, "requires");
		if (v_flags(&v, json_object_get(s, "requires"), &req) < 0)
			return -EINVAL;
		pop(&v, old);
	}
	if (json_object_get(s, "excludes")) {
		old = push(&v, "excludes");
		if (v_flags(&v, json_object_get(s, "excludes"), &excl) < 0)
			return -EINVAL;
		pop(&v, old);
	}
	if (req & excl)
		return bad(&v, "a flag is both required and excluded");
	if (!profile_expand(req, excl, all))
		return bad(&v, "no flag profile satisfies 'requires' and 'excludes' (steal needs "
			       "llc)");
	old = push(&v, "guards");
	if (json_object_get(s, "guards") && v_guards(&v, json_object_get(s, "guards")) < 0)
		return -EINVAL;
	pop(&v, old);
	old = push(&v, "checks");
	if (json_object_get(s, "checks") && v_checks(&v, json_object_get(s, "checks")) < 0)
		return -EINVAL;
	pop(&v, old);
	old = push(&v, "let");
	if (json_object_get(s, "let") && v_lets(&v, json_object_get(s, "let")) < 0)
		return -EINVAL;
	pop(&v, old);
	kind = json_string_value(json_object_get(s, "kind"));
	if (json_object_get(s, "kind") && (!kind || (strcmp(kind, "steady") && strcmp(kind, "ops"))))
		return bad(&v, "'kind' must be \"steady\" or \"ops\"");
	if (kind && !strcmp(kind, "steady"))
		return v_steady(&v, s);
	return v_ops_kind(&v, s);
}
