// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <string.h>

#include "hist.h"

#define SUB (1u << HIST_SUB_BITS)

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

unsigned hist_index(uint64_t v)
{
	unsigned e, s;

	if (v < SUB)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);
	s = e - HIST_SUB_BITS;
	return (s + 1) * SUB + (unsigned)(v >> s) - SUB;
}

uint64_t hist_bucket_low(unsigned idx)
{
	unsigned s;

	if (idx < SUB)
		return idx;
	s = idx / SUB - 1;
	return (uint64_t)(idx % SUB + SUB) << s;
}

uint64_t hist_bucket_high(unsigned idx)
{
	unsigned s;

	if (idx < SUB)
		return idx;
	s = idx / SUB - 1;
	return hist_bucket_low(idx) + ((1ull << s) - 1);
}

uint64_t hist_percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0, mid;
	unsigned i;

	if (!h->count)
		return 0;
	if (p <= 0)
		return h->min;
	/* nearest rank: the smallest value with at least p% of samples at or below it */
	rank = (uint64_t)ceil(p / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (i = 0; i < HIST_NBUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	if (i == HIST_NBUCKETS)
		return h->max;
	mid = hist_bucket_low(i) + (hist_bucket_high(i) - hist_bucket_low(i)) / 2;
	if (mid < h->min)
		mid = h->min;
	if (mid > h->max)
		mid = h->max;
	return mid;
}

double hist_mean(const struct hist *h)
{
	return h->count ? h->sum / (double)h->count : 0.0;
}

double hist_cv(const struct hist *h)
{
	double mean = hist_mean(h), var;

	if (h->count < 2 || mean <= 0)
		return 0.0;
	var = h->sumsq / (double)h->count - mean * mean;
	return var > 0 ? sqrt(var) / mean : 0.0;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned i;

	if (!src->count)
		return;
	for (i = 0; i < HIST_NBUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
	dst->sumsq += src->sumsq;
}

json_t *hist_to_json(const struct hist *h)
{
	json_t *b = json_array();
	unsigned i;

	for (i = 0; b && i < HIST_NBUCKETS; i++)
		if (h->bucket[i])
			json_array_append_new(b, json_pack("[I,I]", (json_int_t)i,
							   (json_int_t)h->bucket[i]));
	return json_pack("{s:i, s:I, s:I, s:I, s:f, s:f, s:o}", "sub_bits", HIST_SUB_BITS, "count",
			 (json_int_t)h->count, "min", (json_int_t)h->min, "max",
			 (json_int_t)h->max, "sum", h->sum, "sumsq", h->sumsq, "buckets", b);
}

int hist_from_json(struct hist *h, const json_t *o, struct kt_diag *d)
{
	const json_t *b = json_object_get(o, "buckets"), *pair;
	json_int_t idx, n;
	uint64_t total = 0;
	size_t i;

	hist_init(h);
	if (json_integer_value(json_object_get(o, "sub_bits")) != HIST_SUB_BITS || !json_is_array(b))
		return kt_diag_set(d, EINVAL, "hist: needs sub_bits %d and a buckets array",
				   HIST_SUB_BITS);
	json_array_foreach(b, i, pair) {
		if (json_unpack((json_t *)pair, "[II]", &idx, &n) < 0 || idx < 0 || idx >= HIST_NBUCKETS ||
		    n < 0)
			return kt_diag_set(d, EINVAL, "hist: bucket %zu is not [index, count]", i);
		h->bucket[idx] += (uint64_t)n;
		total += (uint64_t)n;
	}
	h->count = total;
	h->min = (uint64_t)json_integer_value(json_object_get(o, "min"));
	h->max = (uint64_t)json_integer_value(json_object_get(o, "max"));
	h->sum = json_number_value(json_object_get(o, "sum"));
	h->sumsq = json_number_value(json_object_get(o, "sumsq"));
	if (json_is_integer(json_object_get(o, "count")) &&
	    (uint64_t)json_integer_value(json_object_get(o, "count")) != total)
		return kt_diag_set(d, EINVAL, "hist: count does not match the buckets");
	return 0;
}
