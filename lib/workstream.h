/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr-work's main loop: records in, records out, workers in between.
 *
 *   struct workstream s;
 *   workstream_init(&s, pool, in_fd, stdout, act);   in_fd -1: no input
 *   workstream_first_topo(&s, &topo, &diag);         optional, before run
 *   workstream_emit(&s, json_pack(...));             our own records
 *   rc = workstream_run(&s, deadline_ns);            a KT_EXIT_* code
 *   or workstream_stop_all(&s, "stop");               instead of run: a spawn failed
 *   workstream_release(&s);
 *
 * The loop polls the input, the signal self-pipe and the pool's child-exit
 * descriptor, so it reacts to a record, a signal or a dying worker within
 * milliseconds.  Every input record is copied to the output unchanged and
 * in order.  With act set (stream mode) it also carries out spawn, start,
 * op, stop, scenario_begin/scenario_end and cgroup moves (ktstr-ndjson(5));
 * records it emits because of a record follow that record, except at
 * scenario_end, whose worker records come before it.
 *
 * The loop ends, after stopping and reporting every worker, when:
 *   the deadline passes (deadline_ns != 0)   -> "duration", 0 or 1
 *   the input ends and act is set            -> "eof", 0 or 1
 *   SIGINT/SIGTERM/SIGHUP                    -> "signal", 130
 * and, killing the workers without reports, when the input is malformed or
 * a record cannot be carried out (error record, exit 2) or the output is
 * gone (130; 3 for other write errors).  1 means a reported worker did not
 * complete.
 */
#ifndef KTSTR_WORKSTREAM_H
#define KTSTR_WORKSTREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"
#include "ndjson.h"
#include "topo.h"
#include "workpool.h"

struct workstream {
	struct workpool *pool; /* borrowed */
	struct ndjson_reader rd;
	struct ndjson_writer w;
	int in_fd;
	int in_flags; /* restored at release */
	bool act;
	char *scenario; /* owned: the open scenario_begin's name */
	int incomplete; /* reported workers with completed false */
	int write_err;	/* first output error, -errno */
};

void workstream_init(struct workstream *s, struct workpool *pool, int in_fd, FILE *out,
		     bool act);
void workstream_release(struct workstream *s);
/*
 * Read the first input record, forwarding it: 1 if it was a topo record
 * (loaded into t), 0 if not or at end of input, -EINTR if a stop signal
 * came while it waited, other < 0 with a message for a malformed one.
 * It blocks until a record or the end comes: call it only when the
 * topology is needed.
 */
int workstream_first_topo(struct workstream *s, struct topo *t, struct kt_diag *d);
/* Write a record we made (the reference is stolen); 0 or -errno. */
int workstream_emit(struct workstream *s, json_t *rec);
int workstream_run(struct workstream *s, uint64_t deadline_ns);
/*
 * Stop and report every worker now, without running the loop (a standalone
 * spawn that failed still reports its workers); the number of reported
 * workers that did not complete, or -errno from the output.
 */
int workstream_stop_all(struct workstream *s, const char *reason);

#endif
