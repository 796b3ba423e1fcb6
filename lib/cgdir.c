// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgdir.h"
#include "file.h"
#include "fsop.h"
#include "ktime.h"
#include "parse.h"
#include "paths.h"
#include "sig.h"

#define PROCS_MAX (16u << 20)
#define MAX_PIDFDS 256	/* per poll round; more processes just take more rounds */
#define BUSY_RETRIES 3

int cgdir_pids(const char *dir, pid_t **pids, size_t *n)
{
	char path[PATH_MAX], *buf, *line, *save = NULL;
	pid_t *v = NULL, *nv;
	size_t cnt = 0, cap = 0;
	int rc, pid;

	*pids = NULL;
	*n = 0;
	if ((rc = paths_fmt(path, sizeof(path), "%s/cgroup.procs", dir)) < 0)
		return rc;
	if ((rc = file_read_alloc(path, PROCS_MAX, &buf, NULL)) < 0)
		return rc;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (parse_int(line, 1, INT_MAX, &pid, NULL) < 0)
			continue; /* not a pid: nothing we could act on */
		if (cnt == cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				free(buf);
				return -ENOMEM;
			}
			v = nv;
		}
		v[cnt++] = pid;
	}
	free(buf);
	*pids = v;
	*n = cnt;
	return 0;
}

/* 1 when cgroup.events says "populated 0", 0 when populated, < 0 on error. */
static int events_empty(const char *dir)
{
	char path[PATH_MAX], buf[256], *p;
	int rc;

	if ((rc = paths_fmt(path, sizeof(path), "%s/cgroup.events", dir)) < 0)
		return rc;
	if ((rc = file_read_str(path, buf, sizeof(buf))) < 0)
		return rc;
	p = strstr(buf, "populated ");
	if (!p)
		return -EINVAL;
	return p[10] == '0';
}

int cgdir_is_empty(const char *dir, bool v2)
{
	pid_t *pids;
	size_t n;
	int rc;

	if (v2 && (rc = events_empty(dir)) != -ENOENT)
		return rc;
	if ((rc = cgdir_pids(dir, &pids, &n)) < 0)
		return rc;
	free(pids);
	return n == 0;
}

/* A stop signal moves the deadline up to a short grace period, once. */
static uint64_t effective_deadline(uint64_t deadline_ns, uint64_t *stop_seen_ns)
{
	uint64_t grace;

	if (!kt_stopping())
		return deadline_ns;
	if (!*stop_seen_ns)
		*stop_seen_ns = ktime_now_ns();
	grace = *stop_seen_ns + CGDIR_STOP_GRACE_MS * KTIME_NS_PER_MS;
	return grace < deadline_ns ? grace : deadline_ns;
}

static int ms_until(uint64_t deadline_ns)
{
	uint64_t now = ktime_now_ns();

	if (now >= deadline_ns)
		return 0;
	return (int)((deadline_ns - now + 999999) / KTIME_NS_PER_MS);
}

static int wait_v2(const char *dir, uint64_t deadline_ns)
{
	struct pollfd pfd[2];
	char path[PATH_MAX], ev[4096];
	uint64_t stop_seen = 0;
	int fd, rc, ms;

	if ((rc = paths_fmt(path, sizeof(path), "%s/cgroup.events", dir)) < 0)
		return rc;
	/* without a watch (inotify instances used up) we look every few ms instead */
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd >= 0 && inotify_add_watch(fd, path, IN_MODIFY) < 0) {
		close(fd);
		fd = -1;
	}
	pfd[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = kt_signals_fd(), .events = POLLIN };
	/* check after arming the watch, so a change in between is not lost */
	while ((rc = events_empty(dir)) == 0) {
		ms = ms_until(effective_deadline(deadline_ns, &stop_seen));
		if (!ms) {
			rc = -ETIMEDOUT;
			break;
		}
		if (fd < 0 && ms > CGDIR_POLL_MS)
			ms = CGDIR_POLL_MS;
		/* once the stop flag is up the signal pipe stays readable: stop polling it */
		if (poll(pfd, kt_stopping() || pfd[1].fd < 0 ? 1 : 2, ms) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		while (fd >= 0 && read(fd, ev, sizeof(ev)) > 0)
			;
	}
	if (fd >= 0)
		close(fd);
	return rc < 0 ? rc : 0;
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* One round: poll the processes' pidfds until one exits or the time is up. */
static int wait_v1_round(const pid_t *pids, size_t n, int ms)
{
	struct pollfd pfd[MAX_PIDFDS + 1];
	size_t i, k = 0;
	int rc;

	for (i = 0; i < n && k < MAX_PIDFDS; i++) {
		int fd = pidfd_open_(pids[i]);

		if (fd < 0 && errno == ESRCH)
			goto out; /* already gone: look again at once */
		if (fd < 0 && errno == ENOSYS) {
			usleep(5000); /* kernels before 5.3: a short sleep, then look again */
			goto out;
		}
		if (fd >= 0)
			pfd[k++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	if (!kt_stopping() && kt_signals_fd() >= 0)
		pfd[k++] = (struct pollfd){ .fd = kt_signals_fd(), .events = POLLIN };
	rc = poll(pfd, k, ms);
	if (rc < 0 && errno != EINTR)
		rc = -errno;
	for (i = 0; i < k; i++)
		if (pfd[i].fd != kt_signals_fd())
			close(pfd[i].fd);
	return rc < 0 ? rc : 0;
out:
	for (i = 0; i < k; i++)
		close(pfd[i].fd);
	return 0;
}

static int wait_v1(const char *dir, uint64_t deadline_ns)
{
	uint64_t stop_seen = 0;
	pid_t *pids;
	size_t n;
	int rc, ms;

	for (;;) {
		if ((rc = cgdir_pids(dir, &pids, &n)) < 0)
			return rc;
		if (!n)
			return 0;
		ms = ms_until(effective_deadline(deadline_ns, &stop_seen));
		rc = ms ? wait_v1_round(pids, n, ms) : -ETIMEDOUT;
		free(pids);
		if (rc < 0)
			return rc;
	}
}

int cgdir_wait_empty(const char *dir, bool v2, uint64_t deadline_ns)
{
	char path[PATH_MAX];

	if (v2 && paths_fmt(path, sizeof(path), "%s/cgroup.events", dir) == 0 &&
	    file_exists(path))
		return wait_v2(dir, deadline_ns);
	return wait_v1(dir, deadline_ns);
}

static int kill_pids(const char *dir, size_t *killed)
{
	pid_t *pids;
	size_t n, i;
	int rc, fd;

	if ((rc = cgdir_pids(dir, &pids, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		/* through a pidfd, so a recycled pid is never hit */
		fd = pidfd_open_(pids[i]);
		if (fd >= 0) {
			if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == 0)
				(*killed)++;
			close(fd);
		} else if (errno == ENOSYS && kill(pids[i], SIGKILL) == 0) {
			(*killed)++;
		}
	}
	free(pids);
	return 0;
}

int cgdir_kill(const char *dir, bool v2, size_t *killed)
{
	char path[PATH_MAX];
	pid_t *pids;
	size_t n;
	int rc;

	*killed = 0;
	if (v2 && paths_fmt(path, sizeof(path), "%s/cgroup.kill", dir) == 0 && file_exists(path)) {
		if ((rc = cgdir_pids(dir, &pids, &n)) < 0)
			return rc;
		free(pids);
		if (!n)
			return 0;
		rc = fsop_write(path, "1", FSOP_TIMEOUT_MS);
		if (rc == 0)
			*killed = n;
		return rc;
	}
	return kill_pids(dir, killed);
}

static int move_one(const char *to_procs, pid_t pid)
{
	char s[16];
	int rc, tries;

	snprintf(s, sizeof(s), "%d", (int)pid);
	for (tries = 0;; tries++) {
		rc = fsop_write(to_procs, s, FSOP_TIMEOUT_MS);
		/* a sched_ext scheduler may refuse a migration for a moment */
		if (rc != -EBUSY || tries == BUSY_RETRIES)
			break;
		usleep(10000);
	}
	return rc == -ESRCH ? 0 : rc;
}

int cgdir_move_all(const char *dir, const char *to_procs, size_t *moved)
{
	pid_t *pids;
	size_t n, i;
	int rc, pass;

	*moved = 0;
	/* a forking process can add members while we move: look again, a few times */
	for (pass = 0; pass < 3; pass++) {
		if ((rc = cgdir_pids(dir, &pids, &n)) < 0)
			return rc;
		for (i = 0; i < n && rc == 0; i++) {
			rc = move_one(to_procs, pids[i]);
			if (rc == 0)
				(*moved)++;
		}
		free(pids);
		if (rc < 0 || n == 0)
			return rc;
	}
	return 0;
}
