/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Integer expressions for scenario files: worker counts, hold times, CPU
 * positions and conditions that depend on the topology and the options.
 *
 *   struct expr_env env = { .lookup = my_lookup, .call = my_call, .ctx = &ctx };
 *   int64_t v;
 *   if (expr_eval("max(W/5, 1) * 5", &env, &v, &diag) < 0) ... diag says why
 *   char *name;
 *   expr_template("cg_{h + i}", &env, &name, &diag);   "cg_3", caller frees
 *
 * Grammar (C precedence, 64-bit signed arithmetic, '/' and '%' truncate):
 *   expr   := or
 *   or     := and ('||' and)*          and := cmp ('&&' cmp)*
 *   cmp    := sum (('=='|'!='|'<'|'<='|'>'|'>=') sum)?
 *   sum    := term (('+'|'-') term)*   term := unary (('*'|'/'|'%') unary)*
 *   unary  := ('-'|'!') unary | NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'
 * Built-in functions: min(a, b, ...), max(a, b, ...), if(cond, then, else).
 * A result that does not fit in 64 bits (INT64_MAX + 1, INT64_MIN / -1,
 * -INT64_MIN) is an "overflow" error, -ERANGE; nesting deeper than
 * EXPR_MAX_DEPTH, or a source longer than EXPR_MAX_LEN, is -E2BIG.
 * Names and other functions are resolved by the environment's callbacks,
 * which return 0, or -ENOENT for a name they do not know.
 *
 * With env->check set, expressions are only checked: names and functions
 * must be known, but values are not computed (division by zero is fine),
 * so a scenario file can be validated before any topology is known.
 */
#ifndef KTSTR_EXPR_H
#define KTSTR_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define EXPR_MAX_ARGS 8
/*
 * An expression, and a template as a whole, is at most this many characters:
 * the planner evaluates one at every repetition of a step, so its length
 * bounds the cost of planning (the built-in catalog's are far shorter).
 */
#define EXPR_MAX_LEN 1024
/* Parentheses, unary operators and calls nest at most this deep. */
#define EXPR_MAX_DEPTH 64

struct expr_env {
	int (*lookup)(void *ctx, const char *name, int64_t *val);
	int (*call)(void *ctx, const char *fn, const int64_t *args, int nargs, int64_t *val);
	void *ctx;
	bool check;
};

int expr_eval(const char *src, const struct expr_env *env, int64_t *out, struct kt_diag *d);
/* Replace every "{expr}" in tmpl by its decimal value. */
int expr_template(const char *tmpl, const struct expr_env *env, char **out, struct kt_diag *d);

#endif
