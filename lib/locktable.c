// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "file.h"
#include "locktable.h"
#include "paths.h"

/* /proc/locks grows with every lock on the host; this is far beyond any real one. */
#define PROC_TABLE_MAX (64u << 20)

void locktable_init(struct locktable *lt)
{
	memset(lt, 0, sizeof(*lt));
}

void locktable_release(struct locktable *lt)
{
	size_t i;

	for (i = 0; i < lt->nmounts; i++)
		free(lt->mounts[i].dir);
	free(lt->mounts);
	free(lt->locks);
	locktable_init(lt);
}

void lockholders_init(struct lockholders *h)
{
	memset(h, 0, sizeof(*h));
}

void lockholders_release(struct lockholders *h)
{
	free(h->v);
	lockholders_init(h);
}

/*
 * One /proc/locks line: "1: FLOCK  ADVISORY  WRITE 1234 fe:00:408224 0 EOF".
 * Returns 1 and fills *l for a granted flock, 0 for any other line.
 */
static int parse_lock_line(char *line, struct locktable_lock *l)
{
	char *tok[6], *save = NULL;
	int n = 0, used = 0, pid;

	for (char *t = strtok_r(line, " \t", &save); t && n < 6; t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	if (n < 6 || strcmp(tok[1], "FLOCK"))
		return 0; /* waiters ("->"), POSIX, OFDLCK, LEASE, short lines */
	if (sscanf(tok[4], "%d%n", &pid, &used) != 1 || tok[4][used])
		return 0;
	if (sscanf(tok[5], "%x:%x:%llu%n", &l->dev_major, &l->dev_minor, &l->ino, &used) != 3 ||
	    tok[5][used])
		return 0;
	l->pid = pid;
	l->exclusive = !strcmp(tok[3], "WRITE");
	return 1;
}

static int load_locks(struct locktable *lt, const char *path)
{
	char *buf, *line, *save = NULL;
	struct locktable_lock l, *v;
	size_t len, cap = 0;
	int rc = file_read_alloc(path, PROC_TABLE_MAX, &buf, &len);

	if (rc < 0)
		return rc;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!parse_lock_line(line, &l))
			continue;
		if (lt->nlocks == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(lt->locks, cap * sizeof(*v));
			if (!v) {
				free(buf);
				return -ENOMEM;
			}
			lt->locks = v;
		}
		lt->locks[lt->nlocks++] = l;
	}
	free(buf);
	return 0;
}

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* "44 27 0:39 / /tmp/mnt rw,relatime - overlay ..." -> device and mount point. */
static int parse_mount_line(char *line, struct locktable_mount *m)
{
	char *tok[5], *save = NULL;
	int n = 0, used = 0;

	for (char *t = strtok_r(line, " ", &save); t && n < 5; t = strtok_r(NULL, " ", &save))
		tok[n++] = t;
	if (n < 5 || sscanf(tok[2], "%u:%u%n", &m->dev_major, &m->dev_minor, &used) != 2 ||
	    tok[2][used])
		return 0;
	unescape_octal(tok[4]);
	m->dir = strdup(tok[4]);
	return m->dir ? 1 : -ENOMEM;
}

static int load_mounts(struct locktable *lt, const char *path)
{
	char *buf, *line, *save = NULL;
	struct locktable_mount m, *v;
	size_t len, cap = 0;
	int rc = file_read_alloc(path, PROC_TABLE_MAX, &buf, &len);

	if (rc < 0)
		return rc;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		rc = parse_mount_line(line, &m);
		if (rc <= 0)
			continue;
		if (lt->nmounts == cap) {
			cap = cap ? cap * 2 : 32;
			v = realloc(lt->mounts, cap * sizeof(*v));
			if (!v) {
				free(m.dir);
				free(buf);
				return -ENOMEM;
			}
			lt->mounts = v;
		}
		lt->mounts[lt->nmounts++] = m;
	}
	free(buf);
	return rc == -ENOMEM ? rc : 0;
}

int locktable_load(struct locktable *lt, struct kt_diag *d)
{
	char path[PATH_MAX];
	int rc;

	locktable_release(lt);
	if (paths_fmt(path, sizeof(path), "%s/locks", paths_proc()) < 0)
		return kt_diag_set(d, ENAMETOOLONG, "KTSTR_PROC_ROOT is too long");
	rc = load_locks(lt, path);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot read '%s': %s", path, strerror(-rc));
	if (paths_fmt(path, sizeof(path), "%s/self/mountinfo", paths_proc()) == 0) {
		rc = load_mounts(lt, path);
		if (rc == -ENOMEM)
			return kt_diag_set(d, rc, "out of memory");
	}
	return 0;
}

/* Is dir a path-component prefix of path? "/" covers everything. */
static int covers(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return 1;
	return !strncmp(dir, path, n) && (path[n] == '/' || path[n] == '\0');
}

/* The mount a canonical path lives on: the longest covering mount point, the last if stacked. */
static const struct locktable_mount *mount_of(const struct locktable *lt, const char *path)
{
	const struct locktable_mount *best = NULL;
	size_t i;

	for (i = 0; i < lt->nmounts; i++)
		if (covers(lt->mounts[i].dir, path) &&
		    (!best || strlen(lt->mounts[i].dir) >= strlen(best->dir)))
			best = &lt->mounts[i];
	return best;
}

static int add_holder(struct lockholders *h, const struct locktable_lock *l)
{
	struct lockholder *v;
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->v[i].pid == l->pid) {
			h->v[i].exclusive |= l->exclusive;
			return 0;
		}
	v = realloc(h->v, (h->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	h->v = v;
	h->v[h->n++] = (struct lockholder){ .pid = l->pid, .exclusive = l->exclusive };
	return 0;
}

int locktable_holders(const struct locktable *lt, const char *path, struct lockholders *out)
{
	const struct locktable_mount *m = NULL;
	char canon[PATH_MAX];
	struct stat st;
	size_t i;
	int rc;

	lockholders_release(out);
	if (stat(path, &st) < 0)
		return -errno;
	if (realpath(path, canon))
		m = mount_of(lt, canon);
	for (i = 0; i < lt->nlocks; i++) {
		const struct locktable_lock *l = &lt->locks[i];
		int by_mount = m && l->dev_major == m->dev_major && l->dev_minor == m->dev_minor;
		int by_stat = l->dev_major == major(st.st_dev) && l->dev_minor == minor(st.st_dev);

		if (l->ino != (unsigned long long)st.st_ino || !(by_mount || by_stat))
			continue;
		rc = add_holder(out, l);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Copy raw bytes to buf for people: at most 100 characters, then an ellipsis. */
static void sanitize(const unsigned char *raw, size_t n, char *buf, size_t size)
{
	size_t i = 0, w = 0, chars = 0, seq;

	while (n > 0 && (raw[n - 1] == '\0' || raw[n - 1] == ' ' || raw[n - 1] == '\n'))
		n--;
	while (i < n) {
		seq = utf8_seq(raw + i, n - i);
		if (chars == 100 || w + (seq ? seq : 1) + sizeof("…") > size) {
			memcpy(buf + w, "…", sizeof("…"));
			return;
		}
		if (!seq || (seq == 1 && (raw[i] < 0x20 || raw[i] == 0x7f))) {
			buf[w++] = raw[i] == '\0' ? ' ' : '?';
			i++;
		} else {
			memcpy(buf + w, raw + i, seq);
			w += seq;
			i += seq;
		}
		chars++;
	}
	buf[w] = '\0';
}

static ssize_t read_head(const char *path, unsigned char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got < size && (n = read(fd, buf + got, size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		got += (size_t)n;
	}
	close(fd);
	return (ssize_t)got;
}

void locktable_cmdline(pid_t pid, char *buf, size_t size)
{
	unsigned char raw[1024];
	char path[PATH_MAX], comm[64];
	ssize_t n;

	if (pid > 0 && paths_fmt(path, sizeof(path), "%s/%d/cmdline", paths_proc(), (int)pid) == 0 &&
	    (n = read_head(path, raw, sizeof(raw))) > 0) {
		sanitize(raw, (size_t)n, buf, size);
		if (buf[0])
			return;
	}
	if (pid > 0 && paths_fmt(path, sizeof(path), "%s/%d/comm", paths_proc(), (int)pid) == 0 &&
	    (n = read_head(path, raw, 32)) > 0) {
		sanitize(raw, (size_t)n, comm, sizeof(comm));
		if (comm[0]) {
			snprintf(buf, size, "[%s]", comm);
			return;
		}
	}
	snprintf(buf, size, "<cmdline unavailable>");
}

void locktable_describe(const struct locktable *lt, const char *path, char *buf, size_t size)
{
	char cmd[LOCKTABLE_CMDLINE_MAX];
	struct lockholders h;
	size_t i, w = 0;
	int rc, n;

	lockholders_init(&h);
	rc = locktable_holders(lt, path, &h);
	if (rc < 0)
		snprintf(buf, size, "holder unknown (%s)", strerror(-rc));
	else if (!h.n)
		snprintf(buf, size, "no holder found");
	for (i = 0; rc == 0 && i < h.n; i++) {
		locktable_cmdline(h.v[i].pid, cmd, sizeof(cmd));
		/* keep room for the tail so the list never ends mid-entry */
		n = snprintf(buf + w, size - w, "%spid %d '%s' (%s)", i ? ", " : "", (int)h.v[i].pid,
			     cmd, h.v[i].exclusive ? "exclusive" : "shared");
		if (n < 0 || w + (size_t)n + 24 >= size) {
			snprintf(buf + w, size - w, "%sand %zu more", i ? ", " : "", h.n - i);
			break;
		}
		w += (size_t)n;
	}
	lockholders_release(&h);
}

void locktable_describe_now(const char *path, char *buf, size_t size)
{
	struct locktable lt;
	struct kt_diag d;

	locktable_init(&lt);
	if (locktable_load(&lt, &d) < 0)
		snprintf(buf, size, "holder unknown (%.300s)", d.msg);
	else
		locktable_describe(&lt, path, buf, size);
	locktable_release(&lt);
}
