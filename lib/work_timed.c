// SPDX-License-Identifier: GPL-2.0
/*
 * Work types paced by the clock: IoSync, Bursty, Sequence.  Their wake
 * samples are timer overshoots: how late the worker ran after the moment
 * its sleep ended (workers run with 1 ns timer slack, so the overshoot is
 * the scheduler's and the timer's, not a slack the kernel may add).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "work_types.h"

#define IO_WRITES 16
#define IO_BLOCK 4096
#define IO_SLEEP_NS 100000ull

static const unsigned char zero_block[IO_BLOCK];

static int no_setup(struct wctx *c)
{
	(void)c;
	return 0;
}

/*
 * The scratch file never has a name (O_TMPFILE), or loses it at once, so
 * nothing is left behind however the worker dies.
 */
static int io_open(struct wctx *c)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];

	if (!dir || !*dir)
		dir = "/tmp";
	c->io_fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (c->io_fd >= 0)
		return 0;
	if (snprintf(path, sizeof(path), "%s/ktstr-io-%d-XXXXXX", dir, (int)getpid()) >=
	    (int)sizeof(path))
		return wk_fail(c, -ENAMETOOLONG, "TMPDIR '%s' is too long", dir);
	c->io_fd = mkostemp(path, O_CLOEXEC);
	if (c->io_fd < 0)
		return wk_fail(c, -errno, "cannot create a scratch file in '%s'", dir);
	unlink(path);
	return 0;
}

static void io_close(struct wctx *c)
{
	if (c->io_fd >= 0)
		close(c->io_fd);
	c->io_fd = -1;
}

/* Rewrite 64 KiB from the start, one unit per 4 KiB block, then sleep 100 us. */
static void io_cycle(struct wctx *c)
{
	int i;

	if (ftruncate(c->io_fd, 0) < 0 || lseek(c->io_fd, 0, SEEK_SET) < 0) {
		/* nothing sensible to do; the writes below still count as work */
	}
	for (i = 0; i < IO_WRITES && !wk_stopping(c); i++) {
		if (write(c->io_fd, zero_block, IO_BLOCK) == IO_BLOCK)
			c->units++;
		wk_checkpoint(c);
	}
	if (!wk_stopping(c))
		wk_sleep_until(c, wk_now() + IO_SLEEP_NS);
}

static void io_sync_run(struct wctx *c)
{
	while (!wk_stopping(c)) {
		io_cycle(c);
		wk_iter(c);
	}
}

/* Spin until the clock passes end (or a stop), checkpointing every 1024 units. */
static void spin_until(struct wctx *c, uint64_t end)
{
	do
		wk_spin(c, WK_SPIN_CHUNK);
	while (wk_checkpoint_at(c) < end && !wk_stopping(c));
}

static void bursty_run(struct wctx *c)
{
	uint64_t burst = c->ws->param[WP_BURST_MS] * 1000000u;
	uint64_t sleep = c->ws->param[WP_SLEEP_MS] * 1000000u;

	while (!wk_stopping(c)) {
		spin_until(c, wk_now() + burst);
		if (sleep && !wk_stopping(c))
			wk_sleep_until(c, wk_now() + sleep);
		wk_iter(c);
	}
}

static int sequence_setup(struct wctx *c)
{
	unsigned i;

	for (i = 0; i < c->ws->nphases; i++)
		if (c->ws->phase[i].kind == PHASE_IO)
			return io_open(c);
	return 0;
}

static void run_phase(struct wctx *c, const struct work_phase *ph)
{
	uint64_t end = wk_now() + ph->ns;

	switch (ph->kind) {
	case PHASE_SPIN:
		spin_until(c, end);
		break;
	case PHASE_SLEEP:
		wk_sleep_until(c, end);
		break;
	case PHASE_YIELD:
		do {
			c->units++;
			wk_yield(c);
		} while (wk_now() < end && !wk_stopping(c));
		break;
	case PHASE_IO:
		do
			io_cycle(c);
		while (wk_now() < end && !wk_stopping(c));
		break;
	}
}

static void sequence_run(struct wctx *c)
{
	unsigned i;

	while (!wk_stopping(c)) {
		for (i = 0; i < c->ws->nphases && !wk_stopping(c); i++)
			run_phase(c, &c->ws->phase[i]);
		wk_iter(c);
	}
}

const struct work_ops work_io_sync_ops = { io_open, io_sync_run, io_close };
const struct work_ops work_bursty_ops = { no_setup, bursty_run, work_no_teardown };
const struct work_ops work_sequence_ops = { sequence_setup, sequence_run, io_close };
