/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear latency histograms: fixed memory, at most 1/128 (0.8%)
 * relative bucket width, exact pooling across workers.
 *
 * Values below 2^HIST_SUB_BITS get a bucket each.  Above that, a value v
 * with highest set bit e falls in bucket (s + 1) * 2^B + (v >> s) - 2^B
 * where B = HIST_SUB_BITS and s = e - B: every power of two is split into
 * 2^B equal buckets.  ktstr-ndjson(5) documents the same formula so other
 * programs can read "hist" objects.
 *
 *   struct hist *h = ...;          e.g. in a MAP_SHARED page, zeroed
 *   hist_init(h);
 *   hist_add(h, latency_ns);       cheap: a clz, a shift, an add
 *   hist_percentile(h, 99.0);      nearest rank, bucket midpoint
 *   hist_merge(&pool, h);          pooling is exact: buckets add
 */
#ifndef KTSTR_HIST_H
#define KTSTR_HIST_H

#include <stdint.h>

#include <jansson.h>

#include "err.h"

#define HIST_SUB_BITS 7
#define HIST_NBUCKETS ((64 - HIST_SUB_BITS + 1) << HIST_SUB_BITS)

struct hist {
	uint64_t count;
	uint64_t min, max;
	double sum, sumsq; /* for mean and coefficient of variation */
	uint64_t bucket[HIST_NBUCKETS];
};

void hist_init(struct hist *h);
unsigned hist_index(uint64_t v);
uint64_t hist_bucket_low(unsigned idx);
uint64_t hist_bucket_high(unsigned idx); /* inclusive */

static inline void hist_add(struct hist *h, uint64_t v)
{
	h->bucket[hist_index(v)]++;
	if (!h->count || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += (double)v;
	h->sumsq += (double)v * (double)v;
}

/* p in [0, 100]; 0 when empty.  Clamped to the observed min and max. */
uint64_t hist_percentile(const struct hist *h, double p);
double hist_mean(const struct hist *h);
double hist_cv(const struct hist *h); /* population stddev / mean, 0 when undefined */
void hist_merge(struct hist *dst, const struct hist *src);

/* {"sub_bits":7,"count":..,"min":..,"max":..,"sum":..,"sumsq":..,"buckets":[[idx,n],..]} */
json_t *hist_to_json(const struct hist *h);
int hist_from_json(struct hist *h, const json_t *o, struct kt_diag *d);

#endif
