// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "jsonw.h"
#include "unit.h"

static char *text(struct jsonw *w)
{
	static char out[4096];

	memcpy(out, w->buf, w->len);
	out[w->len] = '\0';
	return out;
}

static void test_nesting(void)
{
	struct jsonw w;

	jsonw_init(&w);
	jsonw_obj(&w, NULL);
	jsonw_int(&w, "a", 1);
	jsonw_arr(&w, "b");
	jsonw_int(&w, NULL, -2);
	jsonw_null(&w, NULL);
	jsonw_obj(&w, NULL);
	jsonw_end(&w);
	jsonw_end(&w);
	jsonw_int_or_null(&w, "c", INT64_MIN, INT64_MIN);
	jsonw_int(&w, "d", INT64_MIN);
	jsonw_str(&w, "e", NULL, 0);
	jsonw_end(&w);
	CHECK(w.err == 0);
	CHECK_STR(text(&w), "{\"a\":1,\"b\":[-2,null,{}],\"c\":null,\"d\":-9223372036854775808,"
			    "\"e\":null}");
	jsonw_release(&w);
}

static void test_strings(void)
{
	const char raw[] = "q\"b\\n\nt\t\x01 \xc3\xa9 \xff\xc3 \xe2\x82\xac \xed\xa0\x80";
	struct jsonw w;
	json_t *back;

	jsonw_init(&w);
	jsonw_str(&w, NULL, raw, sizeof(raw) - 1);
	CHECK(w.err == 0);
	/* valid UTF-8 (é, €) passes; stray bytes and a surrogate become \xHH */
	CHECK_STR(text(&w), "\"q\\\"b\\\\n\\nt\\t\\u0001 \xc3\xa9 \\\\xff\\\\xc3 \xe2\x82\xac "
			    "\\\\xed\\\\xa0\\\\x80\"");
	back = json_loadb(w.buf, w.len, JSON_DECODE_ANY, NULL);
	CHECK(back && json_is_string(back));
	json_decref(back);
	jsonw_release(&w);
}

static void test_misuse(void)
{
	struct jsonw w;

	jsonw_init(&w);
	jsonw_obj(&w, NULL);
	jsonw_int(&w, NULL, 1); /* a value without a key inside an object */
	CHECK(w.err == -EINVAL);
	jsonw_release(&w);
	jsonw_init(&w);
	jsonw_end(&w);
	CHECK(w.err == -EINVAL);
	jsonw_release(&w);
}

static void test_splice(void)
{
	struct jsonw w, a, b, empty;

	jsonw_init(&w);
	jsonw_init(&a);
	jsonw_init(&b);
	jsonw_init(&empty);
	jsonw_arr(&a, NULL);
	jsonw_int(&a, NULL, 1);
	jsonw_int(&a, NULL, 2);
	jsonw_end(&a);
	jsonw_arr(&b, NULL);
	jsonw_int(&b, NULL, 3);
	jsonw_end(&b);
	jsonw_arr(&empty, NULL);
	jsonw_end(&empty);
	jsonw_obj(&w, NULL);
	jsonw_arr(&w, "x");
	jsonw_splice(&w, &empty);
	jsonw_splice(&w, &a);
	jsonw_splice(&w, &empty);
	jsonw_splice(&w, &b);
	jsonw_end(&w);
	jsonw_end(&w);
	CHECK(w.err == 0);
	CHECK_STR(text(&w), "{\"x\":[1,2,3]}");
	jsonw_release(&w);
	jsonw_release(&a);
	jsonw_release(&b);
	jsonw_release(&empty);
}

int main(void)
{
	RUN(test_nesting);
	RUN(test_strings);
	RUN(test_misuse);
	RUN(test_splice);
	return unit_done();
}
