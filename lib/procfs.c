// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "procfs.h"

void procfs_buf_init(struct procfs_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void procfs_buf_release(struct procfs_buf *b)
{
	free(b->data);
	procfs_buf_init(b);
}

static int grow(struct procfs_buf *b)
{
	size_t cap = b->cap ? b->cap * 2 : 8192;
	char *p;

	if (b->cap >= PROCFS_MAX_FILE)
		return -EFBIG;
	if (cap > PROCFS_MAX_FILE)
		cap = PROCFS_MAX_FILE;
	p = realloc(b->data, cap + 1);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int procfs_read_at(int dirfd, const char *name, struct procfs_buf *b)
{
	int fd, rc = 0;
	ssize_t n;

	if (!b->cap && (rc = grow(b)) < 0)
		return rc;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	b->len = 0;
	/* A short read is the end: seq_file hands out all it has in one go. */
	for (;;) {
		n = read(fd, b->data + b->len, b->cap - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		b->len += (size_t)n;
		if (n == 0 || b->len < b->cap)
			break;
		if ((rc = grow(b)) < 0)
			break;
	}
	close(fd);
	if (rc < 0)
		return rc;
	b->data[b->len] = '\0';
	return (int)b->len;
}

static int64_t to_u64(const char *s)
{
	uint64_t v;

	return parse_u64(s, 0, INT64_MAX, &v, NULL) < 0 ? PROCFS_NONE : (int64_t)v;
}

static int64_t to_i64(const char *s)
{
	int64_t v;

	return parse_i64(s, INT64_MIN + 1, INT64_MAX, &v, NULL) < 0 ? PROCFS_NONE : v;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split the first line of s at whitespace, in place; returns the token count. */
static size_t split_words(char *s, char **tok, size_t max)
{
	size_t n = 0;

	while (*s && *s != '\n' && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '\n')
			break;
		tok[n++] = s;
		while (*s && !is_space(*s))
			s++;
		if (*s == '\n') {
			*s = '\0';
			break;
		}
		if (*s)
			*s++ = '\0';
	}
	return n;
}

/* Index in the token list after the comm: field f of proc(5) is token f - 3. */
#define STAT_TOKENS 50
#define F(n) ((n) - 3)

static int64_t stat_field(char **tok, size_t ntok, int field, int is_signed)
{
	size_t i = (size_t)F(field);

	if (i >= ntok)
		return PROCFS_NONE;
	return is_signed ? to_i64(tok[i]) : to_u64(tok[i]);
}

void procfs_parse_stat(char *buf, struct procfs_stat *st)
{
	char *open, *close, *tok[STAT_TOKENS];
	char *nl = strchr(buf, '\n');
	size_t ntok = 0;

	memset(st, 0, sizeof(*st));
	st->comm = NULL;
	/* comm may hold spaces and parentheses: it ends at the last ')' of the line. */
	if (nl)
		*nl = '\0';
	open = strchr(buf, '(');
	close = strrchr(buf, ')');
	if (open && close && close > open) {
		st->comm = open + 1;
		st->comm_len = (size_t)(close - open - 1);
		ntok = split_words(close + 1, tok, STAT_TOKENS);
	}
	st->state = ntok > 0 && tok[0][0] && !tok[0][1] ? tok[0][0] : 0;
	st->ppid = stat_field(tok, ntok, 4, 0);
	st->minflt = stat_field(tok, ntok, 10, 0);
	st->majflt = stat_field(tok, ntok, 12, 0);
	st->utime = stat_field(tok, ntok, 14, 0);
	st->stime = stat_field(tok, ntok, 15, 0);
	st->priority = stat_field(tok, ntok, 18, 1);
	st->nice = stat_field(tok, ntok, 19, 1);
	st->num_threads = stat_field(tok, ntok, 20, 0);
	st->starttime = stat_field(tok, ntok, 22, 0);
	st->processor = stat_field(tok, ntok, 39, 0);
	st->rt_priority = stat_field(tok, ntok, 40, 0);
	st->policy = stat_field(tok, ntok, 41, 0);
	if (st->nice != PROCFS_NONE && (st->nice < -20 || st->nice > 19))
		st->nice = PROCFS_NONE;
}

void procfs_parse_schedstat(char *buf, struct procfs_schedstat *ss)
{
	char *tok[4];
	size_t n = split_words(buf, tok, 4);

	/* Exactly three numbers, or the line is not what we think it is. */
	if (n != 3) {
		ss->run_ns = ss->wait_ns = ss->timeslices = PROCFS_NONE;
		return;
	}
	ss->run_ns = to_u64(tok[0]);
	ss->wait_ns = to_u64(tok[1]);
	ss->timeslices = to_u64(tok[2]);
}

/*
 * Next "key: value" line: both trimmed and NUL-terminated in place.  Returns
 * 0 at the end; a line without a colon comes back with *value NULL.  Runs
 * once per line of status and sched for every thread, so no strlen().
 */
static int next_kv(char **cur, char **key, char **value)
{
	char *line = *cur, *end, *colon, *k, *v, *e;

	if (!line || !*line)
		return 0;
	end = strchrnul(line, '\n');
	*cur = *end ? end + 1 : end;
	*end = '\0';
	colon = memchr(line, ':', (size_t)(end - line));
	*value = NULL;
	e = colon ? colon : end;
	for (k = line; k < e && is_space(*k); k++)
		;
	while (e > k && is_space(e[-1]))
		e--;
	*e = '\0';
	*key = k;
	if (colon) {
		for (v = colon + 1; v < end && is_space(*v); v++)
			;
		for (e = end; e > v && is_space(e[-1]); e--)
			;
		*e = '\0';
		*value = v;
	}
	return 1;
}

/*
 * The value of the line "key:\tvalue", trimmed: its start, and its end in
 * *end; NULL if there is no such line.  status has some 55 lines and we want
 * three: searching for them beats splitting every line, for every thread.
 */
static char *find_value(char *buf, const char *key, char **end)
{
	size_t n = strlen(key);
	char *p = buf, *v, *e;

	while ((p = strstr(p, key))) {
		if ((p == buf || p[-1] == '\n') && p[n] == ':')
			break;
		p += n;
	}
	if (!p)
		return NULL;
	for (v = p + n + 1; *v == ' ' || *v == '\t'; v++)
		;
	e = strchrnul(v, '\n');
	while (e > v && is_space(e[-1]))
		e--;
	*end = e;
	return v;
}

void procfs_parse_status(char *buf, struct procfs_status *st)
{
	static const char *const keys[3] = {
		"Cpus_allowed_list", "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches",
	};
	char *v[3], *e[3];
	int i;

	/* find all three before cutting any: a NUL would stop the next search */
	for (i = 0; i < 3; i++)
		v[i] = find_value(buf, keys[i], &e[i]);
	for (i = 0; i < 3; i++)
		if (v[i])
			*e[i] = '\0';
	st->cpus_allowed = v[0];
	st->voluntary_csw = v[1] ? to_u64(v[1]) : PROCFS_NONE;
	st->nonvoluntary_csw = v[2] ? to_u64(v[2]) : PROCFS_NONE;
}

void procfs_parse_io(char *buf, struct procfs_io *io)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "rchar", offsetof(struct procfs_io, rchar) },
		{ "wchar", offsetof(struct procfs_io, wchar) },
		{ "syscr", offsetof(struct procfs_io, syscr) },
		{ "syscw", offsetof(struct procfs_io, syscw) },
		{ "read_bytes", offsetof(struct procfs_io, read_bytes) },
		{ "write_bytes", offsetof(struct procfs_io, write_bytes) },
		{ "cancelled_write_bytes", offsetof(struct procfs_io, cancelled_write_bytes) },
	};
	char *cur = buf, *key, *val;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		*(int64_t *)((char *)io + keys[i].off) = PROCFS_NONE;
	while (next_kv(&cur, &key, &val)) {
		if (!val)
			continue;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(key, keys[i].key))
				*(int64_t *)((char *)io + keys[i].off) = to_u64(val);
	}
}

char *procfs_sched_begin(char *buf)
{
	/* The header line holds the comm, which may contain anything, ':' included. */
	char *nl = strchr(buf, '\n');

	return nl ? nl + 1 : buf + strlen(buf);
}

static int key_ok(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '.' || *k == '>' || *k == '-'))
			return 0;
	return 1;
}

/* "MSEC.NSEC" as the kernel's SPLIT_NS prints it: exactly six decimals. */
static int64_t split_ns(char *s)
{
	char *dot = strchr(s, '.');
	int neg = *s == '-';
	int64_t ms, ns;

	*dot = '\0';
	if (strlen(dot + 1) != 6)
		return PROCFS_NONE;
	ms = to_u64(s + neg);
	ns = to_u64(dot + 1);
	if (ms == PROCFS_NONE || ns == PROCFS_NONE || ms > (INT64_MAX - 999999) / 1000000)
		return PROCFS_NONE;
	ns += ms * 1000000;
	return neg ? -ns : ns;
}

int procfs_sched_next(char **cur, const char **key, int64_t *value)
{
	char *k, *v;

	while (next_kv(cur, &k, &v)) {
		if (!v || !key_ok(k))
			continue;
		*value = strchr(v, '.') ? split_ns(v) : to_i64(v);
		if (*value == PROCFS_NONE)
			continue;
		*key = k;
		return 1;
	}
	return 0;
}

int procfs_cgroup_next(char **cur, const char **controllers, const char **path)
{
	char *line, *nl, *c1, *c2;

	while (*cur && **cur) {
		line = *cur;
		nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
			*cur = nl + 1;
		} else {
			*cur = line + strlen(line);
		}
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		/* the path may itself contain ':'; it starts after the second one */
		if (!c2 || c1 == line || c2[1] != '/')
			continue;
		*c2 = '\0';
		*controllers = c1 + 1;
		*path = c2 + 1;
		return 1;
	}
	return 0;
}
