// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hst_capture.h"
#include "hst_file.h"
#include "hst_host.h"
#include "hst_thread.h"
#include "jsonw.h"
#include "ktime.h"
#include "parse.h"
#include "sig.h"

#define STOP_CHECK_EVERY 64	  /* threads between looks at the stop flag */
#define FLUSH_BYTES (256u << 10) /* worker 0 hands the document on in pieces this big */

/* One thread to read: found by the listing pass, read by a worker. */
struct task_ref {
	uint32_t tgid, tid;
	int pcomm; /* index into plan.pcomms, -1 when unreadable */
};

struct plan {
	struct task_ref *t; /* owned */
	size_t n, cap;
	struct strtab pcomms;
	uint32_t *ids; /* owned; scratch for directory listings */
	size_t nids, capids;
	char dents[32768];
};

struct worker {
	pthread_t thread;
	const struct plan *plan;
	int procfd;
	size_t first, last; /* plan.t[first..last) */
	struct hst_reader *r;
	struct jsonw w;	  /* a top-level array of thread objects, for workers 1.. */
	struct jsonw *out; /* where this worker writes: w, or the document for worker 0 */
	const struct hst_sink *sink; /* worker 0 only: flush the document into it */
	struct kt_diag *d;
	size_t threads, vanished;
	int rc;
	bool sink_failed; /* the diag is set */
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The numeric entries of a directory, ascending, via getdents64 into a reused buffer. */
static int list_ids(struct plan *p, int dirfd)
{
	struct dirent64 *e;
	uint32_t *ids;
	ssize_t n, off;
	uint64_t v;

	p->nids = 0;
	while ((n = getdents64(dirfd, p->dents, sizeof(p->dents))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (off = 0; off < n; off += e->d_reclen) {
			e = (struct dirent64 *)(p->dents + off);
			if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
			    parse_u64(e->d_name, 1, UINT32_MAX, &v, NULL) < 0)
				continue;
			if (p->nids == p->capids) {
				size_t cap = p->capids ? p->capids * 2 : 512;

				if (!(ids = realloc(p->ids, cap * sizeof(*ids))))
					return -ENOMEM;
				p->ids = ids;
				p->capids = cap;
			}
			p->ids[p->nids++] = (uint32_t)v;
		}
	}
	if (p->nids)
		qsort(p->ids, p->nids, sizeof(*p->ids), cmp_u32);
	return 0;
}

static int plan_add(struct plan *p, uint32_t tgid, uint32_t tid, int pcomm)
{
	struct task_ref *t;

	if (p->n == p->cap) {
		t = realloc(p->t, (p->cap ? p->cap * 2 : 1024) * sizeof(*t));
		if (!t)
			return -ENOMEM;
		p->t = t;
		p->cap = p->cap ? p->cap * 2 : 1024;
	}
	p->t[p->n++] = (struct task_ref){ tgid, tid, pcomm };
	return 0;
}

/* The process's comm (its main thread's), interned; -1 when unreadable. */
static int read_pcomm(struct plan *p, int tgfd, struct procfs_buf *b)
{
	int n = procfs_read_at(tgfd, "comm", b);

	if (n <= 0)
		return -1;
	if (b->data[n - 1] == '\n')
		b->data[--n] = '\0';
	return strtab_add(&p->pcomms, b->data, (size_t)n); /* the index, or -ENOMEM */
}

/* Add one process's threads to the plan; a process that is gone adds none. */
static int plan_process(struct plan *p, int procfd, uint32_t tgid, struct procfs_buf *b,
			struct hst_capture_stats *st)
{
	int tgfd, taskfd = -1, pcomm, rc = 0;
	char name[16];
	size_t i, nids;

	snprintf(name, sizeof(name), "%u", tgid);
	tgfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tgfd >= 0)
		taskfd = openat(tgfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0 || list_ids(p, taskfd) < 0 || !p->nids) {
		st->vanished_processes++;
		goto out;
	}
	if ((pcomm = read_pcomm(p, tgfd, b)) == -ENOMEM) {
		rc = -ENOMEM;
		goto out;
	}
	nids = p->nids;
	for (i = 0; i < nids && rc == 0; i++)
		rc = plan_add(p, tgid, p->ids[i], pcomm);
	st->processes++;
out:
	if (taskfd >= 0)
		close(taskfd);
	if (tgfd >= 0)
		close(tgfd);
	return rc;
}

/* List every thread first, so the reading can be split evenly between workers. */
static int plan_build(struct plan *p, int procfd, struct hst_capture_stats *st,
		      struct kt_diag *d)
{
	struct procfs_buf b;
	uint32_t *tgids;
	size_t ntgids, i;
	int rc;

	if ((rc = list_ids(p, procfd)) < 0)
		return kt_diag_set(d, -rc, "cannot list the proc root: %s", strerror(-rc));
	/* list_ids() reuses p->ids for each process: keep the process list apart */
	tgids = p->ids;
	ntgids = p->nids;
	p->ids = NULL;
	p->nids = p->capids = 0;
	procfs_buf_init(&b);
	for (i = 0, rc = 0; i < ntgids && rc == 0; i++)
		rc = kt_stopping() ? -EINTR : plan_process(p, procfd, tgids[i], &b, st);
	procfs_buf_release(&b);
	free(tgids);
	if (rc == -ENOMEM)
		kt_diag_set(d, ENOMEM, "out of memory");
	return rc;
}

static void plan_release(struct plan *p)
{
	free(p->t);
	free(p->ids);
	strtab_release(&p->pcomms);
}

/* Worker 0 writes the document directly and passes it on as it grows: no copy, little memory. */
static int flush(struct worker *wk)
{
	int rc;

	if (!wk->sink || wk->out->len < FLUSH_BYTES || wk->out->err)
		return 0;
	rc = wk->sink->write(wk->sink->arg, wk->out->buf, wk->out->len, wk->d);
	jsonw_drain(wk->out);
	wk->sink_failed = rc < 0;
	return rc;
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct jsonw *w = wk->out;
	const struct task_ref *t;
	size_t i;
	int rc = 0;

	if (w == &wk->w)
		jsonw_arr(w, NULL);
	for (i = wk->first; i < wk->last && rc >= 0; i++) {
		if ((i - wk->first) % STOP_CHECK_EVERY == 0 && kt_stopping()) {
			rc = -EINTR;
			break;
		}
		t = &wk->plan->t[i];
		rc = hst_reader_thread(wk->r, wk->procfd, t->tgid, t->tid,
				       strtab_get(&wk->plan->pcomms, t->pcomm), w);
		if (rc > 0)
			wk->threads++;
		else if (rc == 0)
			wk->vanished++;
		if (rc >= 0)
			rc = flush(wk);
	}
	if (w == &wk->w)
		jsonw_end(w);
	wk->rc = rc < 0 ? rc : w->err;
	return NULL;
}

/*
 * How many workers: the caller's choice, else one per 8 online CPUs, at most
 * HST_CAPTURE_MAX_WORKERS, and none idle for want of threads.  Measured on 2
 * shared vCPUs with 2000 threads of one process: a second worker burned 25%
 * more CPU (the threads' files share one mm and sighand, whose cache lines
 * bounce) and finished later, while one worker kept pace with ps(1).  A
 * capture should also not take the CPUs of the workload it observes.
 */
static size_t worker_count(size_t want, size_t nthreads)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus > 0 ? (size_t)cpus / 8 : 1;

	if (want)
		n = want < nthreads ? want : nthreads;
	else
		while (n > 1 && nthreads / n < 256)
			n--;
	if (n > HST_CAPTURE_MAX_WORKERS)
		n = HST_CAPTURE_MAX_WORKERS;
	return n ? n : 1;
}

static void workers_release(struct worker *wks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		hst_reader_free(wks[i].r);
		jsonw_release(&wks[i].w);
	}
	free(wks);
}

/*
 * Split the plan into contiguous slices (so the output keeps its order) and
 * read them.  Worker 0, the calling thread, writes into doc, whose "threads"
 * array is open, and feeds the sink; the others fill their own arrays.
 */
static struct worker *run_workers(const struct plan *p, int procfd, size_t want,
				  const struct hst_cgroup_layout *layout, struct jsonw *doc,
				  const struct hst_sink *sink, struct kt_diag *d, size_t *nw)
{
	size_t n = worker_count(want, p->n), i, started;
	struct worker *wks = calloc(n, sizeof(*wks));
	long clk_tck = sysconf(_SC_CLK_TCK);

	if (!wks)
		return NULL;
	for (i = 0; i < n; i++) {
		wks[i] = (struct worker){ .plan = p, .procfd = procfd };
		wks[i].first = p->n * i / n;
		wks[i].last = p->n * (i + 1) / n;
		jsonw_init(&wks[i].w);
		wks[i].out = i ? &wks[i].w : doc;
		wks[i].sink = i ? NULL : sink;
		wks[i].d = d;
		if (!(wks[i].r = hst_reader_new(layout, clk_tck))) {
			workers_release(wks, i + 1);
			return NULL;
		}
	}
	/* the calling thread is worker 0; if a thread cannot start, its slice runs here */
	for (started = 1; started < n; started++)
		if (pthread_create(&wks[started].thread, NULL, work, &wks[started]) != 0)
			break;
	work(&wks[0]);
	for (i = started; i < n; i++)
		work(&wks[i]);
	for (i = 1; i < started; i++)
		pthread_join(wks[i].thread, NULL);
	*nw = n;
	return wks;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The workers' distinct cgroups, merged and sorted for stable output. */
static int merge_cgroups(struct worker *wks, size_t nw, struct strtab *all, const char ***sorted)
{
	size_t i, j, n;

	for (i = 0; i < nw; i++)
		for (j = 0; j < strtab_count(&wks[i].r->cgroups); j++) {
			const char *s = strtab_get(&wks[i].r->cgroups, (int)j);

			if (strtab_add(all, s, strlen(s)) < 0)
				return -ENOMEM;
		}
	n = strtab_count(all);
	if (!(*sorted = malloc((n ? n : 1) * sizeof(**sorted))))
		return -ENOMEM;
	for (i = 0; i < n; i++)
		(*sorted)[i] = strtab_get(all, (int)i);
	qsort(*sorted, n, sizeof(**sorted), cmp_strp);
	return 0;
}

static int write_cgroup_stats(struct jsonw *w, struct worker *wks, size_t nw,
			      const struct hst_cgroup_layout *layout, struct hst_capture_stats *st)
{
	struct strtab all;
	const char **keys = NULL, *colon;
	struct procfs_buf b;
	char hier[128];
	size_t i;
	int rc;

	strtab_init(&all);
	procfs_buf_init(&b);
	rc = merge_cgroups(wks, nw, &all, &keys);
	jsonw_arr(w, "cgroups");
	for (i = 0; rc == 0 && i < strtab_count(&all); i++) {
		colon = strchr(keys[i], ':');
		snprintf(hier, sizeof(hier), "%.*s", (int)(colon - keys[i]), keys[i]);
		hst_cgroup_write_stats(layout, w, hier, colon + 1, sysconf(_SC_CLK_TCK), &b);
	}
	jsonw_end(w);
	st->cgroups = strtab_count(&all);
	free(keys);
	procfs_buf_release(&b);
	strtab_release(&all);
	return rc;
}

static void write_counts(struct jsonw *w, const struct hst_capture_stats *st)
{
	int i;

	jsonw_obj(w, "counts");
	jsonw_int(w, "processes", (int64_t)st->processes);
	jsonw_int(w, "threads", (int64_t)st->threads);
	jsonw_int(w, "vanished_processes", (int64_t)st->vanished_processes);
	jsonw_int(w, "vanished_threads", (int64_t)st->vanished_threads);
	jsonw_int(w, "cgroups", (int64_t)st->cgroups);
	jsonw_int(w, "workers", (int64_t)st->workers);
	jsonw_obj(w, "unreadable");
	for (i = 0; i < HST_NFILES; i++)
		jsonw_int(w, hst_file_kind_name(i), (int64_t)st->unreadable[i]);
	jsonw_end(w);
	jsonw_end(w);
}

/* Join the other workers' pieces after worker 0's and add up what they counted. */
static int collect(struct jsonw *w, struct worker *wks, size_t nw, struct hst_capture_stats *st)
{
	size_t i;
	int k, rc = 0;

	for (i = 0; i < nw; i++) {
		if (wks[i].rc < 0 && !rc)
			rc = wks[i].rc;
		if (i)
			jsonw_splice(w, &wks[i].w);
		st->threads += wks[i].threads;
		st->vanished_threads += wks[i].vanished;
		for (k = 0; k < HST_NFILES; k++) {
			if (!st->unreadable[k])
				st->unreadable_errno[k] = wks[i].r->unreadable_errno[k];
			st->unreadable[k] += wks[i].r->unreadable[k];
		}
	}
	jsonw_end(w);
	st->workers = nw;
	return rc;
}

static int capture(const struct hst_capture_opts *o, struct jsonw *w, int procfd,
		   const struct hst_sink *sink, struct hst_capture_stats *st, struct kt_diag *d)
{
	struct hst_cgroup_layout layout;
	struct worker *wks = NULL;
	struct procfs_buf b;
	struct plan p;
	size_t nw = 0;
	int rc;

	memset(&p, 0, sizeof(p));
	strtab_init(&p.pcomms);
	procfs_buf_init(&b);
	hst_cgroup_layout_detect(&layout, o->cgroup_root);
	hst_host_write(w, o->proc_root, o->sysfs_root, &layout, &b);
	if ((rc = plan_build(&p, procfd, st, d)) < 0)
		goto out;
	jsonw_arr(w, "threads");
	if (!(wks = run_workers(&p, procfd, o->workers, &layout, w, sink, d, &nw))) {
		rc = kt_diag_set(d, ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = collect(w, wks, nw, st)) < 0 ||
	    (rc = write_cgroup_stats(w, wks, nw, &layout, st)) < 0) {
		/* a sink that failed has said why */
		if (rc != -EINTR && !wks[0].sink_failed)
			kt_diag_set(d, -rc, "cannot build the snapshot: %s", strerror(-rc));
		goto out;
	}
	write_counts(w, st);
out:
	if (wks)
		workers_release(wks, nw);
	procfs_buf_release(&b);
	plan_release(&p);
	return rc;
}

int hst_capture_run(const struct hst_capture_opts *o, const struct hst_sink *sink,
		    struct hst_capture_stats *st, struct kt_diag *d)
{
	uint64_t t0 = ktime_now_ns();
	struct jsonw w;
	int procfd, rc;

	memset(st, 0, sizeof(*st));
	procfd = open(o->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return kt_diag_set(d, errno, "cannot read '%s': %s; is it a proc file system "
					     "(KTSTR_PROC_ROOT)?",
				   o->proc_root, strerror(errno));
	jsonw_init(&w);
	jsonw_obj(&w, NULL);
	jsonw_str(&w, "format", HST_FILE_FORMAT, (size_t)-1);
	jsonw_int(&w, "version", HST_FILE_VERSION);
	jsonw_int(&w, "realtime_ns", (int64_t)ktime_real_ns());
	jsonw_int(&w, "monotonic_ns", (int64_t)t0);
	jsonw_str(&w, "proc_root", o->proc_root, (size_t)-1);
	rc = capture(o, &w, procfd, sink, st, d);
	close(procfd);
	if (rc == 0) {
		st->duration_ns = ktime_now_ns() - t0;
		jsonw_int(&w, "duration_ns", (int64_t)st->duration_ns);
		jsonw_end(&w);
		if (w.err)
			rc = kt_diag_set(d, -w.err, "cannot build the snapshot: %s",
					 strerror(-w.err));
		else
			rc = sink->write(sink->arg, w.buf, w.len, d);
	}
	jsonw_release(&w);
	return rc;
}
