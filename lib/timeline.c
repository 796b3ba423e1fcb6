// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"
#include "sig.h"
#include "timeline.h"

#define POLL_SLACK_NS (2 * KTIME_NS_PER_MS) /* the last stretch is slept, not polled */

struct run {
	struct timeline *tl;
	const struct plan *p;
	struct kt_diag *d;
	uint64_t base;	/* monotonic time of the scenario's time 0 */
	char err[640];	/* why the scenario failed, "" if it did not */
	int stop;	/* < 0: the whole run must stop (-EINTR, -EPIPE, -EBADMSG) */
};

void timeline_init(struct timeline *tl, struct ndjson_writer *out, struct ndjson_reader *in,
		   struct cgroup_tree *tree)
{
	memset(tl, 0, sizeof(*tl));
	tl->out = out;
	tl->in = in;
	tl->tree = tree;
	tl->drain_ms = CGROUP_DRAIN_MS;
	tl->live = json_array();
}

void timeline_release(struct timeline *tl)
{
	json_decref(tl->live);
	tl->live = NULL;
}

void timeline_set_dry_paths(struct timeline *tl, const char *main, const char *cpu)
{
	snprintf(tl->dry_parent[0], sizeof(tl->dry_parent[0]), "%s", main ? main : "");
	snprintf(tl->dry_parent[1], sizeof(tl->dry_parent[1]), "%s", cpu ? cpu : "");
}

/* ---- input -------------------------------------------------------------- */

static int input_error(struct timeline *tl, struct kt_diag *d)
{
	json_t *e = ndjson_error_record(d->msg, true);

	if (e && tl->in)
		json_object_set_new(e, "line", json_integer(tl->in->lineno));
	ndjson_write_new(tl->out, e);
	tl->in = NULL;
	return -EBADMSG;
}

/* Copy every complete input record to the output; stop at EAGAIN or EOF. */
static int pass_input(struct timeline *tl, struct kt_diag *d)
{
	json_t *rec;
	int rc;

	while (tl->in) {
		rc = ndjson_next(tl->in, &rec, d);
		if (rc == -EAGAIN)
			return 0;
		if (rc == 0) {
			tl->in = NULL; /* input ended; the run goes on */
			return 0;
		}
		if (rc < 0)
			return rc == -EINTR ? -EINTR : input_error(tl, d);
		json_decref(rec);
		if ((rc = ndjson_write_line(tl->out, tl->in)) < 0)
			return rc == -EPIPE ? -EPIPE : kt_diag_set(d, rc, "cannot write: %s",
								   strerror(-rc));
	}
	return 0;
}

/* Wait for deadline_ns, passing input through; -EINTR on a stop signal. */
static int wait_until(struct timeline *tl, uint64_t deadline_ns, struct kt_diag *d)
{
	struct pollfd pfd[2];
	uint64_t now;
	int n, rc;

	for (;;) {
		if (kt_stopping())
			return -EINTR;
		now = ktime_now_ns();
		if (now >= deadline_ns)
			return 0;
		if (deadline_ns - now <= POLL_SLACK_NS) {
			/* poll() has millisecond resolution: sleep the rest exactly */
			ktime_sleep_until_ns(deadline_ns);
			continue;
		}
		n = 0;
		if (tl->in)
			pfd[n++] = (struct pollfd){ .fd = tl->in->fd, .events = POLLIN };
		if (kt_signals_fd() >= 0)
			pfd[n++] = (struct pollfd){ .fd = kt_signals_fd(), .events = POLLIN };
		rc = poll(pfd, (nfds_t)n, (int)((deadline_ns - now - POLL_SLACK_NS) / KTIME_NS_PER_MS));
		if (rc > 0 && tl->in && pfd[0].revents && (rc = pass_input(tl, d)) < 0)
			return rc;
	}
}

int timeline_forward(struct timeline *tl, uint64_t deadline_ns, struct kt_diag *d)
{
	int rc = pass_input(tl, d);

	if (rc < 0 || !deadline_ns)
		return rc;
	return wait_until(tl, deadline_ns, d);
}

/* ---- records -------------------------------------------------------------- */

static json_t *record(struct run *r, const char *type, uint64_t at_ns)
{
	json_t *rec = ndjson_record(type);

	/* a dry run stamps each record with the time it would have had */
	if (rec && !r->tl->tree)
		json_object_set_new(rec, "t_ns", json_integer((json_int_t)(r->base + at_ns)));
	return rec;
}

static void emit(struct run *r, json_t *rec)
{
	int rc;

	if (!rec) {
		if (!r->stop)
			snprintf(r->err, sizeof(r->err), "out of memory");
		return;
	}
	rc = ndjson_write_new(r->tl->out, rec);
	if (rc < 0 && !r->stop)
		r->stop = rc == -EPIPE ? -EPIPE : kt_diag_set(r->d, rc, "cannot write: %s",
							      strerror(-rc));
}

/* The cgroup's directories: from the tree, or as they would be in a dry run. */
static json_t *paths_of(struct run *r, const char *name)
{
	json_t *info, *paths;
	char buf[8192];
	size_t h;

	if (!name)
		return json_array();
	if (r->tl->tree) {
		info = cgroup_info(r->tl->tree, name);
		paths = info ? json_incref(json_object_get(info, "paths")) : json_array();
		json_decref(info);
		return paths;
	}
	paths = json_array();
	for (h = 0; h < 2; h++)
		if (r->tl->dry_parent[h][0]) {
			snprintf(buf, sizeof(buf), "%s/%s", r->tl->dry_parent[h], name);
			json_array_append_new(paths, json_string(buf));
		}
	return paths;
}

static json_t *cpus_json(const struct plan_ev *e, const struct cpulist *l)
{
	return e->has_cpus ? cpulist_to_json(l) : json_null();
}

/* A cgroup record: op, name, then what cgroup_info says (or the plan, in a dry run). */
static json_t *cgroup_record(struct run *r, const struct plan_ev *e, const char *op)
{
	json_t *rec = record(r, "cgroup", e->at_ns), *info;

	if (!rec)
		return NULL;
	json_object_set_new(rec, "op", json_string(op));
	json_object_set_new(rec, "name", json_string(e->kind == PLAN_MOVE ? e->name2 : e->name));
	if (e->kind == PLAN_MOVE) {
		json_object_set_new(rec, "from", json_string(e->name));
		json_object_set_new(rec, "to", json_string(e->name2));
	}
	info = r->tl->tree ? cgroup_info(r->tl->tree, e->kind == PLAN_MOVE ? e->name2 : e->name)
			   : NULL;
	if (info) {
		json_object_update(rec, info);
		json_decref(info);
	} else {
		json_object_set_new(rec, "paths",
				    paths_of(r, e->kind == PLAN_MOVE ? e->name2 : e->name));
	}
	if (e->kind == PLAN_CREATE || e->kind == PLAN_CPUSET) {
		/* the plan says what was asked; cgroup_info may add what v1 wrote */
		json_object_set_new(rec, "cpus", cpus_json(e, &e->cpus));
		if (!info || !e->has_cpus)
			json_object_set_new(rec, "mems", cpus_json(e, &e->mems));
	}
	return rec;
}

/* ---- events ------------------------------------------------------------- */

static void fail(struct run *r, const char *what, const char *why)
{
	if (!r->err[0])
		snprintf(r->err, sizeof(r->err), "%s: %s", what, why);
}

static void note_rt(struct run *r, const struct plan_ev *e)
{
	json_t *info = cgroup_info(r->tl->tree, e->name);
	json_t *rt = json_object_get(info, "rt_runtime_us");

	if (rt && !json_integer_value(rt) && !r->tl->rt_warned) {
		kt_warnx("no real-time runtime could be granted to cgroup '%s' (cgroup v1 RT group "
			 "scheduling): its SCHED_FIFO/RR workers will run as SCHED_NORMAL; give "
			 "the cpu hierarchy's root cpu.rt_runtime_us to spare",
			 e->name);
		r->tl->rt_warned = true;
	}
	json_decref(info);
}

static void ev_create(struct run *r, const struct plan_ev *e)
{
	struct kt_diag d;

	if (r->tl->tree &&
	    cgroup_create(r->tl->tree, e->name, e->has_cpus ? &e->cpus : NULL, &e->mems, e->rt,
			  &d) < 0) {
		fail(r, "create", d.msg);
		return;
	}
	if (r->tl->tree && e->rt)
		note_rt(r, e);
	emit(r, cgroup_record(r, e, "create"));
}

static void ev_cpuset(struct run *r, const struct plan_ev *e)
{
	struct kt_diag d;

	if (r->tl->tree && cgroup_set_cpus(r->tl->tree, e->name, e->has_cpus ? &e->cpus : NULL,
					   &e->mems, &d) < 0) {
		fail(r, "cpuset", d.msg);
		return;
	}
	emit(r, cgroup_record(r, e, "cpuset"));
}

static void ev_move(struct run *r, const struct plan_ev *e)
{
	struct kt_diag d;
	size_t moved = 0;
	json_t *rec;

	if (r->tl->tree && cgroup_move_all(r->tl->tree, e->name, e->name2, &moved, &d) < 0) {
		fail(r, "move", d.msg);
		return;
	}
	rec = cgroup_record(r, e, "move");
	if (rec && r->tl->tree)
		json_object_set_new(rec, "moved", json_integer((json_int_t)moved));
	emit(r, rec);
}

static void ev_remove(struct run *r, const struct plan_ev *e)
{
	json_t *paths = paths_of(r, e->name), *rec;
	struct kt_diag d;
	size_t killed = 0;

	if (r->tl->tree &&
	    cgroup_remove(r->tl->tree, e->name, r->tl->drain_ms, &killed, &d) < 0) {
		json_decref(paths);
		fail(r, "remove", d.msg);
		return;
	}
	/* stamped after the removal: that is when it took effect */
	rec = record(r, "cgroup", e->at_ns);
	if (rec) {
		json_object_set_new(rec, "op", json_string("remove"));
		json_object_set_new(rec, "name", json_string(e->name));
		json_object_set(rec, "paths", paths);
		if (r->tl->tree)
			json_object_set_new(rec, "killed", json_integer((json_int_t)killed));
	}
	json_decref(paths);
	if (killed)
		kt_warnx("cgroup '%s' still held %zu tasks %u ms after its workers were told to "
			 "stop; killed them",
			 e->name, killed, r->tl->drain_ms);
	emit(r, rec);
}

static bool has_id(const json_t *ids, const json_t *id)
{
	const json_t *v;
	size_t i;

	json_array_foreach(ids, i, v)
		if (json_integer_value(v) == json_integer_value(id))
			return true;
	return false;
}

/* spawn, start, op, stop: the plan's members after type, t_ns (and paths for spawn). */
static void ev_record(struct run *r, const struct plan_ev *e)
{
	const char *type = e->kind == PLAN_SPAWN   ? "spawn"
			   : e->kind == PLAN_START ? "start"
			   : e->kind == PLAN_OP	   ? "op"
						   : "stop";
	json_t *rec = record(r, type, e->at_ns), *ids;
	size_t i;

	if (rec && e->kind == PLAN_SPAWN) {
		json_object_set(rec, "group", json_object_get(e->rec, "group"));
		json_object_set(rec, "cgroup", json_object_get(e->rec, "cgroup"));
		json_object_set_new(rec, "paths", paths_of(r, e->name));
	}
	if (rec)
		json_object_update(rec, e->rec);
	/* spawned groups are live until stopped, so an abort can stop them */
	if (e->kind == PLAN_SPAWN)
		json_array_append(r->tl->live, json_object_get(e->rec, "group"));
	ids = json_object_get(e->rec, "groups");
	for (i = 0; e->kind == PLAN_STOP && i < json_array_size(r->tl->live);)
		if (has_id(ids, json_array_get(r->tl->live, i)))
			json_array_remove(r->tl->live, i);
		else
			i++;
	emit(r, rec);
}

static void do_event(struct run *r, const struct plan_ev *e)
{
	switch (e->kind) {
	case PLAN_CREATE:
		ev_create(r, e);
		break;
	case PLAN_CPUSET:
		ev_cpuset(r, e);
		break;
	case PLAN_MOVE:
		ev_move(r, e);
		break;
	case PLAN_REMOVE:
		ev_remove(r, e);
		break;
	default:
		ev_record(r, e);
		break;
	}
}

/* After a failure: stop what runs, remove what exists. */
static void abort_scenario(struct run *r)
{
	struct kt_diag d;
	json_t *rec;

	if (json_array_size(r->tl->live) && r->stop != -EPIPE) {
		rec = record(r, "stop", r->p->length_ns);
		if (rec) {
			json_object_set(rec, "groups", r->tl->live);
			json_object_set_new(rec, "discard", json_false());
		}
		emit(r, rec);
	}
	json_array_clear(r->tl->live);
	/* downstream gone: its workers die with it, nothing to wait for */
	if (r->tl->tree &&
	    cgroup_remove_all(r->tl->tree, r->stop == -EPIPE ? 0 : r->tl->drain_ms, &d) < 0)
		fail(r, "cleanup", d.msg);
}

static void finish(struct run *r, const char *name, uint64_t end_at)
{
	json_t *rec;
	uint64_t now = ktime_now_ns();

	if (r->stop == -EPIPE)
		return;
	rec = record(r, "scenario_end", end_at);
	if (!rec)
		return;
	json_object_set_new(rec, "name", json_string(name));
	json_object_set_new(rec, "elapsed_ns",
			    json_integer((json_int_t)(r->tl->tree ? now - r->base : end_at)));
	json_object_set_new(rec, "error", r->err[0] ? json_string(r->err) : json_null());
	json_object_set_new(rec, "setup_ns", json_integer((json_int_t)r->tl->setup_ns));
	json_object_set_new(rec, "teardown_ns", json_integer((json_int_t)r->tl->teardown_ns));
	json_object_set_new(rec, "max_late_ns", json_integer((json_int_t)r->tl->max_late_ns));
	json_object_set_new(rec, "drain_wait_ns", json_integer((json_int_t)r->tl->drain_wait_ns));
	emit(r, rec);
}

int timeline_run(struct timeline *tl, json_t *begin, const struct plan *p, struct kt_diag *d)
{
	struct run r = { .tl = tl, .p = p, .d = d, .base = ktime_now_ns() };
	const char *name = json_string_value(json_object_get(begin, "name"));
	uint64_t now, due, final_stop = 0, waited = 0;
	size_t i;

	tl->setup_ns = tl->teardown_ns = tl->max_late_ns = tl->drain_wait_ns = 0;
	json_array_clear(tl->live);
	json_object_set_new(begin, "t_ns", json_integer((json_int_t)r.base));
	emit(&r, json_incref(begin));
	for (i = 0; i < p->n && !r.err[0] && !r.stop; i++) {
		due = r.base + p->ev[i].at_ns;
		if (tl->tree && (r.stop = wait_until(tl, due, d)) < 0)
			break;
		now = tl->tree ? ktime_now_ns() : due;
		/*
		 * Events at time 0 are setup, the final stop and removals teardown;
		 * the ones in between are the timeline, and they must be on time.
		 */
		if (p->ev[i].kind == PLAN_STOP && p->ev[i].at_ns == p->length_ns && !final_stop) {
			final_stop = now;
			waited = tl->tree ? cgroup_tree_waited_ns(tl->tree) : 0;
		}
		if (!final_stop && p->ev[i].at_ns && now > due && now - due > tl->max_late_ns)
			tl->max_late_ns = now - due;
		do_event(&r, &p->ev[i]);
		if (!p->ev[i].at_ns && tl->tree)
			tl->setup_ns = ktime_now_ns() - r.base;
		if (!r.stop && kt_stopping())
			r.stop = -EINTR;
	}
	if (r.err[0] || r.stop) {
		if (r.stop == -EINTR && !r.err[0])
			snprintf(r.err, sizeof(r.err), "interrupted by a signal");
		abort_scenario(&r);
	}
	if (final_stop && tl->tree) {
		tl->teardown_ns = ktime_now_ns() - final_stop;
		tl->drain_wait_ns = cgroup_tree_waited_ns(tl->tree) - waited;
	}
	finish(&r, name, p->length_ns);
	return r.stop;
}
