// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

void jsonw_init(struct jsonw *w)
{
	memset(w, 0, sizeof(*w));
}

void jsonw_release(struct jsonw *w)
{
	free(w->buf);
	jsonw_init(w);
}

void jsonw_drain(struct jsonw *w)
{
	w->len = 0;
}

static int reserve(struct jsonw *w, size_t more)
{
	size_t cap = w->cap ? w->cap : 65536;
	char *p;

	if (w->err)
		return w->err;
	if (w->len + more <= w->cap)
		return 0;
	while (cap < w->len + more)
		cap *= 2;
	p = realloc(w->buf, cap);
	if (!p)
		return w->err = -ENOMEM;
	w->buf = p;
	w->cap = cap;
	return 0;
}

static void put(struct jsonw *w, const char *s, size_t n)
{
	if (reserve(w, n) < 0)
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put_escaped(struct jsonw *w, const char *s, size_t n);

/* Comma and key before a value; checks that keys are where they belong. */
static void prefix(struct jsonw *w, const char *key)
{
	int d = w->depth;

	if (w->err)
		return;
	if (d > 0 && (key != NULL) != w->is_obj[d - 1]) {
		w->err = -EINVAL;
		return;
	}
	if (d > 0 && !w->first[d - 1])
		put(w, ",", 1);
	if (d > 0)
		w->first[d - 1] = false;
	if (key) {
		put_escaped(w, key, strlen(key));
		put(w, ":", 1);
	}
}

static void open_level(struct jsonw *w, const char *key, bool obj)
{
	prefix(w, key);
	if (w->err)
		return;
	if (w->depth >= JSONW_MAX_DEPTH) {
		w->err = -EINVAL;
		return;
	}
	w->first[w->depth] = true;
	w->is_obj[w->depth] = obj;
	w->depth++;
	put(w, obj ? "{" : "[", 1);
}

void jsonw_obj(struct jsonw *w, const char *key)
{
	open_level(w, key, true);
}

void jsonw_arr(struct jsonw *w, const char *key)
{
	open_level(w, key, false);
}

void jsonw_end(struct jsonw *w)
{
	if (w->err)
		return;
	if (w->depth == 0) {
		w->err = -EINVAL;
		return;
	}
	w->depth--;
	put(w, w->is_obj[w->depth] ? "}" : "]", 1);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	/* the second byte's range rules out overlong forms, surrogates and > U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Printable ASCII that JSON takes as it is. */
static int plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void put_escaped(struct jsonw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, k;
	char esc[8];

	/* worst case: every byte becomes "\\xHH" (7 bytes), plus the quotes */
	if (reserve(w, n * 7 + 2) < 0)
		return;
	w->buf[w->len++] = '"';
	while (i < n) {
		/* plain ASCII needs no escape: copy it in one go */
		for (k = i; k < n && plain(p[k]); k++)
			;
		memcpy(w->buf + w->len, p + i, k - i);
		w->len += k - i;
		i = k;
		if (i == n)
			break;
		run = utf8_len(p + i, n - i);
		if (run > 1 || (run == 1 && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')) {
			for (k = 0; k < run; k++)
				w->buf[w->len++] = (char)p[i + k];
			i += run;
			continue;
		}
		if (run == 0) {
			esc[0] = '\\', esc[1] = '\\', esc[2] = 'x';
			esc[3] = hex[p[i] >> 4], esc[4] = hex[p[i] & 15];
			k = 5;
		} else if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\', esc[1] = (char)p[i];
			k = 2;
		} else if (p[i] == '\n') {
			esc[0] = '\\', esc[1] = 'n';
			k = 2;
		} else if (p[i] == '\t') {
			esc[0] = '\\', esc[1] = 't';
			k = 2;
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4], esc[5] = hex[p[i] & 15];
			k = 6;
		}
		memcpy(w->buf + w->len, esc, k);
		w->len += k;
		i++;
	}
	w->buf[w->len++] = '"';
}

void jsonw_str(struct jsonw *w, const char *key, const char *s, size_t len)
{
	if (!s) {
		jsonw_null(w, key);
		return;
	}
	prefix(w, key);
	if (!w->err)
		put_escaped(w, s, len == (size_t)-1 ? strlen(s) : len);
}

void jsonw_int(struct jsonw *w, const char *key, int64_t v)
{
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	prefix(w, key);
	/* by hand: snprintf per value shows up in a 2000-thread capture */
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(e - p));
}

void jsonw_int_or_null(struct jsonw *w, const char *key, int64_t v, int64_t null_value)
{
	if (v == null_value)
		jsonw_null(w, key);
	else
		jsonw_int(w, key, v);
}

void jsonw_null(struct jsonw *w, const char *key)
{
	prefix(w, key);
	put(w, "null", 4);
}

void jsonw_splice(struct jsonw *w, const struct jsonw *part)
{
	if (part->err && !w->err)
		w->err = part->err;
	if (w->err)
		return;
	if (part->depth || part->len < 2 || part->buf[0] != '[' || w->depth == 0 ||
	    w->is_obj[w->depth - 1]) {
		w->err = -EINVAL;
		return;
	}
	if (part->len == 2) /* "[]" */
		return;
	prefix(w, NULL);
	put(w, part->buf + 1, part->len - 2);
}
