// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "unit.h"

static uint64_t hash_chunked(const char *s, size_t len, size_t chunk)
{
	struct hash64 h;
	size_t off;

	hash64_init(&h);
	for (off = 0; off < len; off += chunk)
		hash64_update(&h, s + off, len - off < chunk ? len - off : chunk);
	return hash64_final(&h);
}

static void test_chunking_does_not_change_the_value(void)
{
	const char *s = "the quick brown fox jumps over the lazy dog, twice over";
	size_t len = strlen(s), c;
	uint64_t whole = hash_chunked(s, len, len);

	for (c = 1; c < len; c++)
		CHECK(hash_chunked(s, len, c) == whole);
}

static void test_different_inputs_differ(void)
{
	CHECK(hash_chunked("abc", 3, 3) != hash_chunked("abd", 3, 3));
	CHECK(hash_chunked("abc", 3, 3) != hash_chunked("abc\0", 4, 4)); /* length counts */
	CHECK(hash_chunked("", 0, 1) != hash_chunked("\0", 1, 1));
	CHECK(hash_chunked("12345678", 8, 8) != hash_chunked("87654321", 8, 8));
}

static void test_file_hash_matches_bytes(void)
{
	char path[] = "/tmp/ktstr-test-hash.XXXXXX";
	struct hash64 a, b;
	FILE *f;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fputs("file content\n", f);
	fclose(f);
	hash64_init(&a);
	hash64_init(&b);
	CHECK(hash64_update_file(&a, path) == 0);
	hash64_update(&b, "file content\n", 13);
	CHECK(hash64_final(&a) == hash64_final(&b));
	CHECK(hash64_update_file(&a, "/nonexistent/file") < 0);
	remove(path);
}

int main(void)
{
	RUN(test_chunking_does_not_change_the_value);
	RUN(test_different_inputs_differ);
	RUN(test_file_hash_matches_bytes);
	return unit_done();
}
