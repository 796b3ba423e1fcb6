// SPDX-License-Identifier: GPL-2.0
/*
 * Work types where workers wake each other: PipeIo, CachePipe,
 * FutexPingPong, FutexFanOut, FanOutCompute, MutexContention.
 *
 * Wake latency, everywhere: the waker reads CLOCK_MONOTONIC just before it
 * wakes (pipe write, futex store + FUTEX_WAKE, unlock) and hands the stamp
 * over (in the pipe message, or in the group's struct worker_sync); the
 * woken worker takes now - stamp when it runs.  A sample is taken only
 * when the stamp is later than the moment the worker began to wait: if the
 * message was already there, nobody woke it.  After such a wait the gap
 * clock restarts at the stamp, so a woken worker that is not run counts as
 * stalled.
 */
#include <errno.h>
#include <unistd.h>

#include "futex.h"
#include "ktime.h"
#include "work_types.h"

#define FAN_OUT_POST_WAKE_SPIN 256

static int no_setup(struct wctx *c)
{
	(void)c;
	return 0;
}

void work_idle(struct wctx *c)
{
	while (!wk_stopping(c)) {
		wk_block(c);
		ktime_sleep_until_ns(wk_now() + WK_STOP_POLL_NS);
		wk_resume(c, 0);
	}
}

/*
 * After a wait that began at t_wait and was ended by a waker's stamp;
 * returns the clock it read, for the iteration's checkpoint.
 */
static uint64_t woken(struct wctx *c, uint64_t t_wait, uint64_t stamp)
{
	uint64_t now = wk_now();

	if (stamp >= t_wait) {
		wk_wake(c, now - stamp);
		wk_resume(c, stamp);
	} else {
		wk_resume(c, t_wait);
	}
	return now;
}

/*
 * The stamp a waker hands over, read at its checkpoint just before the
 * wake-up; *t_wait is when its own wait begins (the same moment, up to the
 * wake-up syscall).  The test hook wake_delay_us makes the waker wait that
 * long between stamp and wake-up, so the woken worker must report at least
 * that much; the delay is an intended wait.  A stop request cuts the delay
 * short; then the waker must not wake anyone (0), or the partner would see
 * a short one.
 */
static uint64_t handoff_stamp(struct wctx *c, uint64_t *t_wait)
{
	uint64_t stamp = wk_block(c), delay = c->ws->param[WP_WAKE_DELAY_US] * 1000u;

	*t_wait = stamp;
	if (!delay)
		return stamp;
	while (ktime_sleep_until_ns(stamp + delay) == -EINTR && !wk_stopping(c))
		;
	wk_resume(c, 0);
	if (wk_stopping(c))
		return 0;
	*t_wait = wk_block(c);
	return stamp;
}

/*
 * One exchange: send our stamp, wait for the partner's.  Returns the clock
 * at the end, or 0 when stopping or when the partner is gone (then the
 * worker idles until stopped).
 */
static uint64_t pipe_exchange(struct wctx *c)
{
	uint64_t t_wait, out = handoff_stamp(c, &t_wait), in = 0;
	ssize_t n;

	if (!out)
		return 0;
	while ((n = write(c->s->wfd, &out, sizeof(out))) < 0 && errno == EINTR)
		if (wk_stopping(c))
			return 0;
	if (n != sizeof(out))
		goto gone;
	while ((n = read(c->s->rfd, &in, sizeof(in))) < 0 && errno == EINTR)
		if (wk_stopping(c)) {
			wk_resume(c, 0);
			return 0;
		}
	if (n != sizeof(in))
		goto gone;
	return woken(c, t_wait, in);
gone:
	work_idle(c);
	return 0;
}

static void pipe_io_run(struct wctx *c)
{
	uint64_t now;

	while (!wk_stopping(c)) {
		wk_spin(c, c->ws->param[WP_BURST_ITERS]);
		now = pipe_exchange(c);
		if (!now)
			break;
		wk_iter_now(c, now);
	}
}

static int cache_pipe_setup(struct wctx *c)
{
	return work_alloc_buf(c, c->ws->param[WP_SIZE_KB] * 1024, true);
}

static void cache_pipe_run(struct wctx *c)
{
	uint64_t now;

	while (!wk_stopping(c)) {
		work_rmw(c, 64, c->ws->param[WP_BURST_ITERS]);
		now = pipe_exchange(c);
		if (!now)
			break;
		wk_iter_now(c, now);
	}
}

static void cache_pipe_teardown(struct wctx *c)
{
	work_free_buf(c);
}

/* Sleep on the word while it equals seen; false when asked to stop. */
static bool wait_while(struct wctx *c, _Atomic uint32_t *word, uint32_t seen)
{
	while (atomic_load(word) == seen) {
		if (wk_stopping(c))
			return false;
		futex_wait(word, seen, 0);
	}
	return true;
}

/*
 * Hand the turn to the partner and wait for it to come back.  The word
 * holds whose turn it is (the role); stamp[r] is when r was last handed it.
 */
static void futex_ping_pong_run(struct wctx *c)
{
	struct worker_sync *sy = c->s->sync;
	uint32_t me = c->s->role, partner = 1 - me;
	uint64_t stamp, t_wait;

	while (!wk_stopping(c)) {
		wk_spin(c, c->ws->param[WP_SPIN_ITERS]);
		stamp = handoff_stamp(c, &t_wait);
		if (!stamp)
			return;
		atomic_store_explicit(&sy->stamp[partner], stamp, memory_order_release);
		atomic_store_explicit(&sy->word, partner, memory_order_release);
		futex_wake(&sy->word, 1);
		while (atomic_load(&sy->word) != me) {
			if (wk_stopping(c))
				return;
			futex_wait(&sy->word, partner, 0);
		}
		wk_iter_now(c, woken(c, t_wait, atomic_load(&sy->stamp[me])));
	}
}

/*
 * The messenger (role 0) bumps the generation and wakes fan_out receivers.
 * A receiver arms its stamp slot (0) before it reads the generation; the
 * messenger fills every armed slot before it bumps, so each receiver gets
 * the stamp of the first wake after it began to wait, however many
 * generations pass before it runs.
 */
static void fan_out_wake(struct wctx *c)
{
	struct worker_sync *sy = c->s->sync;
	unsigned r, fan_out = (unsigned)c->ws->param[WP_FAN_OUT];
	uint64_t now = wk_now(), armed;

	for (r = 1; r <= fan_out; r++) {
		armed = 0;
		atomic_compare_exchange_strong(&sy->stamp[r], &armed, now);
	}
	atomic_fetch_add(&sy->word, 1);
	futex_wake(&sy->word, (int)fan_out);
}

/* Wait for the next generation; false when asked to stop. */
static bool fan_out_wait(struct wctx *c)
{
	struct worker_sync *sy = c->s->sync;
	_Atomic uint64_t *slot = &sy->stamp[c->s->role];
	uint64_t t_wait, stamp;
	uint32_t seen;

	atomic_store(slot, 0);
	seen = atomic_load(&sy->word);
	t_wait = wk_block(c);
	if (!wait_while(c, &sy->word, seen)) {
		wk_resume(c, 0);
		return false;
	}
	stamp = atomic_load(slot);
	woken(c, t_wait, stamp);
	return true;
}

static void futex_fan_out_run(struct wctx *c)
{
	bool messenger = c->s->role == 0;

	while (!wk_stopping(c)) {
		wk_spin(c, c->ws->param[WP_SPIN_ITERS]);
		if (messenger) {
			fan_out_wake(c);
			wk_spin(c, FAN_OUT_POST_WAKE_SPIN);
		} else if (!fan_out_wait(c)) {
			break;
		}
		wk_iter(c);
	}
}

static int fan_out_compute_setup(struct wctx *c)
{
	return c->s->role == 0 ? 0 : work_matrix_setup(c);
}

/* Receivers: wait, sleep sleep_usec (intended), then `operations` matrix multiplies. */
static void fan_out_compute_run(struct wctx *c)
{
	uint64_t sleep = c->ws->param[WP_SLEEP_USEC] * 1000u, op;

	while (!wk_stopping(c)) {
		if (c->s->role == 0) {
			fan_out_wake(c);
			wk_spin(c, FAN_OUT_POST_WAKE_SPIN);
			wk_iter(c);
			continue;
		}
		if (!fan_out_wait(c))
			break;
		if (sleep) {
			wk_block(c);
			ktime_sleep_until_ns(wk_now() + sleep);
			wk_resume(c, 0);
		}
		for (op = 0; c->mat_n && op < c->ws->param[WP_OPERATIONS] && !wk_stopping(c); op++)
			work_matmul(c);
		wk_iter(c);
	}
}

static void fan_out_compute_teardown(struct wctx *c)
{
	work_matrix_free(c);
}

/*
 * A three-state futex lock (0 free, 1 locked, 2 locked with waiters), so
 * unlock only wakes when somebody sleeps.  stamp[0] is the last unlock.
 * A sample is one real wake (FUTEX_WAIT returned 0 after an unlock that
 * came after we began to wait); timeouts and lost races are not samples.
 */
static bool mutex_lock(struct wctx *c)
{
	struct worker_sync *sy = c->s->sync;
	uint64_t t_wait, stamp, at = 0;
	uint32_t v = 0;

	if (atomic_compare_exchange_strong(&sy->word, &v, 1))
		return true;
	t_wait = wk_block(c);
	if (v != 2)
		v = atomic_exchange(&sy->word, 2);
	while (v != 0) {
		if (wk_stopping(c)) {
			wk_resume(c, 0);
			return false;
		}
		if (futex_wait(&sy->word, 2, 0) == 0) {
			stamp = atomic_load(&sy->stamp[0]);
			if (stamp >= t_wait) {
				wk_wake(c, wk_now() - stamp);
				at = stamp;
			}
		}
		v = atomic_exchange(&sy->word, 2);
	}
	wk_resume(c, at ? at : t_wait);
	return true;
}

static void mutex_unlock(struct wctx *c)
{
	struct worker_sync *sy = c->s->sync;

	atomic_store(&sy->stamp[0], wk_now());
	if (atomic_exchange(&sy->word, 0) == 2)
		futex_wake(&sy->word, 1);
}

static void mutex_contention_run(struct wctx *c)
{
	while (!wk_stopping(c)) {
		wk_spin(c, c->ws->param[WP_WORK_ITERS]);
		if (!mutex_lock(c))
			break;
		wk_spin(c, c->ws->param[WP_HOLD_ITERS]);
		mutex_unlock(c);
		wk_iter(c);
	}
}

const struct work_ops work_pipe_io_ops = { no_setup, pipe_io_run, work_no_teardown };
const struct work_ops work_cache_pipe_ops = { cache_pipe_setup, cache_pipe_run,
					      cache_pipe_teardown };
const struct work_ops work_futex_ping_pong_ops = { no_setup, futex_ping_pong_run,
						   work_no_teardown };
const struct work_ops work_futex_fan_out_ops = { no_setup, futex_fan_out_run, work_no_teardown };
const struct work_ops work_fan_out_compute_ops = { fan_out_compute_setup, fan_out_compute_run,
						   fan_out_compute_teardown };
const struct work_ops work_mutex_contention_ops = { no_setup, mutex_contention_run,
						    work_no_teardown };
