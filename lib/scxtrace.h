/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sched_ext debug dump, as the kernel traces it: when a BPF scheduler
 * fails, the kernel writes the state of every CPU and task into the exit
 * info (which the scheduler may print) and, line by line, into the
 * sched_ext_dump trace event.  This module catches the event in a tracefs
 * instance of its own, so it neither needs nor disturbs the global trace
 * buffer.
 *
 *   struct scxtrace t;
 *   scxtrace_open(&t);        0, or -errno when tracefs or the event is
 *                             missing (the dump then comes from the log)
 *   poll(t.fd, POLLIN) -> scxtrace_read(&t)   collects dump lines
 *   t.dump, t.len             the lines so far (NUL-terminated)
 *   scxtrace_close(&t);       disables the event, removes the instance
 *
 * tracefs is <sysfs root>/kernel/tracing (paths_sysfs()).
 */
#ifndef KTSTR_SCXTRACE_H
#define KTSTR_SCXTRACE_H

#include <stddef.h>

#define SCXTRACE_DUMP_MAX (64u << 10)

struct scxtrace {
	int fd;		      /* the instance's trace_pipe, -1 when closed */
	char dir[256];	      /* the instance directory; "" when none */
	char pending[4096];   /* a partial line */
	size_t pending_len;
	char *dump;	      /* owned: dump lines, NUL-terminated */
	size_t len;
	int truncated;
};

int scxtrace_open(struct scxtrace *t);
/* Read what is there; 0 or -errno. */
int scxtrace_read(struct scxtrace *t);
void scxtrace_close(struct scxtrace *t);

#endif
