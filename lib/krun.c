// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "ktime.h"
#include "krun.h"
#include "sig.h"

#define HEARTBEAT_NS (60 * KTIME_NS_PER_SEC)

/* In the child: wire stdout/stderr, then exec.  Only async-signal-safe calls. */
static void child(char *const argv[], const char *cwd, int out_fd, int err_fd)
{
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
		_exit(127);
	if (cwd && chdir(cwd) < 0)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	_exit(127);
}

/*
 * Wait for the child; a stop signal (seen through the self-pipe, so none is
 * missed between checks) kills its process group and returns -EINTR.
 */
static int reap(pid_t pid, int *status)
{
	struct pollfd fds[2] = { { .fd = (int)syscall(SYS_pidfd_open, pid, 0), .events = POLLIN },
				 { .fd = kt_signals_fd(), .events = POLLIN } };
	bool killed = false;
	int ws;

	while (fds[0].fd >= 0 && !kt_stopping()) {
		if (poll(fds, fds[1].fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			break;
	}
	if (fds[0].fd >= 0)
		close(fds[0].fd);
	for (;;) {
		if (kt_stopping() && !killed) {
			kill(-pid, SIGTERM);
			killed = true;
		}
		if (waitpid(pid, &ws, 0) >= 0)
			break;
		if (errno != EINTR)
			return -errno;
	}
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return killed ? -EINTR : 0;
}

struct progress {
	const char *label;
	int tty;
	unsigned long lines;
	uint64_t start_ns, last_ns;
	char last[160];
};

static void show(struct progress *p, bool final)
{
	uint64_t now = ktime_now_ns(), s = (now - p->start_ns) / KTIME_NS_PER_SEC;

	if (p->tty) {
		fprintf(stderr, "\r\033[K%s: %lu lines, %llum%02llus: %.60s%s", p->label, p->lines,
			(unsigned long long)(s / 60), (unsigned long long)(s % 60), p->last,
			final ? "\n" : "");
	} else if (final || now - p->last_ns >= HEARTBEAT_NS) {
		fprintf(stderr, "%s: %s: %lu lines, %llum%02llus: %s\n", kt_progname(), p->label,
			p->lines, (unsigned long long)(s / 60), (unsigned long long)(s % 60),
			p->last);
		p->last_ns = now;
	}
}

/* Copy output to the log and remember the last line for the progress display. */
static int pump(int in, int log_fd, struct progress *p)
{
	char buf[8192], *nl, *start;
	ssize_t n = read(in, buf, sizeof(buf) - 1), w, off;

	if (n <= 0)
		return n < 0 && errno == EINTR ? 1 : (int)n;
	for (off = 0; off < n; off += w)
		if ((w = write(log_fd, buf + off, (size_t)(n - off))) < 0)
			return -errno;
	buf[n] = '\0';
	for (start = buf; (nl = strchr(start, '\n')); start = nl + 1) {
		p->lines++;
		if (nl > start)
			snprintf(p->last, sizeof(p->last), "%.*s", (int)(nl - start), start);
	}
	return 1;
}

static int run_logged(char *const argv[], const struct krun *r, pid_t pid, int out,
		      int *status)
{
	struct progress p = { .label = r->label ? r->label : argv[0], .tty = isatty(2) };
	struct pollfd fds[2] = { { .fd = out, .events = POLLIN },
				 { .fd = kt_signals_fd(), .events = POLLIN } };
	int rc = 1;

	p.start_ns = p.last_ns = ktime_now_ns();
	while (rc > 0 && !kt_stopping()) {
		if (poll(fds, fds[1].fd >= 0 ? 2 : 1, 1000) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			rc = pump(out, r->log_fd, &p);
		if (!kt_stopping())
			show(&p, rc <= 0);
	}
	close(out);
	return reap(pid, status);
}

int krun_run(char *const argv[], const struct krun *r, int *status)
{
	int pipefd[2], rc;
	pid_t pid;

	if (r->log_fd < 0) {
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0)
			child(argv, r->cwd, STDERR_FILENO, STDERR_FILENO);
		return reap(pid, status);
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return rc;
	}
	if (pid == 0)
		child(argv, r->cwd, pipefd[1], pipefd[1]);
	close(pipefd[1]);
	return run_logged(argv, r, pid, pipefd[0], status);
}

int krun_capture(char *const argv[], const char *cwd, char *buf, size_t size, int *status)
{
	int pipefd[2], devnull, rc;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		close(devnull);
		return rc;
	}
	if (pid == 0)
		child(argv, cwd, pipefd[1], devnull >= 0 ? devnull : STDERR_FILENO);
	close(pipefd[1]);
	close(devnull);
	while (got + 1 < size && (n = read(pipefd[0], buf + got, size - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(pipefd[0]);
	return reap(pid, status);
}
