/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One cgroup directory: its processes, waiting for it to empty, killing
 * what is left, moving tasks out.  Works on cgroup v1 and v2 directories;
 * "v2" selects the cgroup2 mechanisms (cgroup.events, cgroup.kill).
 *
 *   pid_t *pids; size_t n;
 *   cgdir_pids(dir, &pids, &n);               from cgroup.procs; caller frees
 *   cgdir_wait_empty(dir, v2, deadline_ns);   0 once empty, -ETIMEDOUT
 *   cgdir_kill(dir, v2, &killed);             SIGKILL every process in it
 *   cgdir_move_all(dir, to_procs, &moved);    write each pid to another cgroup.procs
 *
 * Waiting never sleeps for a fixed time: on v2 it watches cgroup.events
 * ("populated 0") with inotify (and reads it every CGDIR_POLL_MS when no
 * inotify instance is left); on v1, which has no such event, it polls
 * pidfds of the processes inside, which become readable when they exit.
 * A stop signal (lib/sig) shortens a wait to CGDIR_STOP_GRACE_MS from then,
 * so an interrupted tool still gives its consumers a moment to stop their
 * workers before it kills them.
 */
#ifndef KTSTR_CGDIR_H
#define KTSTR_CGDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CGDIR_STOP_GRACE_MS 1000
#define CGDIR_POLL_MS 5

int cgdir_pids(const char *dir, pid_t **pids, size_t *n);
int cgdir_is_empty(const char *dir, bool v2);
int cgdir_wait_empty(const char *dir, bool v2, uint64_t deadline_ns);
int cgdir_kill(const char *dir, bool v2, size_t *killed);
int cgdir_move_all(const char *dir, const char *to_procs, size_t *moved);

#endif
