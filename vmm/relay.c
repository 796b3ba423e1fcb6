// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "ktime.h"
#include "parse.h"
#include "relay.h"
#include "sig.h"

#define CTRL_A 0x01
#define CHUNK (64u << 10)

enum { P_CHAN0, P_DIAG = VM_NCHAN, P_STOP, P_SIG, P_IN, P_N };

void relay_init(struct relay *r, struct vm_guest *g, bool interactive, bool dmesg, bool verbose)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->g = g;
	r->interactive = interactive;
	r->dmesg = dmesg;
	r->verbose = verbose;
	for (i = 0; i < VM_NCHAN; i++)
		r->ctl_open[i] = g->chan[i] >= 0;
	r->diag_open = g->diag_fd >= 0;
	r->in_open = interactive;
	r->exit_status = -1;
	r->start_ns = r->last_out_ns = ktime_now_ns();
}

/* Write all of buf; -errno on failure (EINTR only stops us when a stop signal came). */
static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR && !kt_stopping())
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Keep the last bytes of a stream in a fixed buffer. */
static void keep(char *store, size_t cap, size_t *len, const char *buf, size_t n)
{
	if (n >= cap) {
		memcpy(store, buf + n - cap, cap);
		*len = cap;
		return;
	}
	if (*len + n > cap) {
		memmove(store, store + (*len + n - cap), cap - n);
		*len = cap - n;
	}
	memcpy(store + *len, buf, n);
	*len += n;
}

static void ctl_line(struct relay *r, char *line)
{
	unsigned status;
	struct kt_diag d;
	double up;

	if (!strncmp(line, "init ", 5)) {
		r->init_ns = ktime_now_ns();
		r->last_out_ns = r->init_ns; /* the command's silence counts from here, not boot */
		snprintf(r->init_uptime, sizeof(r->init_uptime), "%s", line + 5);
		if (r->verbose && parse_double(line + 5, 0, 1e9, &up, &d) == 0)
			kt_warnx("guest init started: kernel uptime %.2f s, %.2f s after launch",
				 up, (double)(r->init_ns - r->start_ns) / 1e9);
	} else if (!strncmp(line, "warn ", 5)) {
		kt_warnx("guest: %s", line + 5);
	} else if (!strncmp(line, "exit ", 5) && parse_uint(line + 5, 0, 255, &status, &d) == 0) {
		r->exit_status = (int)status;
	} else if (*line) {
		kt_warnx("guest: unexpected control line '%s'", line);
	}
}

static void ctl_input(struct relay *r, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\r')
			continue;
		if (buf[i] != '\n') {
			if (r->ctl_len < sizeof(r->ctl) - 1)
				r->ctl[r->ctl_len++] = buf[i];
			continue;
		}
		r->ctl[r->ctl_len] = '\0';
		ctl_line(r, r->ctl);
		r->ctl_len = 0;
	}
}

/* One read from a guest channel; 0 at EOF, 1 after data, -errno when output failed. */
static int pump(struct relay *r, int which)
{
	char buf[CHUNK];
	ssize_t n = read(r->g->chan[which], buf, sizeof(buf));
	int rc = 0;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : 0;
	if (n == 0)
		return 0;
	switch (which) {
	case VM_CHAN_CONSOLE:
		keep(r->tail, sizeof(r->tail), &r->tail_len, buf, (size_t)n);
		if (r->dmesg)
			rc = write_all(STDERR_FILENO, buf, (size_t)n);
		break;
	case VM_CHAN_OUT:
		r->last_out_ns = ktime_now_ns();
		rc = write_all(STDOUT_FILENO, buf, (size_t)n);
		break;
	case VM_CHAN_ERR:
		rc = write_all(STDERR_FILENO, buf, (size_t)n);
		break;
	default:
		ctl_input(r, buf, (size_t)n);
		break;
	}
	return rc < 0 ? rc : 1;
}

static int pump_diag(struct relay *r)
{
	char buf[4096];
	ssize_t n = read(r->g->diag_fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : 0;
	if (n == 0)
		return 0;
	keep(r->diag, sizeof(r->diag), &r->diag_len, buf, (size_t)n);
	if (r->verbose && write_all(STDERR_FILENO, buf, (size_t)n) < 0)
		return 0;
	return 1;
}

/* Terminal bytes for the guest; returns 1 when Ctrl-A x asks to end the VM. */
static int take_input(struct relay *r, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (r->escape) {
			r->escape = false;
			if (buf[i] == 'x' || buf[i] == 'X')
				return 1;
			if (buf[i] != CTRL_A)
				r->pending[r->pending_len++] = CTRL_A;
		} else if (buf[i] == CTRL_A) {
			r->escape = true;
			continue;
		}
		r->pending[r->pending_len++] = buf[i];
	}
	return 0;
}

static int pump_input(struct relay *r)
{
	char buf[sizeof(r->pending)];
	/* Each byte read yields at most one pending byte, plus a held-back Ctrl-A. */
	ssize_t n = read(STDIN_FILENO, buf, sizeof(r->pending) - r->pending_len - 1);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		r->in_open = false; /* the terminal hung up: the guest keeps running */
		return 0;
	}
	return take_input(r, buf, (size_t)n);
}

static void flush_pending(struct relay *r)
{
	ssize_t n = write(r->g->chan[VM_CHAN_OUT], r->pending, r->pending_len);

	if (n <= 0)
		return; /* EAGAIN: the guest is slow; try again when writable */
	memmove(r->pending, r->pending + n, r->pending_len - (size_t)n);
	r->pending_len -= (size_t)n;
}

static int poll_timeout(uint64_t deadline_ns)
{
	uint64_t now = ktime_now_ns();

	if (!deadline_ns)
		return -1;
	if (now >= deadline_ns)
		return 0;
	return (int)((deadline_ns - now) / KTIME_NS_PER_MS) + 1;
}

static void fill_poll(struct relay *r, struct pollfd *p)
{
	int i;

	for (i = 0; i < P_N; i++)
		p[i] = (struct pollfd){ .fd = -1 };
	for (i = 0; i < VM_NCHAN; i++)
		if (r->ctl_open[i])
			p[P_CHAN0 + i] = (struct pollfd){ .fd = r->g->chan[i], .events = POLLIN };
	if (r->pending_len && r->ctl_open[VM_CHAN_OUT])
		p[P_CHAN0 + VM_CHAN_OUT].events |= POLLOUT;
	if (r->diag_open)
		p[P_DIAG] = (struct pollfd){ .fd = r->g->diag_fd, .events = POLLIN };
	p[P_STOP] = (struct pollfd){ .fd = r->g->stop_fd, .events = POLLIN };
	p[P_SIG] = (struct pollfd){ .fd = kt_signals_fd(), .events = POLLIN };
	if (r->in_open && r->pending_len < sizeof(r->pending) / 2)
		p[P_IN] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
}

static enum relay_end output_failed(struct relay *r, int rc)
{
	r->write_errno = -rc;
	return rc == -EPIPE ? RELAY_OUTPUT_GONE : kt_stopping() ? RELAY_SIGNAL : RELAY_IO_ERROR;
}

/* The earlier of the deadline and the end of the allowed silence; which one in *idle. */
static uint64_t next_deadline(const struct relay *r, uint64_t deadline_ns, bool *idle)
{
	uint64_t quiet = r->idle_ns ? r->last_out_ns + r->idle_ns : 0;

	/* booting is not the command's silence, but a kernel that hangs there must end too */
	if (quiet && !r->init_ns)
		quiet = r->start_ns + (r->idle_ns > RELAY_BOOT_NS ? r->idle_ns : RELAY_BOOT_NS);

	*idle = quiet && (!deadline_ns || quiet < deadline_ns);
	return *idle ? quiet : deadline_ns;
}

enum relay_end relay_run(struct relay *r, uint64_t deadline_ns)
{
	struct pollfd p[P_N];
	uint64_t until;
	int i, n, rc;
	bool idle;

	for (;;) {
		if (kt_stopping())
			return RELAY_SIGNAL;
		fill_poll(r, p);
		until = next_deadline(r, deadline_ns, &idle);
		n = poll(p, P_N, poll_timeout(until));
		if (n < 0 && errno != EINTR)
			return RELAY_IO_ERROR;
		if (n == 0 && ktime_now_ns() >= next_deadline(r, deadline_ns, &idle))
			return idle ? RELAY_IDLE : RELAY_TIMEOUT;
		if (n == 0)
			continue;
		if (n < 0)
			continue;
		for (i = 0; i < VM_NCHAN; i++) {
			if (!(p[P_CHAN0 + i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if ((rc = pump(r, i)) < 0)
				return output_failed(r, rc);
			if (rc == 0)
				r->ctl_open[i] = false;
		}
		if (p[P_CHAN0 + VM_CHAN_OUT].revents & POLLOUT)
			flush_pending(r);
		if ((p[P_DIAG].revents & (POLLIN | POLLHUP)) && !pump_diag(r))
			r->diag_open = false;
		if ((p[P_IN].revents & (POLLIN | POLLHUP)) && pump_input(r))
			return RELAY_ESCAPE;
		if (r->pending_len)
			flush_pending(r);
		if (p[P_STOP].revents & POLLIN)
			return RELAY_STOPPED;
	}
}

void relay_drain(struct relay *r)
{
	int i;

	for (i = 0; i < VM_NCHAN; i++)
		while (r->ctl_open[i] && r->g->chan[i] >= 0 && pump(r, i) > 0)
			;
	while (r->diag_open && r->g->diag_fd >= 0 && pump_diag(r) > 0)
		;
}

void relay_print_tail(const struct relay *r, unsigned max_lines)
{
	size_t start = r->tail_len;
	unsigned lines = 0;

	if (r->tail_len && r->tail[r->tail_len - 1] == '\n')
		start--;
	while (start > 0 && lines < max_lines)
		if (r->tail[--start] == '\n')
			lines++;
	if (start < r->tail_len && r->tail[start] == '\n')
		start++;
	if (start < r->tail_len) {
		fprintf(stderr, "%s: the guest console's last lines:\n", kt_progname());
		fwrite(r->tail + start, 1, r->tail_len - start, stderr);
		if (r->tail[r->tail_len - 1] != '\n')
			fputc('\n', stderr);
	} else {
		/* say so: a missing report reads like a bug */
		fprintf(stderr, "%s: the guest console printed nothing%s\n", kt_progname(),
			r->dmesg ? "" : " (the kernel runs quiet; --dmesg shows all its messages)");
	}
}

const char *relay_panic_line(const struct relay *r, char *buf, size_t size)
{
	const char *p = memmem(r->tail, r->tail_len, "Kernel panic", 12), *end;

	if (!p)
		return NULL;
	end = memchr(p, '\n', r->tail_len - (size_t)(p - r->tail));
	if (!end)
		end = r->tail + r->tail_len;
	snprintf(buf, size, "%.*s", (int)(end - p), p);
	if (strchr(buf, '\r'))
		*strchr(buf, '\r') = '\0';
	return buf;
}
