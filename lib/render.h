/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How ktstr-check shows verdicts: text for people, TAP 13, a JSON array,
 * JUnit XML.  (NDJSON needs no renderer: verdict and summary records are
 * written as they are.)
 *
 *   struct render r;
 *   render_init(&r, RENDER_TEXT, stdout);
 *   render_verdict(&r, verdict);      as each scenario ends
 *   render_finish(&r, summary);       totals, TAP plan, the JSON array
 *   render_junit_file(&r, path);      when --junit was given (any format)
 *   render_release(&r);
 *
 * What a verdict quotes from the stream (names, reasons, messages, scheduler
 * output) is written with its control characters escaped, its backslashes
 * doubled, and in a TAP test line with "#" escaped: the stream cannot forge
 * lines or directives, or drive a terminal.
 */
#ifndef KTSTR_RENDER_H
#define KTSTR_RENDER_H

#include <stdio.h>

#include <jansson.h>

enum render_format {
	RENDER_NDJSON,
	RENDER_TEXT,
	RENDER_TAP,
	RENDER_JSON,
};

struct render {
	enum render_format fmt;
	FILE *f;
	json_t *all; /* every verdict, for --json and --junit */
	unsigned n;
};

void render_init(struct render *r, enum render_format fmt, FILE *f);
void render_release(struct render *r);
void render_verdict(struct render *r, const json_t *verdict);
void render_finish(struct render *r, const json_t *summary);
/* Write JUnit XML atomically (temp file + rename); 0 or -errno. */
int render_junit_file(const struct render *r, const json_t *summary, const char *path);

#endif
