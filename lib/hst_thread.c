// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hst_thread.h"

static const char *const file_names[HST_NFILES] = {
	"stat", "schedstat", "status", "io", "sched", "cgroup",
};

const char *hst_file_kind_name(enum hst_file_kind k)
{
	return k < HST_NFILES ? file_names[k] : "?";
}

struct hst_reader *hst_reader_new(const struct hst_cgroup_layout *layout, long clk_tck)
{
	struct hst_reader *r = calloc(1, sizeof(*r));
	int i;

	if (!r)
		return NULL;
	r->layout = layout;
	r->ns_per_tick = clk_tck > 0 && clk_tck <= 1000000000 ? 1000000000 / clk_tck : 10000000;
	for (i = 0; i < HST_NFILES; i++)
		procfs_buf_init(&r->buf[i]);
	strtab_init(&r->cgroups);
	cpulist_init(&r->cpus);
	return r;
}

void hst_reader_free(struct hst_reader *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < HST_NFILES; i++)
		procfs_buf_release(&r->buf[i]);
	strtab_release(&r->cgroups);
	cpulist_release(&r->cpus);
	free(r);
}

/* O(1): bumping the generation empties every slot (a memset per map showed in profiles). */
static void keyset_clear(struct hst_keyset *ks)
{
	if (++ks->gen == 0) {
		memset(ks->slot, 0, sizeof(ks->slot));
		ks->gen = 1;
	}
	ks->n = 0;
}

/* 1 if key is new (and now remembered), 0 if seen before or the set is full. */
static int keyset_add(struct hst_keyset *ks, const char *key)
{
	uint64_t h = 14695981039346656037ull;
	size_t i, mask = HST_MAX_KEYS * 2 - 1;
	const char *p;

	for (p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	for (i = h & mask; ks->slot[i].gen == ks->gen; i = (i + 1) & mask)
		if (ks->slot[i].h == h && !strcmp(ks->slot[i].k, key))
			return 0;
	if (ks->n >= HST_MAX_KEYS)
		return 0;
	ks->slot[i].h = h;
	ks->slot[i].k = key;
	ks->slot[i].gen = ks->gen;
	ks->n++;
	return 1;
}

static const char *policy_name(int64_t p, char *tmp, size_t size)
{
	static const char *const names[] = {
		"SCHED_OTHER", "SCHED_FIFO",	 "SCHED_RR", "SCHED_BATCH",
		NULL,	       "SCHED_IDLE",	 "SCHED_DEADLINE", "SCHED_EXT",
	};

	if (p == PROCFS_NONE)
		return NULL;
	if (p >= 0 && p < (int64_t)(sizeof(names) / sizeof(names[0])) && names[p])
		return names[p];
	snprintf(tmp, size, "SCHED_UNKNOWN(%lld)", (long long)p);
	return tmp;
}

static int64_t ticks_ns(const struct hst_reader *r, int64_t ticks)
{
	if (ticks == PROCFS_NONE || ticks > INT64_MAX / r->ns_per_tick)
		return PROCFS_NONE;
	return ticks * r->ns_per_tick;
}

static void num(struct jsonw *w, const char *key, int64_t v)
{
	jsonw_int_or_null(w, key, v, PROCFS_NONE);
}

static void write_stat(struct hst_reader *r, struct jsonw *w, const struct procfs_stat *s, int ok)
{
	static const struct procfs_stat none = {
		.comm = NULL,		  .ppid = PROCFS_NONE,	      .minflt = PROCFS_NONE,
		.majflt = PROCFS_NONE,	  .utime = PROCFS_NONE,	      .stime = PROCFS_NONE,
		.priority = PROCFS_NONE,  .nice = PROCFS_NONE,	      .num_threads = PROCFS_NONE,
		.starttime = PROCFS_NONE, .processor = PROCFS_NONE,   .rt_priority = PROCFS_NONE,
		.policy = PROCFS_NONE,
	};
	char tmp[40], state[2];

	if (!ok)
		s = &none;
	state[0] = s->state;
	state[1] = '\0';
	jsonw_str(w, "comm", s->comm, s->comm_len);
	jsonw_str(w, "state", state[0] ? state : NULL, 1);
	num(w, "ppid", s->ppid);
	num(w, "num_threads", s->num_threads);
	num(w, "start_time_ns", ticks_ns(r, s->starttime));
	jsonw_str(w, "policy", policy_name(s->policy, tmp, sizeof(tmp)), (size_t)-1);
	num(w, "rt_priority", s->rt_priority);
	num(w, "priority", s->priority);
	num(w, "nice", s->nice);
	num(w, "last_cpu", s->processor);
	num(w, "utime_ns", ticks_ns(r, s->utime));
	num(w, "stime_ns", ticks_ns(r, s->stime));
	num(w, "minflt", s->minflt);
	num(w, "majflt", s->majflt);
}

static void write_schedstat_status(struct hst_reader *r, struct jsonw *w, int ok_schedstat,
				   int ok_status)
{
	struct procfs_schedstat ss = { PROCFS_NONE, PROCFS_NONE, PROCFS_NONE };
	struct procfs_status st = { PROCFS_NONE, PROCFS_NONE, NULL };

	if (ok_schedstat)
		procfs_parse_schedstat(r->buf[HST_F_SCHEDSTAT].data, &ss);
	if (ok_status)
		procfs_parse_status(r->buf[HST_F_STATUS].data, &st);
	num(w, "run_time_ns", ss.run_ns);
	num(w, "wait_time_ns", ss.wait_ns);
	num(w, "timeslices", ss.timeslices);
	num(w, "voluntary_csw", st.voluntary_csw);
	num(w, "nonvoluntary_csw", st.nonvoluntary_csw);
	/* the kernel's list syntax, checked: a garbled list is null, not a guess */
	if (st.cpus_allowed && cpulist_parse(&r->cpus, st.cpus_allowed, CPULIST_STRICT, NULL) < 0)
		st.cpus_allowed = NULL;
	jsonw_str(w, "cpus_allowed", st.cpus_allowed, (size_t)-1);
}

static void write_io(struct hst_reader *r, struct jsonw *w, int ok)
{
	struct procfs_io io;

	if (ok) {
		procfs_parse_io(r->buf[HST_F_IO].data, &io);
	} else {
		io.rchar = io.wchar = io.syscr = io.syscw = PROCFS_NONE;
		io.read_bytes = io.write_bytes = io.cancelled_write_bytes = PROCFS_NONE;
	}
	num(w, "rchar", io.rchar);
	num(w, "wchar", io.wchar);
	num(w, "syscr", io.syscr);
	num(w, "syscw", io.syscw);
	num(w, "read_bytes", io.read_bytes);
	num(w, "write_bytes", io.write_bytes);
	num(w, "cancelled_write_bytes", io.cancelled_write_bytes);
}

static void write_sched(struct hst_reader *r, struct jsonw *w, int ok)
{
	const char *key;
	int64_t v;
	char *cur;

	if (!ok) {
		jsonw_null(w, "sched");
		return;
	}
	keyset_clear(&r->keys);
	jsonw_obj(w, "sched");
	cur = procfs_sched_begin(r->buf[HST_F_SCHED].data);
	while (procfs_sched_next(&cur, &key, &v))
		if (keyset_add(&r->keys, key))
			jsonw_int(w, key, v);
	jsonw_end(w);
}

/* Remember a (hierarchy, path) whose counters go into "cgroups" at the end. */
static int note_cgroup(struct hst_reader *r, const char *hier, const char *path)
{
	char key[PATH_MAX + 128];
	int n = snprintf(key, sizeof(key), "%s:%s", hier, path);

	if (n < 0 || (size_t)n >= sizeof(key))
		return 0; /* absurdly long: no counters for it */
	return strtab_add(&r->cgroups, key, (size_t)n) < 0 ? -ENOMEM : 0;
}

static int write_cgroups(struct hst_reader *r, struct jsonw *w, int ok)
{
	const char *ctrl, *path, *hier, *primary = NULL;
	char *cur;
	int rc = 0;

	if (!ok) {
		jsonw_null(w, "cgroups");
		jsonw_null(w, "cgroup");
		return 0;
	}
	keyset_clear(&r->keys);
	jsonw_obj(w, "cgroups");
	cur = r->buf[HST_F_CGROUP].data;
	while (procfs_cgroup_next(&cur, &ctrl, &path)) {
		hier = hst_cgroup_hierarchy(ctrl);
		if (!keyset_add(&r->keys, hier))
			continue;
		jsonw_str(w, hier, path, (size_t)-1);
		if (!primary && hst_cgroup_is_primary(r->layout, ctrl))
			primary = path;
		if (hst_cgroup_has_stats(ctrl) && (rc = note_cgroup(r, hier, path)) < 0)
			break;
	}
	jsonw_end(w);
	jsonw_str(w, "cgroup", primary, (size_t)-1);
	return rc;
}

static int gone(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/* Read the thread's files; 1 if the thread is still there, 0 if it has exited. */
static int read_thread(struct hst_reader *r, int tidfd, int *ok)
{
	int i, rc;

	for (i = 0; i < HST_NFILES; i++) {
		rc = procfs_read_at(tidfd, file_names[i], &r->buf[i]);
		ok[i] = rc >= 0;
		if (ok[i])
			continue;
		/* no stat: the task is gone; another file missing may just be a kernel option */
		if (gone(rc) && (i == HST_F_STAT || faccessat(tidfd, "stat", F_OK, 0) < 0))
			return 0;
		if (!r->unreadable[i]++)
			r->unreadable_errno[i] = -rc;
	}
	return 1;
}

int hst_reader_thread(struct hst_reader *r, int procfd, uint32_t tgid, uint32_t tid,
		      const char *pcomm, struct jsonw *w)
{
	struct procfs_stat s;
	int ok[HST_NFILES], tidfd, rc;
	char name[48];

	snprintf(name, sizeof(name), "%u/task/%u", tgid, tid);
	tidfd = openat(procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (tidfd < 0)
		return 0;
	rc = read_thread(r, tidfd, ok);
	close(tidfd);
	if (!rc)
		return 0;
	if (ok[HST_F_STAT])
		procfs_parse_stat(r->buf[HST_F_STAT].data, &s);
	jsonw_obj(w, NULL);
	jsonw_int(w, "tgid", tgid);
	jsonw_int(w, "tid", tid);
	jsonw_str(w, "pcomm", pcomm, (size_t)-1);
	write_stat(r, w, &s, ok[HST_F_STAT]);
	write_schedstat_status(r, w, ok[HST_F_SCHEDSTAT], ok[HST_F_STATUS]);
	write_io(r, w, ok[HST_F_IO]);
	rc = write_cgroups(r, w, ok[HST_F_CGROUP]);
	write_sched(r, w, ok[HST_F_SCHED]);
	jsonw_end(w);
	return rc < 0 ? rc : 1;
}
