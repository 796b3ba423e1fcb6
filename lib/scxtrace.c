// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "paths.h"
#include "scxtrace.h"

#define EVENT "events/sched_ext/sched_ext_dump/enable"
#define TAG "sched_ext_dump: "

static int enable(const struct scxtrace *t, const char *on)
{
	char path[512];
	int rc = paths_fmt(path, sizeof(path), "%s/%s", t->dir, EVENT);

	return rc < 0 ? rc : file_write_str(path, on);
}

int scxtrace_open(struct scxtrace *t)
{
	char path[512];
	int rc;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (paths_fmt(t->dir, sizeof(t->dir), "%s/kernel/tracing/instances/ktstr-sched-%d",
		      paths_sysfs(), (int)getpid()) < 0)
		return -ENAMETOOLONG;
	if (mkdir(t->dir, 0700) < 0) {
		rc = -errno;
		t->dir[0] = '\0';
		return rc;
	}
	if ((rc = enable(t, "1")) < 0 ||
	    (rc = paths_fmt(path, sizeof(path), "%s/trace_pipe", t->dir)) < 0)
		goto fail;
	t->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		rc = -errno;
		goto fail;
	}
	return 0;
fail:
	scxtrace_close(t);
	return rc;
}

static void add_line(struct scxtrace *t, const char *line, size_t n)
{
	const char *p = memmem(line, n, TAG, sizeof(TAG) - 1);
	char *grown;

	if (!p)
		return;
	p += sizeof(TAG) - 1;
	n -= (size_t)(p - line);
	if (t->len + n + 2 > SCXTRACE_DUMP_MAX) {
		t->truncated = 1;
		return;
	}
	if (!(grown = realloc(t->dump, t->len + n + 2)))
		return;
	t->dump = grown;
	memcpy(t->dump + t->len, p, n);
	t->len += n;
	t->dump[t->len++] = '\n';
	t->dump[t->len] = '\0';
}

int scxtrace_read(struct scxtrace *t)
{
	char buf[8192], *nl, *p;
	ssize_t n;
	size_t k;

	while (t->fd >= 0) {
		n = read(t->fd, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (n == 0)
			return 0;
		for (p = buf; p < buf + n; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(buf + n - p));
			k = nl ? (size_t)(nl - p) : (size_t)(buf + n - p);
			if (t->pending_len + k > sizeof(t->pending))
				t->pending_len = 0; /* an absurd line: drop it */
			memcpy(t->pending + t->pending_len, p, k);
			t->pending_len += k;
			if (!nl)
				break;
			add_line(t, t->pending, t->pending_len);
			t->pending_len = 0;
		}
	}
	return 0;
}

void scxtrace_close(struct scxtrace *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->dir[0]) {
		enable(t, "0");
		if (rmdir(t->dir) < 0 && errno != ENOENT) {
			/* an instance with readers left cannot go yet; nothing else to do */
		}
		t->dir[0] = '\0';
	}
	free(t->dump);
	t->dump = NULL;
	t->len = 0;
}
