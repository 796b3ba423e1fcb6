// SPDX-License-Identifier: GPL-2.0
/*
 * Stream mode: what ktstr-work does with each record (ktstr-ndjson(5)).
 * A record it cannot understand is fatal (exit 2); a record it understands
 * but the system refuses (a cgroup write, a policy) gives a non-fatal error
 * record and the run goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "ndjson.h"
#include "workstream_int.h"

#define MAX_GROUPS 1024

static int bad(struct workstream *s, const json_t *rec, const struct kt_diag *d)
{
	char msg[sizeof(d->msg) + 64];

	snprintf(msg, sizeof(msg), "line %ld: %s: %s", s->rd.lineno, ndjson_type(rec), d->msg);
	return ws_fatal(s, msg);
}

/* The system said no: tell downstream and the user, and carry on. */
static int refused(struct workstream *s, int group, const struct kt_diag *d)
{
	json_t *rec = ndjson_error_record(d->msg, false);

	kt_warnx("line %ld: group %d: %s", s->rd.lineno, group, d->msg);
	if (rec) {
		json_object_set_new(rec, "group", json_integer(group));
		json_object_set_new(rec, "line", json_integer(s->rd.lineno));
	}
	return workstream_emit(s, rec);
}

/* An optional integer member: absent or null gives def. */
static int get_int(const json_t *rec, const char *key, json_int_t min, json_int_t max,
		   json_int_t def, json_int_t *out, struct kt_diag *d)
{
	const json_t *v = json_object_get(rec, key);

	*out = def;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return kt_diag_set(d, EINVAL, "\"%s\" is not an integer in %lld..%lld", key,
				   (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

static int get_str(const json_t *rec, const char *key, const char *def, const char **out,
		   struct kt_diag *d)
{
	const json_t *v = json_object_get(rec, key);

	*out = def;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return kt_diag_set(d, EINVAL, "\"%s\" is not a string", key);
	*out = json_string_value(v);
	return 0;
}

struct spawn_parts {
	struct workpool_spawn req;
	struct affinity aff;
	struct procattr_mempolicy mp;
	const char **paths;
};

static int spawn_paths(struct spawn_parts *sp, const json_t *arr, struct kt_diag *d)
{
	size_t i, n = json_array_size(arr);

	if (arr && !json_is_null(arr) && !json_is_array(arr))
		return kt_diag_set(d, EINVAL, "\"paths\" is not an array of strings");
	sp->paths = calloc(n + 1, sizeof(*sp->paths));
	if (!sp->paths)
		return kt_diag_set(d, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		sp->paths[i] = json_string_value(json_array_get(arr, i));
		if (!sp->paths[i] || sp->paths[i][0] != '/')
			return kt_diag_set(d, EINVAL, "\"paths\"[%zu] is not an absolute path", i);
	}
	sp->req.paths = sp->paths;
	sp->req.npaths = n;
	return 0;
}

static int spawn_parse(struct workstream *s, const json_t *rec, struct spawn_parts *sp,
		       struct kt_diag *d)
{
	json_int_t group, count, nice;
	const char *policy;
	int rc;

	if (!json_is_integer(json_object_get(rec, "group")))
		return kt_diag_set(d, EINVAL, "\"group\" is not an integer");
	if (get_int(rec, "group", INT32_MIN, INT32_MAX, 0, &group, d) < 0 ||
	    get_int(rec, "count", 1, WORKPOOL_MAX_WORKERS, 0, &count, d) < 0 ||
	    get_int(rec, "nice", PROCATTR_NICE_MIN, PROCATTR_NICE_MAX, 0, &nice, d) < 0 ||
	    get_str(rec, "cgroup", NULL, &sp->req.cgroup, d) < 0 ||
	    get_str(rec, "policy", "normal", &policy, d) < 0)
		return -EINVAL;
	if (!count)
		return kt_diag_set(d, EINVAL, "\"count\" is missing");
	sp->req.group = (int)group;
	sp->req.count = (unsigned)count;
	sp->req.nice = (int)nice;
	sp->req.scenario = s->scenario;
	if ((rc = workspec_from_json(&sp->req.spec, json_object_get(rec, "work"), d)) < 0 ||
	    (rc = workspec_check_count(&sp->req.spec, sp->req.count, d)) < 0 ||
	    (rc = procattr_policy_parse(&sp->req.policy, policy, d)) < 0 ||
	    (rc = affinity_from_json(&sp->aff, json_object_get(rec, "affinity"), sp->req.count,
				     d)) < 0 ||
	    (rc = procattr_mempolicy_from_json(&sp->mp, json_object_get(rec, "mempolicy"), d)) <
		    0 ||
	    (rc = spawn_paths(sp, json_object_get(rec, "paths"), d)) < 0)
		return rc;
	if (affinity_needs_topo(&sp->aff))
		return kt_diag_set(d, EINVAL, "\"affinity\" needs explicit CPUs or a pool");
	sp->req.affinity = &sp->aff;
	sp->req.mempolicy = sp->mp.mode == MPOL_MODE_DEFAULT ? NULL : &sp->mp;
	return 0;
}

static int on_spawn(struct workstream *s, const json_t *rec)
{
	struct spawn_parts sp;
	struct kt_diag d;
	int rc;

	memset(&sp, 0, sizeof(sp));
	affinity_init(&sp.aff);
	rc = spawn_parse(s, rec, &sp, &d);
	if (rc < 0) {
		rc = bad(s, rec, &d);
	} else {
		rc = workpool_spawn(s->pool, &sp.req, &d);
		if (rc == -EEXIST)
			rc = bad(s, rec, &d);
		else if (rc < 0)
			rc = refused(s, sp.req.group, &d);
	}
	affinity_release(&sp.aff);
	free(sp.paths);
	return rc;
}

/* "groups": [ids] into ids (n 0 when absent). */
static int get_groups(const json_t *rec, int *ids, size_t *n, struct kt_diag *d)
{
	const json_t *arr = json_object_get(rec, "groups"), *v;
	size_t i;

	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_GROUPS)
		return kt_diag_set(d, EINVAL, "\"groups\" is not an array of group ids");
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
		    json_integer_value(v) > INT32_MAX)
			return kt_diag_set(d, EINVAL, "\"groups\"[%zu] is not a group id", i);
		ids[i] = (int)json_integer_value(v);
	}
	*n = json_array_size(arr);
	return 0;
}

static int on_start(struct workstream *s, const json_t *rec)
{
	int ids[MAX_GROUPS];
	struct kt_diag d;
	size_t n;

	if (get_groups(rec, ids, &n, &d) < 0 || workpool_start(s->pool, ids, n, &d) < 0)
		return bad(s, rec, &d);
	return 0;
}

/* Target of a stop or an op: "groups" (stop) or "group" (op), "cgroup", or everything. */
static int get_sel(const struct workstream *s, const json_t *rec, struct workpool_sel *sel,
		   int *ids, struct kt_diag *d)
{
	const json_t *one = json_object_get(rec, "group");
	size_t n;

	memset(sel, 0, sizeof(*sel));
	if (one && !json_is_null(one)) {
		if (!json_is_integer(one))
			return kt_diag_set(d, EINVAL, "\"group\" is not a group id");
		ids[0] = (int)json_integer_value(one);
		n = 1;
	} else if (get_groups(rec, ids, &n, d) < 0) {
		return -EINVAL;
	}
	if (n) {
		sel->kind = WORKPOOL_SEL_GROUPS;
		sel->groups = ids;
		sel->ngroups = n;
	} else if (get_str(rec, "cgroup", NULL, &sel->name, d) < 0) {
		return -EINVAL;
	} else if (sel->name) {
		sel->kind = WORKPOOL_SEL_CGROUP;
	}
	return workpool_check_sel(s->pool, sel, d);
}

static int on_stop(struct workstream *s, const json_t *rec)
{
	int ids[MAX_GROUPS];
	const json_t *discard = json_object_get(rec, "discard");
	struct workpool_sel sel;
	struct kt_diag d;

	if (discard && !json_is_boolean(discard) && !json_is_null(discard)) {
		kt_diag_set(&d, EINVAL, "\"discard\" is not true or false");
		return bad(s, rec, &d);
	}
	if (get_sel(s, rec, &sel, ids, &d) < 0)
		return bad(s, rec, &d);
	return ws_stop(s, &sel, "stop", json_is_true(discard)) < 0 ? -EIO : 0;
}

static int op_change(const json_t *rec, struct workpool_change *ch, struct affinity *aff,
		     struct kt_diag *d)
{
	const char *op = json_string_value(json_object_get(rec, "op")), *pol;
	json_int_t nice;

	if (!op)
		return kt_diag_set(d, EINVAL, "\"op\" is missing");
	if (!strcmp(op, "set_affinity")) {
		ch->kind = WORKPOOL_SET_AFFINITY;
		ch->affinity = aff;
		if (!json_object_get(rec, "affinity"))
			return kt_diag_set(d, EINVAL, "set_affinity needs \"affinity\"");
		if (affinity_from_json(aff, json_object_get(rec, "affinity"), 0, d) < 0)
			return -EINVAL;
		if (affinity_needs_topo(aff))
			return kt_diag_set(d, EINVAL, "\"affinity\" needs explicit CPUs or a pool");
		return 0;
	}
	if (!strcmp(op, "set_policy")) {
		ch->kind = WORKPOOL_SET_POLICY;
		if (get_str(rec, "policy", NULL, &pol, d) < 0 || !pol)
			return kt_diag_set(d, EINVAL, "set_policy needs \"policy\"");
		return procattr_policy_parse(&ch->policy, pol, d);
	}
	if (!strcmp(op, "set_nice")) {
		ch->kind = WORKPOOL_SET_NICE;
		if (!json_is_integer(json_object_get(rec, "nice")))
			return kt_diag_set(d, EINVAL, "set_nice needs \"nice\"");
		if (get_int(rec, "nice", PROCATTR_NICE_MIN, PROCATTR_NICE_MAX, 0, &nice, d) < 0)
			return -EINVAL;
		ch->nice = (int)nice;
		return 0;
	}
	return kt_diag_set(d, EINVAL, "unknown op '%s' (set_affinity, set_policy, set_nice)", op);
}

static int on_op(struct workstream *s, const json_t *rec)
{
	int ids[MAX_GROUPS];
	struct workpool_change ch = { 0 };
	struct workpool_sel sel;
	struct affinity aff;
	struct kt_diag d;
	int rc = 0;

	affinity_init(&aff);
	if (op_change(rec, &ch, &aff, &d) < 0 || get_sel(s, rec, &sel, ids, &d) < 0)
		rc = bad(s, rec, &d);
	else if (workpool_change(s->pool, &sel, &ch, &d) < 0)
		rc = refused(s, sel.kind == WORKPOOL_SEL_GROUPS ? ids[0] : -1, &d);
	affinity_release(&aff);
	return rc;
}

static int on_scenario_begin(struct workstream *s, const json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, "name"));

	free(s->scenario);
	s->scenario = name ? strdup(name) : NULL;
	return 0;
}

/* Its workers are reported before the scenario_end record, which closes the scenario. */
static int on_scenario_end(struct workstream *s, const json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	struct workpool_sel sel = { .kind = WORKPOOL_SEL_SCENARIO, .name = name };

	if (name && ws_stop(s, &sel, "stop", false) < 0)
		return -EIO;
	if (s->scenario && name && !strcmp(s->scenario, name)) {
		free(s->scenario);
		s->scenario = NULL;
	}
	return ws_forward(s);
}

static int on_cgroup(struct workstream *s, const json_t *rec)
{
	const char *op = json_string_value(json_object_get(rec, "op"));
	const char *from = json_string_value(json_object_get(rec, "from"));
	const char *to = json_string_value(json_object_get(rec, "to"));
	struct kt_diag d;

	if (!op || strcmp(op, "move"))
		return 0;
	if (!from || !to) {
		kt_diag_set(&d, EINVAL, "a move needs \"from\" and \"to\"");
		return bad(s, rec, &d);
	}
	workpool_rename_cgroup(s->pool, from, to);
	return 0;
}

static const struct {
	const char *type;
	int (*fn)(struct workstream *s, const json_t *rec);
} handlers[] = {
	{ "spawn", on_spawn },	       { "start", on_start },	{ "stop", on_stop },
	{ "op", on_op },	       { "cgroup", on_cgroup }, { "scenario_begin", on_scenario_begin },
};

int ws_handle(struct workstream *s, const json_t *rec)
{
	const char *type = ndjson_type(rec);
	size_t i;
	int rc;

	if (!strcmp(type, "scenario_end"))
		return on_scenario_end(s, rec);
	rc = ws_forward(s);
	if (rc < 0)
		return rc;
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (!strcmp(type, handlers[i].type))
			return handlers[i].fn(s, rec);
	return 0;
}
