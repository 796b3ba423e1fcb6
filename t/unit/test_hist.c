// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "hist.h"
#include "unit.h"

static void test_index_bounds_are_consistent(void)
{
	uint64_t v;
	unsigned i, bad = 0;

	for (v = 0; v < 1u << 20; v += 7) {
		i = hist_index(v);
		bad += v < hist_bucket_low(i) || v > hist_bucket_high(i);
	}
	CHECK(bad == 0);
	CHECK(hist_index(UINT64_MAX) == HIST_NBUCKETS - 1);
	CHECK(hist_bucket_high(HIST_NBUCKETS - 1) == UINT64_MAX);
	for (i = 1; i < HIST_NBUCKETS; i++)
		bad += hist_bucket_low(i) != hist_bucket_high(i - 1) + 1;
	CHECK(bad == 0);
}

static void test_relative_error_under_one_percent(void)
{
	unsigned i;
	double worst = 0, w;

	for (i = 128; i < HIST_NBUCKETS; i++) {
		w = (double)(hist_bucket_high(i) - hist_bucket_low(i) + 1) /
		    (double)hist_bucket_low(i);
		if (w > worst)
			worst = w;
	}
	CHECK(worst <= 0.01);
}

static void test_percentiles(void)
{
	struct hist *h = malloc(sizeof(*h));
	uint64_t p50, p99;
	unsigned i;

	hist_init(h);
	CHECK(hist_percentile(h, 50) == 0);
	for (i = 1; i <= 1000; i++)
		hist_add(h, i * 1000ull); /* 1 us .. 1 ms */
	p50 = hist_percentile(h, 50);
	p99 = hist_percentile(h, 99);
	CHECK(p50 >= 495000 && p50 <= 505000);
	CHECK(p99 >= 985000 && p99 <= 995000);
	CHECK(hist_percentile(h, 100) == 1000000);
	CHECK(hist_percentile(h, 0) == 1000);
	CHECK(hist_mean(h) > 500000 && hist_mean(h) < 501000);
	free(h);
}

static void test_merge_and_json_roundtrip(void)
{
	struct hist *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *c = malloc(sizeof(*c));
	struct kt_diag d;
	json_t *j;

	hist_init(a);
	hist_init(b);
	hist_add(a, 5);
	hist_add(a, 5000000);
	hist_add(b, 77);
	hist_merge(a, b);
	CHECK(a->count == 3 && a->min == 5 && a->max == 5000000);
	j = hist_to_json(a);
	CHECK(hist_from_json(c, j, &d) == 0);
	CHECK(c->count == 3 && c->min == 5 && c->max == 5000000 && c->sum == a->sum);
	CHECK(hist_percentile(c, 50) == 77);
	json_object_set_new(j, "count", json_integer(4));
	CHECK(hist_from_json(c, j, &d) < 0);
	json_decref(j);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	RUN(test_index_bounds_are_consistent);
	RUN(test_relative_error_under_one_percent);
	RUN(test_percentiles);
	RUN(test_merge_and_json_roundtrip);
	return unit_done();
}
