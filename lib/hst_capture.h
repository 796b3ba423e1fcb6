/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-state capture: walk every thread under the proc root and produce one
 * snapshot JSON object (the payload of a .hst.zst file, see hst_file.h; its
 * members are documented in ktstr-hst(1)) for a sink.
 *
 *   struct hst_capture_opts o = { paths_proc(), paths_sysfs(), paths_cgroup() };
 *   struct hst_sink sink = { write_fn, arg };      e.g. around hst_file_write()
 *   struct hst_capture_stats st;
 *   rc = hst_capture_run(&o, &sink, &st, &diag);
 *   0; -EINTR when the stop flag was raised; other -errno with the diag set
 *   (the proc root cannot be read, out of memory, the sink failed).
 *
 * A listing pass collects every (tgid, tid) first; then one or more workers
 * (one per 8 online CPUs by default, at most HST_CAPTURE_MAX_WORKERS) read
 * a contiguous slice of that list each with hst_reader_thread() (hst_thread.h
 * says what is read and how missing data stays null), and the slices are
 * joined in order: threads by tgid, then tid.  Worker 0 runs in the calling
 * thread and hands the document to the sink in 256 KiB pieces as it goes;
 * the other workers' slices (about 1.3 KiB of JSON per thread) wait in
 * memory until it is their turn.  Processes and threads that exit during the walk are counted as
 * vanished, not recorded.
 */
#ifndef KTSTR_HST_CAPTURE_H
#define KTSTR_HST_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hst_thread.h"

#define HST_CAPTURE_MAX_WORKERS 4

struct hst_capture_opts {
	const char *proc_root, *sysfs_root, *cgroup_root;
	size_t workers; /* 0: one per 8 online CPUs (see hst_capture.c) */
};

struct hst_sink {
	int (*write)(void *arg, const void *buf, size_t len, struct kt_diag *d);
	void *arg;
};

struct hst_capture_stats {
	size_t processes, threads;
	size_t vanished_processes, vanished_threads;
	size_t cgroups;
	size_t workers;
	size_t unreadable[HST_NFILES];	  /* threads whose file could not be read */
	int unreadable_errno[HST_NFILES]; /* the first reason, as a positive errno */
	uint64_t duration_ns;
};

int hst_capture_run(const struct hst_capture_opts *o, const struct hst_sink *sink,
		    struct hst_capture_stats *st, struct kt_diag *d);

#endif
