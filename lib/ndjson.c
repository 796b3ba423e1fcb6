// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktime.h"
#include "ndjson.h"

void ndjson_reader_init(struct ndjson_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
}

void ndjson_reader_release(struct ndjson_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = r->start = r->cap = 0;
}

/* Make room for at least one more read without growing past the line limit. */
static int make_room(struct ndjson_reader *r)
{
	size_t want;
	char *p;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	if (r->len < r->cap)
		return 0;
	if (r->cap > NDJSON_MAX_LINE)
		return -E2BIG;
	want = r->cap ? r->cap * 2 : 65536;
	if (want > NDJSON_MAX_LINE + 1)
		want = NDJSON_MAX_LINE + 1;
	p = realloc(r->buf, want);
	if (!p)
		return -ENOMEM;
	r->buf = p;
	r->cap = want;
	return 0;
}

static int fill(struct ndjson_reader *r)
{
	ssize_t n;
	int rc = make_room(r);

	if (rc < 0)
		return rc;
	n = read(r->fd, r->buf + r->len, r->cap - r->len);
	if (n < 0)
		return -errno;
	if (n == 0)
		r->eof = true;
	r->len += (size_t)n;
	return 0;
}

static int parse_line(struct ndjson_reader *r, const char *line, size_t len, json_t **rec,
		      struct kt_diag *d)
{
	json_error_t jerr;
	json_t *v;

	if (memchr(line, '\0', len))
		return kt_diag_set(d, EBADMSG, "line %ld: NUL byte in record", r->lineno);
	v = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v)
		return kt_diag_set(d, EBADMSG, "line %ld: malformed JSON: %s", r->lineno,
				   jerr.text);
	if (!json_is_object(v) || !json_is_string(json_object_get(v, "type"))) {
		json_decref(v);
		return kt_diag_set(d, EBADMSG, "line %ld: record is not an object with a string \"type\"",
				   r->lineno);
	}
	*rec = v;
	return 1;
}

static bool blank(const char *p, size_t len)
{
	while (len && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++, len--;
	return len == 0;
}

int ndjson_next(struct ndjson_reader *r, json_t **rec, struct kt_diag *d)
{
	char *line, *nl;
	size_t len;
	int rc;

	*rec = NULL;
	for (;;) {
		line = r->buf + r->start;
		nl = r->len > r->start ? memchr(line, '\n', r->len - r->start) : NULL;
		if (nl) {
			len = (size_t)(nl - line);
			r->line_off = r->start;
			r->line_len = len + 1;
			r->start += len + 1;
			r->lineno++;
			if (len > NDJSON_MAX_LINE)
				return kt_diag_set(d, E2BIG, "line %ld: longer than %u bytes",
						   r->lineno, NDJSON_MAX_LINE);
			if (blank(line, len))
				continue;
			return parse_line(r, line, len, rec, d);
		}
		if (r->eof) {
			if (r->len == r->start)
				return 0;
			r->lineno++;
			r->start = r->len;
			return kt_diag_set(d, EBADMSG,
					   "line %ld: truncated record (input ended without a newline)",
					   r->lineno);
		}
		if (r->len - r->start > NDJSON_MAX_LINE)
			return kt_diag_set(d, E2BIG, "line %ld: longer than %u bytes",
					   r->lineno + 1, NDJSON_MAX_LINE);
		rc = fill(r);
		if (rc == -EINTR)
			return kt_diag_set(d, EINTR, "interrupted");
		if (rc == -EAGAIN)
			return -EAGAIN;
		if (rc < 0)
			return kt_diag_set(d, rc, "line %ld: read error: %s", r->lineno + 1,
					   strerror(-rc));
	}
}

void ndjson_writer_init(struct ndjson_writer *w, FILE *f)
{
	struct stat st;

	w->f = f;
	w->flush_each = fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode);
}

static int finish(struct ndjson_writer *w)
{
	if (w->flush_each && fflush(w->f) != 0)
		return -errno;
	if (ferror(w->f))
		return errno ? -errno : -EIO;
	return 0;
}

int ndjson_write(struct ndjson_writer *w, const json_t *rec)
{
	char *s = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(12));
	int rc;

	if (!s)
		return -ENOMEM;
	errno = 0;
	rc = fputs(s, w->f) < 0 || fputc('\n', w->f) < 0 ? (errno ? -errno : -EIO) : 0;
	free(s);
	return rc ? rc : finish(w);
}

int ndjson_write_new(struct ndjson_writer *w, json_t *rec)
{
	int rc = rec ? ndjson_write(w, rec) : -ENOMEM;

	json_decref(rec);
	return rc;
}

int ndjson_write_line(struct ndjson_writer *w, const struct ndjson_reader *r)
{
	errno = 0;
	if (fwrite(r->buf + r->line_off, 1, r->line_len, w->f) != r->line_len)
		return errno ? -errno : -EIO;
	return finish(w);
}

const char *ndjson_type(const json_t *rec)
{
	const char *t = json_string_value(json_object_get(rec, "type"));

	return t ? t : "";
}

json_t *ndjson_record(const char *type)
{
	return json_pack("{s:s, s:I}", "type", type, "t_ns", (json_int_t)ktime_now_ns());
}

json_t *ndjson_error_record(const char *msg, bool fatal)
{
	json_t *rec = ndjson_record("error");

	if (rec && json_object_update_new(rec, json_pack("{s:s, s:s, s:b}", "tool", kt_progname(),
							 "message", msg, "fatal", fatal)) < 0) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}
