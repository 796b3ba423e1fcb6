/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Readers for the per-process files of procfs that workers measure
 * themselves with.  Each takes the file's path, so tests can point it at a
 * fixture; callers build it from paths_proc(): "<proc>/self/schedstat".
 *
 *   struct procstat_sched s;
 *   procstat_schedstat_read(path, &s);      /proc/<pid>/schedstat: on-CPU time,
 *                                           run-queue wait, times put on a CPU
 *   uint64_t pages[64] = {0};
 *   procstat_numa_pages_read(path, pages, 64);
 *                                           /proc/<pid>/numa_maps: N<node>=<pages>
 *                                           summed over every mapping
 */
#ifndef KTSTR_PROCSTAT_H
#define KTSTR_PROCSTAT_H

#include <stddef.h>
#include <stdint.h>

struct procstat_sched {
	uint64_t cpu_ns;       /* time on a CPU */
	uint64_t run_delay_ns; /* time runnable but waiting for a CPU */
	uint64_t timeslices;   /* times it was put on a CPU */
};

int procstat_schedstat_parse(const char *s, struct procstat_sched *out);
int procstat_schedstat_read(const char *path, struct procstat_sched *out);

/* Add each "N<node>=<pages>" token of one numa_maps line to pages[node]. */
void procstat_numa_line(const char *line, uint64_t *pages, unsigned max_nodes);
/* pages[] is added to, not cleared; nodes >= max_nodes are ignored. */
int procstat_numa_pages_read(const char *path, uint64_t *pages, unsigned max_nodes);

#endif
