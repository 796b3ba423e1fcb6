// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktime.h"
#include "plan.h"
#include "profile.h"
#include "runner.h"
#include "sig.h"
#include "timeline.h"

void runner_init(struct runner *r, const struct scenario_set *set, const struct runner_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->set = set;
	r->o = o;
	topo_init(&r->topo);
	ndjson_reader_init(&r->in, STDIN_FILENO);
	ndjson_writer_init(&r->out, stdout);
}

void runner_release(struct runner *r)
{
	free(r->items);
	topo_release(&r->topo);
	ndjson_reader_release(&r->in);
	r->items = NULL;
	r->n = 0;
}

static int add_item(struct runner *r, const struct scenario *s, unsigned mask)
{
	struct runner_item *nv = realloc(r->items, (r->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	r->items = nv;
	memset(&nv[r->n], 0, sizeof(nv[r->n]));
	nv[r->n].s = s;
	nv[r->n].mask = mask;
	profile_check(mask, s->requires, s->excludes, nv[r->n].why, sizeof(nv[r->n].why));
	r->n++;
	return 0;
}

static int add_profiles(struct runner *r, const struct scenario *s)
{
	unsigned masks[PROFILE_MAX];
	size_t n, i;
	int rc = 0;

	if (r->o->flags_given)
		return add_item(r, s, r->o->flags);
	n = profile_expand(s->requires, s->excludes, masks);
	for (i = 0; i < n && !rc; i++)
		rc = add_item(r, s, masks[i]);
	return rc;
}

/* --scenario NAME or NAME/PROFILE */
/* --filter (a substring of the name) and --category (exact) */
static bool wanted(const struct runner *r, const struct scenario *s)
{
	return (!r->o->filter || strstr(s->name, r->o->filter)) &&
	       (!r->o->category || !strcmp(s->category, r->o->category));
}

static int select_named(struct runner *r, const char *arg, struct kt_diag *d)
{
	char name[256], why[128];
	const char *slash = strchr(arg, '/');
	const struct scenario *s;
	const char *hint;
	unsigned mask;

	snprintf(name, sizeof(name), "%.*s", slash ? (int)(slash - arg) : (int)strlen(arg), arg);
	s = scenario_find(r->set, name);
	if (!s) {
		hint = scenario_suggest(r->set, name);
		return kt_diag_set(d, ENOENT, "--scenario: no scenario '%s'%s%s%s; 'ktstr-cgroup "
					      "list' shows them",
				   name, hint ? " (did you mean '" : "", hint ? hint : "",
				   hint ? "'?)" : "");
	}
	if (!wanted(r, s))
		return 0;
	if (!slash)
		return add_profiles(r, s);
	if (profile_from_name(slash + 1, &mask) < 0)
		return kt_diag_set(d, EINVAL, "--scenario: '%s' is not a profile name (flags %s "
					      "joined by '+' in that order, or 'default')",
				   slash + 1, profile_flag_list());
	if (profile_check(mask, s->requires, s->excludes, why, sizeof(why)) < 0)
		return kt_diag_set(d, EINVAL, "--scenario: profile '%s' does not fit '%s': %s",
				   slash + 1, s->name, why);
	return add_item(r, s, mask);
}

int runner_select(struct runner *r, struct kt_diag *d)
{
	const char *hint;
	size_t i;
	int rc = 0;

	for (i = 0; i < r->o->nnames && !rc; i++)
		rc = select_named(r, r->o->names[i], d);
	for (i = 0; !r->o->nnames && i < r->set->n && !rc; i++)
		if (wanted(r, &r->set->v[i]))
			rc = add_profiles(r, &r->set->v[i]);
	if (rc == -ENOMEM)
		return kt_diag_set(d, ENOMEM, "out of memory");
	if (rc < 0 || r->n)
		return rc;
	hint = r->o->filter ? scenario_suggest(r->set, r->o->filter) : NULL;
	return kt_diag_set(d, ENOENT, "no scenarios matched%s%s%s%s%s%s%s; 'ktstr-cgroup list' "
				      "shows them",
			   r->o->filter ? " filter '" : "", r->o->filter ? r->o->filter : "",
			   r->o->filter ? "'" : "", r->o->category ? " in category " : "",
			   r->o->category ? r->o->category : "", hint ? "; did you mean " : "",
			   hint ? hint : "");
}

/* Block until input or a signal; the input is non-blocking. */
static int wait_input(struct runner *r)
{
	struct pollfd pfd[2] = { { .fd = r->in.fd, .events = POLLIN },
				 { .fd = kt_signals_fd(), .events = POLLIN } };

	if (kt_stopping())
		return -EINTR;
	if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
		return -errno;
	return kt_stopping() ? -EINTR : 0;
}

int runner_read_topo(struct runner *r, struct kt_diag *d)
{
	json_t *rec;
	int rc;

	for (;;) {
		rc = ndjson_next(&r->in, &rec, d);
		if (rc == -EAGAIN) {
			if ((rc = wait_input(r)) < 0)
				return rc;
			continue;
		}
		if (rc == 0)
			return kt_diag_set(d, ENODATA, "no topo record on standard input; pipe "
						       "ktstr-topo into it");
		if (rc < 0)
			return rc == -EINTR ? -EINTR : -EBADMSG;
		if ((rc = ndjson_write_line(&r->out, &r->in)) < 0) {
			json_decref(rec);
			return rc;
		}
		if (!strcmp(ndjson_type(rec), "topo")) {
			rc = topo_from_json(&r->topo, rec, d);
			json_decref(rec);
			if (rc < 0)
				return -EBADMSG;
			r->have_topo = true;
			return 0;
		}
		json_decref(rec);
	}
}

int runner_check_topo(const struct runner *r, struct kt_diag *d)
{
	struct cpulist avail;
	char *have, *want;
	int rc = 0;

	cpulist_init(&avail);
	if (cgroup_available_cpus(&r->backend, &avail) == 0 &&
	    !cpulist_subset(&r->topo.cpus, &avail)) {
		have = cpulist_format(&avail);
		want = cpulist_format(&r->topo.cpus);
		rc = kt_diag_set(d, EINVAL, "the topo record has CPUs %s, the cgroups here offer %s; "
					    "pipe the host's ktstr-topo (without --topology) into a "
					    "real run, or use --dry-run",
				 want ? want : "?", have ? have : "?");
		free(have);
		free(want);
	}
	cpulist_release(&avail);
	return rc;
}

static json_t *flag_names(unsigned mask)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; a && i < PROFILE_NFLAGS; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_string(profile_flag_name(1u << i)));
	return a;
}

static json_t *base_record(const char *type, const struct runner_item *it, size_t index,
			   size_t total)
{
	char prof[PROFILE_NAME_MAX], name[320];
	json_t *rec = ndjson_record(type);

	profile_name(it->mask, prof, sizeof(prof));
	snprintf(name, sizeof(name), "%s/%s", it->s->name, prof);
	if (rec &&
	    json_object_update_new(rec, json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "name", name,
						  "scenario", it->s->name, "profile", prof,
						  "category", it->s->category, "index",
						  (json_int_t)index, "total", (json_int_t)total)) < 0) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

static int emit_skip(struct runner *r, const struct runner_item *it, size_t index,
		     const char *why)
{
	json_t *rec = base_record("skip", it, index, r->n);

	if (rec)
		json_object_set_new(rec, "reason", json_string(why));
	return ndjson_write_new(&r->out, rec);
}

static json_t *begin_record(struct runner *r, const struct runner_item *it, size_t index,
			    const struct plan *p, struct cgroup_tree *tree)
{
	json_t *rec = base_record("scenario_begin", it, index, r->n);
	const char *parent = tree ? cgroup_tree_parent(tree) : NULL;

	if (!rec)
		return NULL;
	json_object_set_new(rec, "flags", flag_names(it->mask));
	json_object_set_new(rec, "description", json_string(it->s->description));
	json_object_set_new(rec, "origin", json_string(it->s->origin));
	json_object_set_new(rec, "duration_ns",
			    json_integer((json_int_t)(r->o->duration_ms * KTIME_NS_PER_MS)));
	json_object_set_new(rec, "settle_ns",
			    json_integer((json_int_t)(r->o->settle_ms * KTIME_NS_PER_MS)));
	json_object_set_new(rec, "length_ns", json_integer((json_int_t)p->length_ns));
	json_object_set_new(rec, "workers", json_integer(r->o->workers));
	json_object_set_new(rec, "dry_run", json_boolean(!tree));
	json_object_set_new(rec, "cgroup_backend",
			    json_string(cgroup_kind_name(r->backend.kind)));
	json_object_set_new(rec, "parent", parent ? json_string(parent) : json_null());
	/* the CPUs the run may use: every cgroup's cpuset is inside them */
	json_object_set_new(rec, "cpus", cpulist_to_json(&r->topo.cpus));
	json_object_set(rec, "checks", p->checks);
	return rec;
}

/* A scenario that cannot be carried out is reported like one that failed. */
static int emit_error(struct runner *r, const struct runner_item *it, size_t index,
		      const struct plan *p, struct cgroup_tree *tree, const char *msg)
{
	json_t *b = begin_record(r, it, index, p, tree), *e = ndjson_record("scenario_end");
	int rc;

	r->errors++;
	kt_warnx("%s: %s", json_string_value(json_object_get(b, "name")), msg);
	if (e)
		json_object_update_new(e, json_pack("{s:O, s:I, s:s}", "name",
						    json_object_get(b, "name"), "elapsed_ns",
						    (json_int_t)0, "error", msg));
	rc = ndjson_write_new(&r->out, b);
	return rc < 0 ? (json_decref(e), rc) : ndjson_write_new(&r->out, e);
}

static void print_notes(const struct plan *p, bool first)
{
	const json_t *v;
	size_t i;

	json_array_foreach(p->notes, i, v)
		if (first)
			kt_warnx("%s", json_string_value(v));
}

static int one_run(struct runner *r, struct timeline *tl, struct cgroup_tree *tree,
		   const struct runner_item *it, size_t index, int64_t *group, struct kt_diag *d)
{
	struct plan_opts po = { r->o->duration_ms, r->o->settle_ms, r->o->workers,
				r->o->work_type, *group };
	bool first = index == 1 || it[-1].s != it->s;
	struct plan p;
	json_t *begin;
	struct kt_diag pd;
	char why[4300];
	int rc;

	if (it->why[0]) {
		snprintf(why, sizeof(why), "flag profile does not fit: %s", it->why);
		return emit_skip(r, it, index, why);
	}
	plan_init(&p);
	if (plan_build(it->s, &r->topo, &po, &p, &pd) < 0) {
		rc = emit_error(r, it, index, &p, tree, pd.msg);
		plan_release(&p);
		return rc;
	}
	print_notes(&p, first);
	*group = p.next_group;
	if (!p.skip && p.uses_cpuset && r->backend.kind == CGROUP_V2_NOCPUSET) {
		snprintf(why, sizeof(why), "needs the cpuset controller; the cgroup2 hierarchy at "
					   "'%s' has none",
			 r->backend.main);
		rc = emit_skip(r, it, index, why);
	} else if (p.skip) {
		rc = emit_skip(r, it, index, p.skip);
	} else if (tree && cgroup_tree_set_cpu_ctrl(tree, !(it->mask & PROFILE_NO_CTRL), &pd) < 0) {
		rc = emit_error(r, it, index, &p, tree, pd.msg);
	} else {
		begin = begin_record(r, it, index, &p, tree);
		rc = begin ? timeline_run(tl, begin, &p, d) : -ENOMEM;
		json_decref(begin);
	}
	plan_release(&p);
	return rc;
}

int runner_run(struct runner *r, struct cgroup_tree *tree, struct kt_diag *d)
{
	char main[8192], cpu[8192];
	struct timeline tl;
	int64_t group = 1;
	size_t i;
	int rc = 0;

	timeline_init(&tl, &r->out, r->in.eof ? NULL : &r->in, tree);
	if (!tree) {
		/* a dry run shows the paths a real run would use */
		snprintf(main, sizeof(main), "%s/%s", r->backend.main, r->o->parent);
		snprintf(cpu, sizeof(cpu), "%s/%s", r->backend.cpu, r->o->parent);
		timeline_set_dry_paths(&tl, r->backend.kind == CGROUP_NONE ? NULL : main,
				       r->backend.cpu[0] ? cpu : NULL);
	}
	for (i = 0; i < r->n && rc >= 0; i++) {
		rc = one_run(r, &tl, tree, &r->items[i], i + 1, &group, d);
		if (rc >= 0)
			rc = timeline_forward(&tl, 0, d);
		if (rc >= 0 && kt_stopping())
			rc = -EINTR;
	}
	/* pass on whatever else the input holds */
	while (rc >= 0 && tl.in) {
		rc = timeline_forward(&tl, 0, d);
		if (rc >= 0 && tl.in && (rc = wait_input(r)) == 0)
			continue;
	}
	timeline_release(&tl);
	return rc == -ENOMEM ? kt_diag_set(d, ENOMEM, "out of memory") : rc;
}
