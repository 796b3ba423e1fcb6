/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Readers for per-task procfs files (/proc/<tgid>/task/<tid>/<file>), split
 * into one read step and pure parsers, so fixtures and unit tests can drive
 * every parser with bytes of their choosing.
 *
 *   struct procfs_buf b;
 *   procfs_buf_init(&b);
 *   n = procfs_read_at(tid_dirfd, "stat", &b);    length, or -errno
 *   procfs_parse_stat(b.data, &st);                 in place: b.data is cut up
 *   ...
 *   procfs_buf_release(&b);
 *
 * procfs_read_at() needs one read(2) per file in the common case: the buffer
 * keeps the largest size seen, and only a read that fills it reads on.
 *
 * Parsers never fail as a whole: a field they cannot parse (missing, not a
 * number, out of range) is PROCFS_NONE, which callers write as null.  Real
 * zeros stay zeros.  Numbers go through lib/parse.
 */
#ifndef KTSTR_PROCFS_H
#define KTSTR_PROCFS_H

#include <stddef.h>
#include <stdint.h>

/* "no value": counters are never negative and nice never reaches this. */
#define PROCFS_NONE INT64_MIN
/* A procfs file larger than this is refused (-EFBIG), never cut silently. */
#define PROCFS_MAX_FILE (1u << 20)

struct procfs_buf {
	char *data; /* owned; NUL-terminated after a successful read */
	size_t len;
	size_t cap;
};

void procfs_buf_init(struct procfs_buf *b);
void procfs_buf_release(struct procfs_buf *b);
/* Read dirfd/name whole into b; returns the length or -errno. */
int procfs_read_at(int dirfd, const char *name, struct procfs_buf *b);

/* /proc/<pid>/stat.  Field numbers are proc(5)'s; times are in clock ticks. */
struct procfs_stat {
	const char *comm; /* into the buffer, between '(' and the last ')'; NULL if unparsable */
	size_t comm_len;
	char state;	  /* 'R', 'S', ...; 0 if unknown */
	int64_t ppid;	  /* 4 */
	int64_t minflt;	  /* 10 */
	int64_t majflt;	  /* 12 */
	int64_t utime;	  /* 14, ticks */
	int64_t stime;	  /* 15, ticks */
	int64_t priority; /* 18 */
	int64_t nice;	  /* 19 */
	int64_t num_threads; /* 20 */
	int64_t starttime;   /* 22, ticks after boot */
	int64_t processor;   /* 39, CPU last run on */
	int64_t rt_priority; /* 40 */
	int64_t policy;	     /* 41 */
};

void procfs_parse_stat(char *buf, struct procfs_stat *st);

/* /proc/<pid>/schedstat: "<run ns> <wait ns> <timeslices>". */
struct procfs_schedstat {
	int64_t run_ns, wait_ns, timeslices;
};

void procfs_parse_schedstat(char *buf, struct procfs_schedstat *ss);

/* /proc/<pid>/status: the lines ktstr-hst needs. */
struct procfs_status {
	int64_t voluntary_csw, nonvoluntary_csw;
	const char *cpus_allowed; /* into the buffer: the Cpus_allowed_list value, or NULL */
};

void procfs_parse_status(char *buf, struct procfs_status *st);

/* /proc/<pid>/io, in the kernel's names and units (bytes and counts). */
struct procfs_io {
	int64_t rchar, wchar, syscr, syscw, read_bytes, write_bytes, cancelled_write_bytes;
};

void procfs_parse_io(char *buf, struct procfs_io *io);

/*
 * /proc/<pid>/sched: "key : value" lines after a header line.  Each call
 * returns 1 and the next numeric entry, 0 at the end.  Values the kernel
 * prints as MSEC.NSEC (six decimals: sum_exec_runtime, wait_sum, ...) come
 * back as integer nanoseconds, exactly; integers as they are.  Lines with
 * any other value are skipped, as are keys outside [A-Za-z0-9_.>-].
 *
 *   char *cur = procfs_sched_begin(buf);
 *   while (procfs_sched_next(&cur, &key, &value)) ...
 */
char *procfs_sched_begin(char *buf);
int procfs_sched_next(char **cur, const char **key, int64_t *value);

/*
 * /proc/<pid>/cgroup: "<id>:<controllers>:<path>" lines.  Returns 1 with the
 * controller list ("" for cgroup2, "cpu,cpuacct", "name=systemd") and path,
 * 0 at the end; malformed lines are skipped.
 */
int procfs_cgroup_next(char **cur, const char **controllers, const char **path);

#endif
