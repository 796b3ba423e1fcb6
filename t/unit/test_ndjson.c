// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ndjson.h"
#include "unit.h"

/* A reader over the given bytes, through a temp file so NULs survive. */
static int open_bytes(const char *data, size_t len)
{
	char path[] = "/tmp/ktstr-unit-XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		return -1;
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* Read every record; return the count, or the first error (negative). */
static int read_all(const char *data, size_t len, struct kt_diag *d, long *lineno)
{
	struct ndjson_reader r;
	json_t *rec;
	int fd = open_bytes(data, len), n = 0, rc;

	ndjson_reader_init(&r, fd);
	while ((rc = ndjson_next(&r, &rec, d)) > 0) {
		n++;
		json_decref(rec);
	}
	*lineno = r.lineno;
	ndjson_reader_release(&r);
	close(fd);
	return rc < 0 ? rc : n;
}

static void test_good_records_and_blank_lines(void)
{
	static const char in[] = "{\"type\":\"a\"}\n\n  \n{\"type\":\"b\",\"x\":[1,2]}\r\n";
	struct kt_diag d;
	long line;

	CHECK(read_all(in, sizeof(in) - 1, &d, &line) == 2);
	CHECK(line == 4);
}

static void test_line_numbers_in_errors(void)
{
	static const char in[] = "{\"type\":\"a\"}\n{\"type\":\n{\"type\":\"c\"}\n";
	struct kt_diag d;
	long line;

	CHECK(read_all(in, sizeof(in) - 1, &d, &line) == -EBADMSG);
	CHECK(strstr(d.msg, "line 2: malformed JSON") != NULL);
}

static void test_rejects_non_records(void)
{
	struct kt_diag d;
	long line;

	CHECK(read_all("[1,2]\n", 6, &d, &line) == -EBADMSG);
	CHECK(strstr(d.msg, "string \"type\"") != NULL);
	CHECK(read_all("{\"type\":3}\n", 11, &d, &line) == -EBADMSG);
	CHECK(read_all("{\"type\":\"a\",\"type\":\"b\"}\n", 24, &d, &line) == -EBADMSG);
}

static void test_nul_and_bad_utf8(void)
{
	static const char nul[] = "{\"type\":\"a\0\"}\n";
	static const char utf[] = "{\"type\":\"\xff\xfe\"}\n";
	struct kt_diag d;
	long line;

	CHECK(read_all(nul, sizeof(nul) - 1, &d, &line) == -EBADMSG);
	CHECK(strstr(d.msg, "NUL") != NULL);
	CHECK(read_all(utf, sizeof(utf) - 1, &d, &line) == -EBADMSG);
}

static void test_truncated_last_line(void)
{
	static const char in[] = "{\"type\":\"a\"}\n{\"type\":\"b\"}";
	struct kt_diag d;
	long line;

	CHECK(read_all(in, sizeof(in) - 1, &d, &line) == -EBADMSG);
	CHECK(strstr(d.msg, "line 2: truncated") != NULL);
}

static void test_line_limit(void)
{
	size_t len = NDJSON_MAX_LINE + 100;
	char *big = malloc(len);
	struct kt_diag d;
	long line;

	memset(big, ' ', len);
	big[len - 1] = '\n';
	CHECK(read_all(big, len, &d, &line) == -E2BIG);
	CHECK(strstr(d.msg, "longer than") != NULL);
	free(big);
}

static void test_passthrough_is_byte_exact(void)
{
	static const char in[] = "{\"type\":\"x\",  \"n\": 1.50}\n";
	struct ndjson_reader r;
	struct ndjson_writer w;
	json_t *rec;
	char out[128] = "";
	FILE *f = fmemopen(out, sizeof(out), "w");
	int fd = open_bytes(in, sizeof(in) - 1);

	ndjson_reader_init(&r, fd);
	ndjson_writer_init(&w, f);
	CHECK(ndjson_next(&r, &rec, NULL) == 1);
	CHECK_STR(ndjson_type(rec), "x");
	CHECK(ndjson_write_line(&w, &r) == 0);
	fclose(f);
	CHECK_STR(out, in);
	json_decref(rec);
	ndjson_reader_release(&r);
	close(fd);
}

static void test_writer_is_compact_one_line(void)
{
	struct ndjson_writer w;
	char out[256] = "";
	FILE *f = fmemopen(out, sizeof(out), "w");
	json_t *rec = ndjson_record("topo");

	json_object_set_new(rec, "a", json_pack("[i,i]", 1, 2));
	ndjson_writer_init(&w, f);
	CHECK(ndjson_write_new(&w, rec) == 0);
	fclose(f);
	CHECK(strncmp(out, "{\"type\":\"topo\",\"t_ns\":", 22) == 0);
	CHECK(strstr(out, "\"a\":[1,2]}\n") != NULL);
	CHECK(strchr(out, '\n') == out + strlen(out) - 1);
}

static void test_error_record(void)
{
	json_t *rec = ndjson_error_record("boom", true);

	CHECK_STR(ndjson_type(rec), "error");
	CHECK_STR(json_string_value(json_object_get(rec, "message")), "boom");
	CHECK(json_is_true(json_object_get(rec, "fatal")));
	json_decref(rec);
}

int main(void)
{
	RUN(test_good_records_and_blank_lines);
	RUN(test_line_numbers_in_errors);
	RUN(test_rejects_non_records);
	RUN(test_nul_and_bad_utf8);
	RUN(test_truncated_last_line);
	RUN(test_line_limit);
	RUN(test_passthrough_is_byte_exact);
	RUN(test_writer_is_compact_one_line);
	RUN(test_error_record);
	return unit_done();
}
