// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render.h"

void render_init(struct render *r, enum render_format fmt, FILE *f)
{
	r->fmt = fmt;
	r->f = f;
	r->all = json_array();
	r->n = 0;
}

/* TAP's first line comes with the first output: no input, no output at all. */
static void tap_header(struct render *r)
{
	if (r->fmt == RENDER_TAP && !r->n)
		fprintf(r->f, "TAP version 13\n");
}

void render_release(struct render *r)
{
	json_decref(r->all);
	r->all = NULL;
}

enum clean {
	CLEAN_TEXT, /* a terminal: no control characters */
	CLEAN_TAP,  /* a TAP test line: also no "#", which starts a directive */
	CLEAN_YAML, /* inside a YAML single-quoted scalar: quotes doubled */
};

/*
 * Names and messages come from the stream, which anyone can write: a
 * newline would forge a TAP line, an escape sequence would drive the
 * terminal.  Control characters (C0, DEL, C1) become visible escapes, and
 * a backslash doubles: otherwise a name's own backslash-n would look like
 * an escaped newline, and TAP would read "\\#" as an escaped backslash
 * followed by a live "#" directive.
 */
static void put_clean(FILE *f, const char *s, size_t len, enum clean how)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	for (; p < end; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else if (*p == 0xc2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9f)
			fprintf(f, "\\u%04x", *++p); /* UTF-8 of U+0080..U+009F */
		else if (how == CLEAN_TAP && *p == '#')
			fputs("\\#", f);
		else if (how == CLEAN_YAML && *p == '\'')
			fputs("''", f);
		else
			fputc(*p, f);
	}
}

static void put_str(FILE *f, const char *s, enum clean how)
{
	put_clean(f, s, strlen(s), how);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static const char *status(const json_t *v)
{
	if (json_is_true(json_object_get(v, "skipped")))
		return "SKIP";
	return json_is_true(json_object_get(v, "passed")) ? "PASS" : "FAIL";
}

/* " [simple, 6.12.117, topology=1,2,2,1]": what a run under a scheduler ran on. */
static void text_where(struct render *r, const json_t *v)
{
	const char *key;
	json_t *val;

	if (!*str(v, "scheduler"))
		return;
	fputs(" [", r->f);
	put_str(r->f, str(v, "scheduler"), CLEAN_TEXT);
	if (*str(v, "kernel")) {
		fputs(", ", r->f);
		put_str(r->f, str(v, "kernel"), CLEAN_TEXT);
	}
	json_object_foreach(json_object_get(v, "labels"), key, val) {
		fputs(", ", r->f);
		put_str(r->f, key, CLEAN_TEXT);
		fputc('=', r->f);
		put_str(r->f, json_string_value(val) ? json_string_value(val) : "?", CLEAN_TEXT);
	}
	fputc(']', r->f);
}

/* The last lines of a dead scheduler's output, which usually say why. */
static void text_tail(struct render *r, const char *tail, unsigned max_lines)
{
	const char *p = tail + strlen(tail), *nl, *end;
	unsigned n = 0;

	while (p > tail && (p[-1] == '\n' || p[-1] == ' ')) /* blank lines say nothing */
		p--;
	end = p;
	while (p > tail && n < max_lines)
		if (*--p == '\n')
			n++;
	if (*p == '\n')
		p++;
	fprintf(r->f, "    the scheduler's last output:\n");
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = (char *)end;
		fputs("    | ", r->f);
		put_clean(r->f, p, (size_t)(nl - p), CLEAN_TEXT);
		fputc('\n', r->f);
	}
}

static void text_verdict(struct render *r, const json_t *v)
{
	const json_t *d;
	size_t i;

	fprintf(r->f, "[%s] ", status(v));
	put_str(r->f, str(v, "scenario_name"), CLEAN_TEXT);
	fprintf(r->f, " (%.1fs)", json_number_value(json_object_get(v, "duration_s")));
	text_where(r, v);
	fputc('\n', r->f);
	json_array_foreach(json_object_get(v, "details"), i, d) {
		fputs("  ", r->f);
		put_str(r->f, str(d, "message"), CLEAN_TEXT);
		fputc('\n', r->f);
		if (*str(d, "log_tail"))
			text_tail(r, str(d, "log_tail"), 8);
	}
}

/* A YAML single-quoted scalar: quotes doubled, control characters escaped. */
static void yaml_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	put_str(f, s, CLEAN_YAML);
	fputc('\'', f);
}

static void tap_where(struct render *r, const json_t *v)
{
	const char *key;
	json_t *val;

	if (*str(v, "scheduler")) {
		fprintf(r->f, "  scheduler: ");
		yaml_quoted(r->f, str(v, "scheduler"));
		fputc('\n', r->f);
	}
	if (*str(v, "kernel")) {
		fprintf(r->f, "  kernel: ");
		yaml_quoted(r->f, str(v, "kernel"));
		fputc('\n', r->f);
	}
	if (json_object_size(json_object_get(v, "labels")))
		fprintf(r->f, "  labels:\n");
	json_object_foreach(json_object_get(v, "labels"), key, val) {
		fputs("    ", r->f);
		yaml_quoted(r->f, key);
		fputs(": ", r->f);
		yaml_quoted(r->f, json_string_value(val) ? json_string_value(val) : "");
		fputc('\n', r->f);
	}
}

static void tap_verdict(struct render *r, const json_t *v)
{
	const json_t *d, *details = json_object_get(v, "details");
	const char *st = status(v);
	size_t i;

	fprintf(r->f, "%s %u - ", !strcmp(st, "FAIL") ? "not ok" : "ok", r->n);
	put_str(r->f, str(v, "scenario_name"), CLEAN_TAP);
	if (!strcmp(st, "SKIP")) {
		d = json_array_get(details, 0);
		fputs(" # SKIP ", r->f);
		put_str(r->f, d ? str(d, "message") : "", CLEAN_TEXT);
		fputc('\n', r->f);
		return;
	}
	fputc('\n', r->f);
	fprintf(r->f, "  ---\n  duration_ms: %.0f\n",
		json_number_value(json_object_get(v, "duration_s")) * 1000.0);
	tap_where(r, v);
	if (json_array_size(details)) {
		fprintf(r->f, "  details:\n");
		json_array_foreach(details, i, d) {
			/* kinds are ours (checks.h); messages quote the stream */
			fprintf(r->f, "    - kind: %s\n      message: ", str(d, "kind"));
			yaml_quoted(r->f, str(d, "message"));
			fputc('\n', r->f);
		}
	}
	fprintf(r->f, "  ...\n");
}

void render_verdict(struct render *r, const json_t *v)
{
	json_t *copy = json_deep_copy(v);

	tap_header(r);
	r->n++;
	json_object_del(copy, "type");
	json_object_del(copy, "t_ns");
	json_array_append_new(r->all, copy);
	if (r->fmt == RENDER_TEXT)
		text_verdict(r, v);
	else if (r->fmt == RENDER_TAP)
		tap_verdict(r, v);
	fflush(r->f);
}

void render_finish(struct render *r, const json_t *summary)
{
	json_int_t passed = json_integer_value(json_object_get(summary, "passed"));
	json_int_t failed = json_integer_value(json_object_get(summary, "failed"));
	json_int_t skipped = json_integer_value(json_object_get(summary, "skipped"));
	json_int_t total = json_integer_value(json_object_get(summary, "total"));

	tap_header(r);
	switch (r->fmt) {
	case RENDER_TEXT:
		fprintf(r->f, "%s%lld/%lld passed (%lld failed, %lld skipped) in %.1fs\n",
			r->n ? "\n" : "", (long long)passed, (long long)total, (long long)failed,
			(long long)skipped, json_number_value(json_object_get(summary, "duration_s")));
		break;
	case RENDER_TAP:
		fprintf(r->f, "1..%u\n", r->n);
		break;
	case RENDER_JSON:
		json_dumpf(r->all, r->f, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
		fputc('\n', r->f);
		break;
	case RENDER_NDJSON:
		break;
	}
	fflush(r->f);
}

static void xml_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* XML 1.0 forbids most control characters, even escaped */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc(' ', f);
			else
				fputc(*s, f);
		}
	}
}

static void junit_property(FILE *f, const char *name, const char *value)
{
	fprintf(f, "        <property name=\"");
	xml_escaped(f, name);
	fprintf(f, "\" value=\"");
	xml_escaped(f, value);
	fprintf(f, "\"/>\n");
}

/* The scheduler, kernel and labels a case ran under, when known. */
static void junit_properties(FILE *f, const json_t *v)
{
	const char *key;
	json_t *val;

	if (!*str(v, "scheduler"))
		return;
	fprintf(f, "      <properties>\n");
	junit_property(f, "scheduler", str(v, "scheduler"));
	if (*str(v, "kernel"))
		junit_property(f, "kernel", str(v, "kernel"));
	json_object_foreach(json_object_get(v, "labels"), key, val)
		junit_property(f, key, json_string_value(val) ? json_string_value(val) : "");
	fprintf(f, "      </properties>\n");
}

static void junit_case(FILE *f, const json_t *v)
{
	const json_t *details = json_object_get(v, "details"), *d;
	const char *st = status(v);
	size_t i;

	fprintf(f, "    <testcase classname=\"ktstr.");
	xml_escaped(f, *str(v, "category") ? str(v, "category") : "adhoc");
	fprintf(f, "\" name=\"");
	xml_escaped(f, str(v, "scenario_name"));
	fprintf(f, "\" time=\"%.3f\">\n", json_number_value(json_object_get(v, "duration_s")));
	junit_properties(f, v);
	d = json_array_get(details, 0);
	if (!strcmp(st, "SKIP")) {
		fprintf(f, "      <skipped message=\"");
		xml_escaped(f, d ? str(d, "message") : "");
		fprintf(f, "\"/>\n");
	} else if (!strcmp(st, "FAIL")) {
		fprintf(f, "      <failure type=\"");
		xml_escaped(f, d ? str(d, "kind") : "Other");
		fprintf(f, "\" message=\"");
		xml_escaped(f, d ? str(d, "message") : "failed");
		fprintf(f, "\">");
		json_array_foreach(details, i, d) {
			xml_escaped(f, str(d, "kind"));
			fputs(": ", f);
			xml_escaped(f, str(d, "message"));
			fputc('\n', f);
		}
		fprintf(f, "</failure>\n");
	}
	fprintf(f, "    </testcase>\n");
}

int render_junit_file(const struct render *r, const json_t *summary, const char *path)
{
	char *tmp = NULL;
	const json_t *v;
	size_t i;
	FILE *f;
	int e;

	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return -ENOMEM;
	f = fopen(tmp, "w");
	if (!f) {
		e = errno;
		free(tmp);
		return -e;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"ktstr\" tests=\"%u\" failures=\"%lld\" skipped=\"%lld\" time=\"%.3f\">\n",
		r->n, (long long)json_integer_value(json_object_get(summary, "failed")),
		(long long)json_integer_value(json_object_get(summary, "skipped")),
		json_number_value(json_object_get(summary, "duration_s")));
	fprintf(f, "  <testsuite name=\"ktstr\" tests=\"%u\" failures=\"%lld\" skipped=\"%lld\" time=\"%.3f\">\n",
		r->n, (long long)json_integer_value(json_object_get(summary, "failed")),
		(long long)json_integer_value(json_object_get(summary, "skipped")),
		json_number_value(json_object_get(summary, "duration_s")));
	json_array_foreach(r->all, i, v)
		junit_case(f, v);
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	e = ferror(f) ? EIO : 0;
	if (fclose(f) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e)
		unlink(tmp);
	free(tmp);
	return -e;
}
