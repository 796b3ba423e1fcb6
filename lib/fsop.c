// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "fsop.h"
#include "ktime.h"

enum fsop_kind { FSOP_WRITE, FSOP_MKDIR, FSOP_RMDIR };

/*
 * Shared by the caller and the worker thread; whichever drops the last
 * reference frees it, so a caller that gave up never frees memory the
 * thread still uses.  Completion is signalled through an eventfd.
 */
struct fsop_req {
	enum fsop_kind kind;
	char *path;
	char *data;
	int rc;
	int efd;
	atomic_int refs;
};

static void req_put(struct fsop_req *r)
{
	if (atomic_fetch_sub(&r->refs, 1) != 1)
		return;
	if (r->efd >= 0)
		close(r->efd);
	free(r->path);
	free(r->data);
	free(r);
}

static void *worker(void *arg)
{
	struct fsop_req *r = arg;
	uint64_t one = 1;

	switch (r->kind) {
	case FSOP_WRITE:
		r->rc = file_write_str(r->path, r->data);
		break;
	case FSOP_MKDIR:
		r->rc = mkdir(r->path, 0755) < 0 ? -errno : 0;
		break;
	case FSOP_RMDIR:
		r->rc = rmdir(r->path) < 0 ? -errno : 0;
		break;
	}
	if (write(r->efd, &one, sizeof(one)) < 0) {
		/* cannot happen for a fresh eventfd; the caller then times out */
	}
	req_put(r);
	return NULL;
}

/* Wait for the eventfd, restarting after signals, until the deadline. */
static int wait_done(int efd, uint64_t deadline_ns)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t now;
	int rc;

	for (;;) {
		now = ktime_now_ns();
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		rc = poll(&pfd, 1, (int)((deadline_ns - now + 999999) / 1000000));
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
}

static int run(enum fsop_kind kind, const char *path, const char *data, unsigned timeout_ms)
{
	struct fsop_req *r = calloc(1, sizeof(*r));
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t tid;
	int rc;

	if (!r)
		return -ENOMEM;
	r->kind = kind;
	r->path = strdup(path);
	r->data = data ? strdup(data) : NULL;
	r->efd = eventfd(0, EFD_CLOEXEC);
	atomic_init(&r->refs, 2);
	if (!r->path || (data && !r->data) || r->efd < 0) {
		rc = r->efd < 0 ? -errno : -ENOMEM;
		atomic_store(&r->refs, 1);
		req_put(r);
		return rc;
	}
	/* signals belong to the main thread, whose handlers set the stop flag */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = -pthread_create(&tid, &attr, worker, r);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		atomic_store(&r->refs, 1);
		req_put(r);
		return rc;
	}
	rc = wait_done(r->efd, ktime_now_ns() + (uint64_t)timeout_ms * KTIME_NS_PER_MS);
	if (!rc)
		rc = r->rc;
	req_put(r);
	return rc;
}

int fsop_write(const char *path, const char *s, unsigned timeout_ms)
{
	return run(FSOP_WRITE, path, s, timeout_ms);
}

int fsop_mkdir(const char *path, unsigned timeout_ms)
{
	return run(FSOP_MKDIR, path, NULL, timeout_ms);
}

int fsop_rmdir(const char *path, unsigned timeout_ms)
{
	return run(FSOP_RMDIR, path, NULL, timeout_ms);
}
