// SPDX-License-Identifier: GPL-2.0
/*
 * A recursive-descent evaluator: expressions in scenario files are a few
 * dozen characters (EXPR_MAX_LEN at most), so parsing them again at each
 * evaluation is cheaper than keeping a tree around.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "parse.h"

#define NAME_MAX_LEN 64

struct ex {
	const char *src, *p;
	const struct expr_env *env;
	struct kt_diag *d;
	int err;   /* first error, 0 if none */
	int depth; /* nesting of parse_unary: the stack is the limit */
};

/* A number macro as a string literal, for messages built at compile time. */
#define STR_(x) #x
#define STR(x) STR_(x)

static int64_t parse_or(struct ex *x);
static int64_t parse_unary(struct ex *x);

static int64_t fail(struct ex *x, int err, const char *what)
{
	if (!x->err) {
		x->err = err;
		kt_diag_set(x->d, err, "%s at offset %d in '%s'", what, (int)(x->p - x->src),
			    x->src);
	}
	return 0;
}

static void skip_space(struct ex *x)
{
	while (*x->p == ' ' || *x->p == '\t')
		x->p++;
}

/* Consume tok if it comes next (after spaces). */
static bool eat(struct ex *x, const char *tok)
{
	size_t n = strlen(tok);

	skip_space(x);
	if (strncmp(x->p, tok, n))
		return false;
	/* "<" must not swallow the first half of "<=" */
	if (n == 1 && strchr("<>=!", tok[0]) && x->p[1] == '=')
		return false;
	x->p += n;
	return true;
}

static int64_t parse_number(struct ex *x)
{
	char buf[32];
	size_t n = 0;
	int64_t v;
	struct kt_diag d;

	while (isdigit((unsigned char)x->p[n]))
		n++;
	if (n >= sizeof(buf))
		return fail(x, ERANGE, "number too large");
	memcpy(buf, x->p, n);
	buf[n] = '\0';
	if (parse_i64(buf, 0, INT64_MAX, &v, &d) < 0)
		return fail(x, ERANGE, "number out of range");
	x->p += n;
	return v;
}

static int64_t builtin(struct ex *x, const char *fn, const int64_t *a, int n, bool *found)
{
	int64_t v;
	int i;

	*found = true;
	if (!strcmp(fn, "min") || !strcmp(fn, "max")) {
		if (n < 2)
			return fail(x, EINVAL, "min() and max() take at least two arguments");
		for (v = a[0], i = 1; i < n; i++)
			if (fn[1] == 'i' ? a[i] < v : a[i] > v)
				v = a[i];
		return v;
	}
	if (!strcmp(fn, "if")) {
		if (n != 3)
			return fail(x, EINVAL, "if() takes three arguments");
		return a[0] ? a[1] : a[2];
	}
	*found = false;
	return 0;
}

static int64_t call(struct ex *x, const char *fn)
{
	int64_t args[EXPR_MAX_ARGS], v = 0;
	int n = 0, rc;
	bool found;

	if (!eat(x, ")")) {
		do {
			if (n == EXPR_MAX_ARGS)
				return fail(x, E2BIG, "too many arguments");
			args[n++] = parse_or(x);
		} while (eat(x, ","));
		if (!eat(x, ")"))
			return fail(x, EINVAL, "expected ')'");
	}
	if (x->err)
		return 0;
	v = builtin(x, fn, args, n, &found);
	if (found || x->err)
		return x->env->check ? 0 : v;
	rc = x->env->call ? x->env->call(x->env->ctx, fn, args, n, &v) : -ENOENT;
	if (rc == -ENOENT)
		return fail(x, ENOENT, "unknown function");
	if (rc < 0)
		return fail(x, -rc, "bad arguments to function");
	return v;
}

static int64_t parse_name(struct ex *x)
{
	char name[NAME_MAX_LEN + 1];
	const char *start = x->p;
	size_t n = 0;
	int64_t v = 0;
	int rc;

	while (isalnum((unsigned char)x->p[n]) || x->p[n] == '_')
		n++;
	if (n > NAME_MAX_LEN)
		return fail(x, ENAMETOOLONG, "name too long");
	memcpy(name, x->p, n);
	name[n] = '\0';
	x->p += n;
	if (eat(x, "("))
		return call(x, name);
	rc = x->env->lookup ? x->env->lookup(x->env->ctx, name, &v) : -ENOENT;
	if (rc < 0) {
		x->p = start;
		return fail(x, -rc, "unknown name");
	}
	return v;
}

static int64_t parse_primary(struct ex *x)
{
	int64_t v;

	if (eat(x, "-")) {
		v = parse_unary(x);
		if (v == INT64_MIN && !x->err && !x->env->check)
			return fail(x, ERANGE, "overflow");
		return -v;
	}
	if (eat(x, "!"))
		return !parse_unary(x);
	if (eat(x, "(")) {
		v = parse_or(x);
		if (!eat(x, ")"))
			return fail(x, EINVAL, "expected ')'");
		return v;
	}
	skip_space(x);
	if (isdigit((unsigned char)*x->p))
		return parse_number(x);
	if (isalpha((unsigned char)*x->p) || *x->p == '_')
		return parse_name(x);
	return fail(x, EINVAL, *x->p ? "unexpected character" : "unexpected end");
}

/*
 * Every nesting ('(', '-', '!', a call) passes here, so this bounds the
 * recursion.  The outermost operand passes too, at nesting 0: depth counts
 * one more than the nesting.
 */
static int64_t parse_unary(struct ex *x)
{
	int64_t v;

	if (x->err)
		return 0;
	if (x->depth > EXPR_MAX_DEPTH)
		return fail(x, E2BIG, "nested more than " STR(EXPR_MAX_DEPTH) " deep");
	x->depth++;
	v = parse_primary(x);
	x->depth--;
	return v;
}

static int64_t parse_term(struct ex *x)
{
	int64_t v = parse_unary(x), r;
	char op;

	for (;;) {
		if (eat(x, "*"))
			op = '*';
		else if (eat(x, "/"))
			op = '/';
		else if (eat(x, "%"))
			op = '%';
		else
			return v;
		r = parse_unary(x);
		if (x->err || x->env->check)
			continue;
		if (op != '*' && r == 0)
			return fail(x, EDOM, "division by zero");
		/* the one quotient that does not fit; the CPU traps on both */
		if (op != '*' && v == INT64_MIN && r == -1)
			return fail(x, ERANGE, "overflow");
		if (op == '*' && __builtin_mul_overflow(v, r, &v))
			return fail(x, ERANGE, "overflow");
		if (op == '/')
			v /= r;
		else if (op == '%')
			v %= r;
	}
}

static int64_t parse_sum(struct ex *x)
{
	int64_t v = parse_term(x), r;
	bool add;

	for (;;) {
		if (eat(x, "+"))
			add = true;
		else if (eat(x, "-"))
			add = false;
		else
			return v;
		r = parse_term(x);
		if (x->err || x->env->check)
			continue;
		if (add ? __builtin_add_overflow(v, r, &v) : __builtin_sub_overflow(v, r, &v))
			return fail(x, ERANGE, "overflow");
	}
}

static int64_t parse_cmp(struct ex *x)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">" };
	int64_t v = parse_sum(x), r;
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!eat(x, ops[i]))
			continue;
		r = parse_sum(x);
		switch (i) {
		case 0: return v == r;
		case 1: return v != r;
		case 2: return v <= r;
		case 3: return v >= r;
		case 4: return v < r;
		default: return v > r;
		}
	}
	return v;
}

static int64_t parse_and(struct ex *x)
{
	int64_t v = parse_cmp(x), r;

	while (eat(x, "&&")) {
		r = parse_cmp(x);
		v = v && r;
	}
	return v;
}

static int64_t parse_or(struct ex *x)
{
	int64_t v = parse_and(x), r;

	while (eat(x, "||")) {
		r = parse_and(x);
		v = v || r;
	}
	return v;
}

int expr_eval(const char *src, const struct expr_env *env, int64_t *out, struct kt_diag *d)
{
	struct ex x = { .src = src, .p = src, .env = env, .d = d };
	int64_t v;

	if (strlen(src) > EXPR_MAX_LEN)
		return kt_diag_set(d, E2BIG, "expression longer than %d characters: '%.32s...'",
				   EXPR_MAX_LEN, src);
	v = parse_or(&x);
	skip_space(&x);
	if (!x.err && *x.p)
		fail(&x, EINVAL, "unexpected character");
	if (x.err)
		return -x.err;
	*out = env->check ? 0 : v;
	return 0;
}

/* Append n bytes to a growing string. */
static int append(char **s, size_t *len, const char *p, size_t n)
{
	char *t = realloc(*s, *len + n + 1);

	if (!t)
		return -ENOMEM;
	memcpy(t + *len, p, n);
	*len += n;
	t[*len] = '\0';
	*s = t;
	return 0;
}

int expr_template(const char *tmpl, const struct expr_env *env, char **out, struct kt_diag *d)
{
	char *s = NULL, *e, num[24];
	const char *p = tmpl, *open;
	size_t len = 0;
	int64_t v;
	int rc = 0;

	if (strlen(tmpl) > EXPR_MAX_LEN)
		return kt_diag_set(d, E2BIG, "name longer than %d characters: '%.32s...'",
				   EXPR_MAX_LEN, tmpl);
	while (!rc && (open = strchr(p, '{'))) {
		const char *close = strchr(open, '}');

		rc = append(&s, &len, p, (size_t)(open - p));
		if (rc)
			break;
		if (!close) {
			rc = kt_diag_set(d, EINVAL, "'{' without '}' in '%s'", tmpl);
			break;
		}
		e = strndup(open + 1, (size_t)(close - open - 1));
		if (!e) {
			rc = -ENOMEM;
			break;
		}
		rc = expr_eval(e, env, &v, d);
		free(e);
		if (!rc) {
			snprintf(num, sizeof(num), "%lld", (long long)v);
			rc = append(&s, &len, num, strlen(num));
		}
		p = close + 1;
	}
	if (!rc && strchr(p, '}'))
		rc = kt_diag_set(d, EINVAL, "'}' without '{' in '%s'", tmpl);
	if (!rc)
		rc = append(&s, &len, p, strlen(p));
	if (rc) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}
