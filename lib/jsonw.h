/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer into a growing buffer, for output too large or
 * too hot for a jansson tree (ktstr-hst writes ~70 values per thread for
 * thousands of threads: one buffer, no allocation per value).  Reading JSON
 * stays with jansson.
 *
 *   struct jsonw w;
 *   jsonw_init(&w);
 *   jsonw_obj(&w, NULL);                 top level: no key
 *   jsonw_int(&w, "version", 1);
 *   jsonw_arr(&w, "threads");
 *   jsonw_obj(&w, NULL); jsonw_str(&w, "comm", s, len); jsonw_end(&w);
 *   jsonw_end(&w); jsonw_end(&w);
 *   if (w.err) ...                        -ENOMEM or -EINVAL (misuse), sticky
 *   write(fd, w.buf, w.len); jsonw_drain(&w);   hand bytes on as they come
 *   jsonw_release(&w);
 *   jsonw_splice(&w, &part);             part's array elements into w's open array
 *
 * Inside an object every value needs a key; inside an array none.  Strings
 * are written as UTF-8: an invalid byte (comm names are raw bytes) becomes
 * the four characters \xHH (backslash, x, two hex digits), so a name stays
 * readable and distinct; control characters use JSON's own escapes.
 */
#ifndef KTSTR_JSONW_H
#define KTSTR_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONW_MAX_DEPTH 16

struct jsonw {
	char *buf; /* owned */
	size_t len, cap;
	int depth;
	bool first[JSONW_MAX_DEPTH]; /* no value yet at this level */
	bool is_obj[JSONW_MAX_DEPTH];
	int err;
};

void jsonw_init(struct jsonw *w);
void jsonw_release(struct jsonw *w);
/* Forget the bytes written so far (after handing them on); nesting is kept. */
void jsonw_drain(struct jsonw *w);

void jsonw_obj(struct jsonw *w, const char *key);
void jsonw_arr(struct jsonw *w, const char *key);
void jsonw_end(struct jsonw *w);

/* s may hold any bytes; len (size_t)-1 means strlen(s); s NULL writes null. */
void jsonw_str(struct jsonw *w, const char *key, const char *s, size_t len);
void jsonw_int(struct jsonw *w, const char *key, int64_t v);
/* v == null_value writes null: the PROCFS_NONE convention for unknown numbers. */
void jsonw_int_or_null(struct jsonw *w, const char *key, int64_t v, int64_t null_value);
void jsonw_null(struct jsonw *w, const char *key);
/*
 * Append the elements of part, a finished top-level array written by
 * another writer, to the array open in w: how parallel workers' pieces are
 * joined in order.
 */
void jsonw_splice(struct jsonw *w, const struct jsonw *part);

#endif
