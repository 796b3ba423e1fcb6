// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "expr.h"
#include "unit.h"

static int lookup(void *ctx, const char *name, int64_t *val)
{
	(void)ctx;
	if (!strcmp(name, "W"))
		*val = 4;
	else if (!strcmp(name, "T"))
		*val = 8;
	else if (!strcmp(name, "i"))
		*val = 3;
	else
		return -ENOENT;
	return 0;
}

static int call(void *ctx, const char *fn, const int64_t *a, int n, int64_t *val)
{
	(void)ctx;
	if (strcmp(fn, "twice"))
		return -ENOENT;
	if (n != 1)
		return -EINVAL;
	/* saturating: the nesting tests call it 64 deep */
	if (__builtin_mul_overflow(a[0], 2, val))
		*val = a[0] < 0 ? INT64_MIN : INT64_MAX;
	return 0;
}

static const struct expr_env env = { .lookup = lookup, .call = call };

static int64_t ev(const char *s)
{
	struct kt_diag d;
	int64_t v = -999;

	if (expr_eval(s, &env, &v, &d) < 0)
		return -999;
	return v;
}

static void test_arithmetic(void)
{
	CHECK(ev("1") == 1);
	CHECK(ev(" 2 + 3 * 4 ") == 14);
	CHECK(ev("(2 + 3) * 4") == 20);
	CHECK(ev("7 / 2") == 3);
	CHECK(ev("7 % 3") == 1);
	CHECK(ev("-3 + 5") == 2);
	CHECK(ev("10 - 4 - 3") == 3);
	CHECK(ev("100 / 10 / 5") == 2);
}

static void test_names_and_functions(void)
{
	CHECK(ev("W") == 4);
	CHECK(ev("max(W/5, 1) * 5") == 5);
	CHECK(ev("max(3*(T-1), 8)") == 21);
	CHECK(ev("min(T-1, 4, 64)") == 4);
	CHECK(ev("(W+1)/2*2") == 4);
	CHECK(ev("if(i%2==0, 2*W, 1)") == 1);
	CHECK(ev("twice(T)") == 16);
}

static void test_comparisons(void)
{
	CHECK(ev("T >= 5") == 1);
	CHECK(ev("T < 5") == 0);
	CHECK(ev("i % 3 == 0") == 1);
	CHECK(ev("i != 3 || W == 4") == 1);
	CHECK(ev("i != 3 && W == 4") == 0);
	CHECK(ev("!0") == 1);
	CHECK(ev("1 <= 1") == 1);
	CHECK(ev("2 > 1") == 1);
}

static void test_errors(void)
{
	struct kt_diag d;
	int64_t v;

	CHECK(expr_eval("1 / 0", &env, &v, &d) == -EDOM);
	CHECK(strstr(d.msg, "division by zero") != NULL);
	CHECK(expr_eval("X + 1", &env, &v, &d) == -ENOENT);
	CHECK(strstr(d.msg, "unknown name") && strstr(d.msg, "offset 0"));
	CHECK(expr_eval("foo(1)", &env, &v, &d) == -ENOENT);
	CHECK(expr_eval("twice(1, 2)", &env, &v, &d) == -EINVAL);
	CHECK(expr_eval("(1 + 2", &env, &v, &d) == -EINVAL);
	CHECK(expr_eval("1 +", &env, &v, &d) == -EINVAL);
	CHECK(expr_eval("", &env, &v, &d) == -EINVAL);
	CHECK(expr_eval("1 2", &env, &v, &d) == -EINVAL);
	CHECK(expr_eval("3.5", &env, &v, &d) == -EINVAL);
	CHECK(expr_eval("99999999999999999999", &env, &v, &d) == -ERANGE);
	CHECK(expr_eval("9223372036854775807 + 1", &env, &v, &d) == -ERANGE);
	CHECK(expr_eval("min(1)", &env, &v, &d) == -EINVAL);
}

/* The quotients and negations that do not fit trap on x86; they must be errors. */
static void test_overflow(void)
{
	struct kt_diag d;
	int64_t v;

	CHECK(expr_eval("(-9223372036854775807 - 1) / -1", &env, &v, &d) == -ERANGE);
	CHECK(strstr(d.msg, "overflow") != NULL);
	CHECK(expr_eval("(-9223372036854775807 - 1) % -1", &env, &v, &d) == -ERANGE);
	CHECK(expr_eval("-(-9223372036854775807 - 1)", &env, &v, &d) == -ERANGE);
	CHECK(expr_eval("9223372036854775807 * 2", &env, &v, &d) == -ERANGE);
	CHECK(ev("(-9223372036854775807 - 1) / 1") == INT64_MIN);
	CHECK(ev("-(-9223372036854775807)") == INT64_MAX);
	CHECK(ev("(-9223372036854775807 - 1) / -2") == 4611686018427387904);
}

static char *nested(const char *open, int depth, const char *close)
{
	size_t no = strlen(open), nc = strlen(close);
	char *s = malloc((no + nc) * (size_t)depth + 2), *p = s;
	int i;

	for (i = 0; i < depth; i++, p += no)
		memcpy(p, open, no);
	*p++ = '1';
	for (i = 0; i < depth; i++, p += nc)
		memcpy(p, close, nc);
	*p = '\0';
	return s;
}

static void test_depth(void)
{
	struct expr_env chk = env;
	struct kt_diag d;
	int64_t v;
	char *s;

	chk.check = true;
	/* at most 64 deep, as expr.h and ktstr-scenario(5) say: 64 is fine, 65 is not */
	s = nested("(", 64, ")");
	CHECK(expr_eval(s, &env, &v, &d) == 0 && v == 1);
	free(s);
	s = nested("(", 65, ")");
	CHECK(expr_eval(s, &env, &v, &d) == -E2BIG);
	free(s);
	s = nested("-", 64, "");
	CHECK(expr_eval(s, &env, &v, &d) == 0 && v == 1);
	free(s);
	s = nested("-", 65, "");
	CHECK(expr_eval(s, &env, &v, &d) == -E2BIG);
	free(s);
	s = nested("twice(", 64, ")");
	CHECK(expr_eval(s, &chk, &v, &d) == 0);
	free(s);
	s = nested("twice(", 65, ")");
	CHECK(expr_eval(s, &chk, &v, &d) == -E2BIG);
	free(s);
	/* as deep as EXPR_MAX_LEN allows: refused by depth, never by the stack */
	s = nested("(", 500, ")");
	CHECK(expr_eval(s, &env, &v, &d) == -E2BIG);
	CHECK(strstr(d.msg, "nested more than 64 deep") != NULL);
	CHECK(expr_eval(s, &chk, &v, &d) == -E2BIG);
	free(s);
	s = nested("-", 1000, "");
	CHECK(expr_eval(s, &env, &v, &d) == -E2BIG);
	CHECK(strstr(d.msg, "nested more than 64 deep") != NULL);
	free(s);
	s = nested("max(0, ", 120, ")");
	CHECK(expr_eval(s, &chk, &v, &d) == -E2BIG);
	CHECK(strstr(d.msg, "nested more than 64 deep") != NULL);
	free(s);
}

/* "0*(1+1+...+1)" of exactly len characters (len odd, at least 5) */
static char *long_expr(size_t len)
{
	char *s = malloc(len + 1), *p = s;

	p += sprintf(p, "0*(");
	while ((size_t)(p - s) < len - 2)
		p += sprintf(p, "1+");
	p += sprintf(p, "1)");
	return s;
}

static void test_length(void)
{
	struct kt_diag d;
	int64_t v = -1;
	char *s, *t;

	s = long_expr(EXPR_MAX_LEN - 1); /* an odd length: 1023 fits */
	CHECK(strlen(s) == EXPR_MAX_LEN - 1);
	CHECK(expr_eval(s, &env, &v, &d) == 0 && v == 0);
	free(s);
	s = long_expr(EXPR_MAX_LEN + 1);
	CHECK(strlen(s) == EXPR_MAX_LEN + 1);
	CHECK(expr_eval(s, &env, &v, &d) == -E2BIG);
	CHECK(strstr(d.msg, "expression longer than 1024 characters") != NULL);
	free(s);
	s = malloc(EXPR_MAX_LEN + 2);
	memset(s, ' ', EXPR_MAX_LEN + 1);
	s[0] = '1';
	s[EXPR_MAX_LEN] = '\0';
	CHECK(expr_eval(s, &env, &v, &d) == 0 && v == 1); /* exactly 1024 */
	s[EXPR_MAX_LEN] = ' ';
	s[EXPR_MAX_LEN + 1] = '\0';
	CHECK(expr_eval(s, &env, &v, &d) == -E2BIG);
	CHECK(expr_template(s, &env, &t, &d) == -E2BIG);
	CHECK(strstr(d.msg, "name longer than 1024 characters") != NULL);
	free(s);
}

static void test_check_mode(void)
{
	struct expr_env chk = env;
	struct kt_diag d;
	int64_t v;

	chk.check = true;
	CHECK(expr_eval("W / (i - 3)", &chk, &v, &d) == 0);
	CHECK(expr_eval("Q", &chk, &v, &d) == -ENOENT);
	CHECK(expr_eval("if(1, 2)", &chk, &v, &d) == -EINVAL);
}

static void test_template(void)
{
	struct kt_diag d;
	char *s = NULL;

	CHECK(expr_template("cg_{i + 1}", &env, &s, &d) == 0);
	CHECK_STR(s, "cg_4");
	free(s);
	CHECK(expr_template("cg_0/churn_{i}/deep", &env, &s, &d) == 0);
	CHECK_STR(s, "cg_0/churn_3/deep");
	free(s);
	CHECK(expr_template("plain", &env, &s, &d) == 0);
	CHECK_STR(s, "plain");
	free(s);
	CHECK(expr_template("a{W}b{T}", &env, &s, &d) == 0);
	CHECK_STR(s, "a4b8");
	free(s);
	CHECK(expr_template("cg_{i", &env, &s, &d) == -EINVAL);
	CHECK(expr_template("cg_}", &env, &s, &d) == -EINVAL);
	CHECK(expr_template("cg_{nope}", &env, &s, &d) == -ENOENT);
}

int main(void)
{
	RUN(test_arithmetic);
	RUN(test_names_and_functions);
	RUN(test_comparisons);
	RUN(test_errors);
	RUN(test_overflow);
	RUN(test_depth);
	RUN(test_length);
	RUN(test_check_mode);
	RUN(test_template);
	return unit_done();
}
