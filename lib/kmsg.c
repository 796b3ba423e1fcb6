// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmsg.h"
#include "paths.h"

int kmsg_open(struct kmsg *k)
{
	char path[512];
	struct stat st;
	int rc;

	memset(k, 0, sizeof(*k));
	k->fd = -1;
	if ((rc = paths_fmt(path, sizeof(path), "%s/kmsg", paths_dev())) < 0)
		return rc;
	k->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	/* the device starts at the oldest record; a FIFO or file of test records has no end yet */
	if (fstat(k->fd, &st) == 0 && S_ISCHR(st.st_mode))
		lseek(k->fd, 0, SEEK_END);
	return 0;
}

void kmsg_close(struct kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

int kmsg_parse(char *line, struct kmsg_rec *rec)
{
	char *text = strchr(line, ';'), *end;
	unsigned long long v[3];
	char *p = line;
	int i;

	if (!text)
		return -EINVAL;
	for (i = 0; i < 3; i++) {
		errno = 0;
		v[i] = strtoull(p, &end, 10);
		if (errno || end == p || *end != ',')
			return -EINVAL;
		p = end + 1;
	}
	/* the level field also carries the facility: level = prival & 7 */
	rec->level = (int)(v[0] & 7);
	rec->seq = v[1];
	rec->usec = v[2];
	rec->text = text + 1;
	return 0;
}

/* Take one complete line out of the buffer into k->line; 1 if there was one. */
static int take_line(struct kmsg *k)
{
	char *nl = memchr(k->buf, '\n', k->len);
	size_t n;

	if (!nl)
		return 0;
	n = (size_t)(nl - k->buf);
	if (n >= sizeof(k->line))
		n = sizeof(k->line) - 1;
	memcpy(k->line, k->buf, n);
	k->line[n] = '\0';
	k->len -= (size_t)(nl - k->buf) + 1;
	memmove(k->buf, nl + 1, k->len);
	return 1;
}

static int fill(struct kmsg *k)
{
	ssize_t n;

	if (k->len == sizeof(k->buf))
		k->len = 0; /* a line longer than the buffer: drop it rather than stall */
	for (;;) {
		n = read(k->fd, k->buf + k->len, sizeof(k->buf) - k->len);
		if (n > 0) {
			k->len += (size_t)n;
			return 1;
		}
		if (n == 0) {
			k->eof = 1;
			return 0;
		}
		if (errno == EPIPE) { /* overwritten before we read it: go on with the next */
			k->lost++;
			continue;
		}
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	}
}

int kmsg_next(struct kmsg *k, struct kmsg_rec *rec)
{
	int rc;

	for (;;) {
		while (take_line(k))
			if (k->line[0] != ' ' && kmsg_parse(k->line, rec) == 0)
				return 1;
		if (k->fd < 0 || k->eof)
			return 0;
		if ((rc = fill(k)) <= 0)
			return rc;
	}
}
