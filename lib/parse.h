/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place where numbers, durations and sizes are parsed.  Every
 * parser takes explicit bounds and, on failure, returns -EINVAL (not a
 * number of that kind) or -ERANGE (outside the bounds) and writes a message
 * naming the bad value into the diag.  A range error states the range, in
 * the form the option takes: "'0' is out of range 1..4096", "duration '2d'
 * is out of range 10ms..1d", "size '1T' is out of range 1M..16G".
 * Callers prefix the option name: "--workers: <msg>".
 */
#ifndef KTSTR_PARSE_H
#define KTSTR_PARSE_H

#include <stdint.h>

#include "err.h"

/* Decimal, no sign, no spaces; the whole string must be consumed. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct kt_diag *d);
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, struct kt_diag *d);
int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out, struct kt_diag *d);
int parse_int(const char *s, int min, int max, int *out, struct kt_diag *d);

/* Finite decimal number, e.g. "0.5" or "15"; no exponent ("1e6"), no hex, inf or nan. */
int parse_double(const char *s, double min, double max, double *out, struct kt_diag *d);

/*
 * Durations: one or more <number><unit> terms, units ns, us, ms, s, m, h, d
 * ("100ms", "1s", "5m", "1h30m", "1.5s").  A bare number means seconds.
 */
int parse_duration_ns(const char *s, uint64_t min_ns, uint64_t max_ns, uint64_t *out,
		      struct kt_diag *d);

/* Sizes: a number with an optional K, M, G or T suffix (powers of 1024, "B" optional). */
int parse_size_bytes(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct kt_diag *d);

/* Strict "yes" for boolean environment variables: "1", "true", "yes", "on" (any case). */
int parse_bool(const char *s, int *out, struct kt_diag *d);

#endif
