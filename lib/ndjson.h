/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NDJSON records: one JSON object per line, each with a string "type".
 *
 * Reading (blocking or, with a non-blocking fd, from a poll loop):
 *
 *   struct ndjson_reader r;
 *   ndjson_reader_init(&r, STDIN_FILENO);
 *   while ((rc = ndjson_next(&r, &rec, &diag)) > 0) {
 *           if (!strcmp(ndjson_type(rec), "topo")) consume(rec);
 *           else ndjson_write_line(&w, &r);      pass it on unchanged
 *           json_decref(rec);
 *   }
 *   rc == 0: end of input; -EAGAIN: non-blocking fd has no complete line yet;
 *   other < 0: the diag says "line N: why" (bad JSON, no "type", NUL byte,
 *   invalid UTF-8, a line over NDJSON_MAX_LINE, a last line with no newline).
 *   ndjson_reader_release(&r);
 *
 * Writing: ndjson_writer_init(&w, stdout) flushes after every record when
 * the stream is a pipe, socket or terminal, so downstream sees records in
 * real time; a file is block-buffered.  Writers return 0 or -errno (-EPIPE
 * when downstream has gone).
 */
#ifndef KTSTR_NDJSON_H
#define KTSTR_NDJSON_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"

#define NDJSON_MAX_LINE (16u << 20)

struct ndjson_reader {
	int fd;
	char *buf; /* owned */
	size_t len;   /* bytes buffered */
	size_t start; /* first byte of the next line */
	size_t cap;
	size_t line_off, line_len; /* the last line returned, for pass-through */
	long lineno;
	bool eof;
};

void ndjson_reader_init(struct ndjson_reader *r, int fd);
void ndjson_reader_release(struct ndjson_reader *r);
int ndjson_next(struct ndjson_reader *r, json_t **rec, struct kt_diag *d);

struct ndjson_writer {
	FILE *f;
	bool flush_each;
};

void ndjson_writer_init(struct ndjson_writer *w, FILE *f);
/* Write rec compactly on one line; the reference is not stolen. */
int ndjson_write(struct ndjson_writer *w, const json_t *rec);
/* Write rec and drop the reference, for json_pack() results. */
int ndjson_write_new(struct ndjson_writer *w, json_t *rec);
/* Copy the reader's last line to the writer byte for byte. */
int ndjson_write_line(struct ndjson_writer *w, const struct ndjson_reader *r);

/* The "type" of a record, or "" when it has none. */
const char *ndjson_type(const json_t *rec);
/* A new record {"type": type, "t_ns": <monotonic now>}. */
json_t *ndjson_record(const char *type);
/* {"type":"error","tool":<progname>,"message":msg,"fatal":fatal} */
json_t *ndjson_error_record(const char *msg, bool fatal);

#endif
