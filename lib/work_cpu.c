// SPDX-License-Identifier: GPL-2.0
/*
 * Work types that burn CPU or memory on their own, never waiting for
 * another worker: CpuSpin, YieldHeavy, Mixed, CachePressure, CacheYield,
 * PageFaultChurn, FanOutCompute's matrix part.  See ktstr-work(1).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "work_types.h"

static int no_setup(struct wctx *c)
{
	(void)c;
	return 0;
}

void work_free_buf(struct wctx *c)
{
	if (c->buf)
		munmap(c->buf, c->buf_len);
	c->buf = NULL;
}

/* A private, pre-faulted buffer, so page faults stay out of the measured loop. */
int work_alloc_buf(struct wctx *c, size_t len, bool prefault)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return wk_fail(c, -errno, "cannot map a %zu-byte buffer", len);
	c->buf = p;
	c->buf_len = len;
	if (prefault)
		memset(c->buf, 0, len);
	return 0;
}

static void cpu_spin_run(struct wctx *c)
{
	while (!wk_stopping(c)) {
		wk_spin(c, WK_SPIN_CHUNK);
		wk_iter(c);
	}
}

static void yield_heavy_run(struct wctx *c)
{
	while (!wk_stopping(c)) {
		c->units++;
		wk_yield(c);
		wk_iter(c);
	}
}

static void mixed_run(struct wctx *c)
{
	while (!wk_stopping(c)) {
		wk_spin(c, WK_SPIN_CHUNK);
		wk_yield(c);
		wk_iter(c);
	}
}

/*
 * steps read-modify-writes of one byte, stride bytes apart, wrapping; the
 * index starts at 0 on every call as in the reference.
 */
void work_rmw(struct wctx *c, size_t stride, uint64_t steps)
{
	volatile unsigned char *b = c->buf;
	size_t idx = 0, len = c->buf_len;
	uint64_t i, k;

	while (steps) {
		k = steps < WK_SPIN_CHUNK ? steps : WK_SPIN_CHUNK;
		for (i = 0; i < k; i++) {
			b[idx] = (unsigned char)(b[idx] + 1);
			idx = (idx + stride) % len;
		}
		c->units += k;
		steps -= k;
		if (steps) {
			wk_checkpoint(c);
			if (wk_stopping(c))
				return;
		}
	}
}

static int cache_setup(struct wctx *c)
{
	return work_alloc_buf(c, c->ws->param[WP_SIZE_KB] * 1024, true);
}

static void cache_pressure_run(struct wctx *c)
{
	while (!wk_stopping(c)) {
		work_rmw(c, c->ws->param[WP_STRIDE], WK_SPIN_CHUNK);
		wk_iter(c);
	}
}

static void cache_yield_run(struct wctx *c)
{
	while (!wk_stopping(c)) {
		work_rmw(c, c->ws->param[WP_STRIDE], WK_SPIN_CHUNK);
		wk_yield(c);
		wk_iter(c);
	}
}

static uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int page_fault_setup(struct wctx *c)
{
	int rc = work_alloc_buf(c, c->ws->param[WP_REGION_KB] * 1024, false);

	if (rc < 0)
		return rc;
	/* 4 KiB faults are the point: no transparent huge pages */
	madvise(c->buf, c->buf_len, MADV_NOHUGEPAGE);
	c->rng = (uint64_t)getpid() | 1;
	return 0;
}

static void page_fault_run(struct wctx *c)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), npages = c->buf_len / page;
	uint64_t t, touches = c->ws->param[WP_TOUCHES_PER_CYCLE];

	while (!wk_stopping(c)) {
		for (t = 0; t < touches; t++) {
			c->buf[(xorshift64(&c->rng) % npages) * page] = 1;
			c->units++;
			if ((t & 15) == 15)
				wk_checkpoint(c);
		}
		madvise(c->buf, c->buf_len, MADV_DONTNEED);
		wk_spin(c, c->ws->param[WP_SPIN_ITERS]);
		wk_iter(c);
	}
}

/* Matrices for FanOutCompute: n = floor(sqrt(footprint / 3 / 8)), as the reference. */
int work_matrix_setup(struct wctx *c)
{
	uint64_t bytes = c->ws->param[WP_CACHE_FOOTPRINT_KB] * 1024 / 3 / 8, n = 0, i;

	while ((n + 1) * (n + 1) <= bytes)
		n++;
	c->mat_n = (unsigned)n;
	if (!n)
		return 0;
	c->mat = mmap(NULL, 3 * n * n * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->mat == MAP_FAILED) {
		c->mat = NULL;
		return wk_fail(c, -errno, "cannot map %llu-element matrices",
			       (unsigned long long)(n * n));
	}
	for (i = 0; i < 2 * n * n; i++)
		c->mat[i] = i * 2654435761u + 1;
	return 0;
}

void work_matrix_free(struct wctx *c)
{
	if (c->mat)
		munmap(c->mat, 3ull * c->mat_n * c->mat_n * sizeof(uint64_t));
	c->mat = NULL;
}

/* C = A x B (wrapping), one unit; a checkpoint per row keeps the gap clock fine-grained. */
void work_matmul(struct wctx *c)
{
	unsigned n = c->mat_n, i, j, k;
	const uint64_t *a = c->mat, *b = c->mat + (size_t)n * n;
	volatile uint64_t *out = c->mat + 2 * (size_t)n * n;
	uint64_t sum;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			sum = 0;
			for (k = 0; k < n; k++)
				sum += a[(size_t)i * n + k] * b[(size_t)k * n + j];
			out[(size_t)i * n + j] = sum;
		}
		wk_checkpoint(c);
	}
	c->units++;
}

static void free_buf_teardown(struct wctx *c)
{
	work_free_buf(c);
}

const struct work_ops work_cpu_spin_ops = { no_setup, cpu_spin_run, work_no_teardown };
const struct work_ops work_yield_heavy_ops = { no_setup, yield_heavy_run, work_no_teardown };
const struct work_ops work_mixed_ops = { no_setup, mixed_run, work_no_teardown };
const struct work_ops work_cache_pressure_ops = { cache_setup, cache_pressure_run,
						  free_buf_teardown };
const struct work_ops work_cache_yield_ops = { cache_setup, cache_yield_run, free_buf_teardown };
const struct work_ops work_page_fault_churn_ops = { page_fault_setup, page_fault_run,
						    free_buf_teardown };
