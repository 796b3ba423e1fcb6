// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit.h"
#include "ktime.h"
#include "pipeline.h"

static volatile sig_atomic_t forward_signo; /* SIGINT or SIGTERM to pass on, else 0 */

static void on_stop(int signo)
{
	forward_signo = signo;
}

/*
 * In the child: wire stdin/stdout, then exec; report exec failure via errfd.
 * A dispatcher killed outright (SIGKILL) cannot pass anything on, so each
 * stage asks the kernel for a SIGTERM when its parent dies: a VM or a run
 * does not go on holding CPUs for a dispatcher that is gone.
 */
static void exec_stage(char *const argv[], int in, int out, int errfd, pid_t parent)
{
	int e;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent) /* it died before the request */
		_exit(128 + SIGTERM);
	if ((in != STDIN_FILENO && dup2(in, STDIN_FILENO) < 0) ||
	    (out != STDOUT_FILENO && dup2(out, STDOUT_FILENO) < 0))
		goto fail;
	if (in != STDIN_FILENO)
		close(in);
	if (out != STDOUT_FILENO)
		close(out);
	execvp(argv[0], argv);
fail:
	e = errno;
	if (write(errfd, &e, sizeof(e)) < 0) {
		/* the parent will see exit code 127 anyway */
	}
	_exit(127);
}

static int start_stage(char *const argv[], int in, int out, int close_in_child,
		       struct pipeline_status *st)
{
	pid_t self = getpid(); /* the parent the stage watches for (exec_stage) */
	int errp[2], e = 0;
	ssize_t n;

	if (pipe2(errp, O_CLOEXEC) < 0)
		return -errno;
	st->pid = fork();
	if (st->pid < 0) {
		e = errno;
		close(errp[0]);
		close(errp[1]);
		return -e;
	}
	if (st->pid == 0) {
		close(errp[0]);
		if (close_in_child >= 0)
			close(close_in_child);
		exec_stage(argv, in, out, errp[1], self);
	}
	close(errp[1]);
	do
		n = read(errp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	st->exec_errno = n == sizeof(e) ? e : 0;
	return 0;
}

/*
 * A stage that already had the signal (Ctrl-C reaches the whole process
 * group) gets it twice, which is harmless: lib/sig only sets a flag.
 */
static void forward_signal(struct pipeline_status *st, size_t n)
{
	int signo = forward_signo;
	size_t k;

	forward_signo = 0;
	for (k = 0; k < n; k++)
		if (st[k].pid > 0 && !st[k].done)
			kill(st[k].pid, signo);
}

static void record(struct pipeline_status *st, size_t n, pid_t pid, int status)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (st[i].pid != pid)
			continue;
		st[i].done = true;
		if (WIFSIGNALED(status)) {
			st[i].signo = WTERMSIG(status);
			st[i].exit_code = 128 + st[i].signo;
		} else {
			st[i].exit_code = WEXITSTATUS(status);
		}
	}
}

static size_t running(const struct pipeline_status *st, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += st[i].pid > 0 && !st[i].done;
	return k;
}

/*
 * Wait for every stage.  As a child subreaper we also inherit what a stage
 * leaves behind when it dies (its workers, which die with it): reap those
 * too, briefly, so a killed stage leaves no zombie.
 */
static void wait_all(struct pipeline_status *st, size_t n)
{
	uint64_t deadline;
	int status;
	pid_t pid;

	while (running(st, n)) {
		/* also a signal that came while the stages were being started */
		if (forward_signo)
			forward_signal(st, n);
		pid = waitpid(-1, &status, 0);
		if (pid > 0)
			record(st, n, pid, status);
		else if (errno == ECHILD)
			return;
	}
	deadline = ktime_now_ns() + 2 * KTIME_NS_PER_SEC;
	while (ktime_now_ns() < deadline) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0)
			return;
		if (pid == 0)
			usleep(10000);
	}
}

int pipeline_run(char *const *const stages[], size_t n, struct pipeline_status *st)
{
	struct sigaction stop = { .sa_handler = on_stop }; /* no SA_RESTART: waitpid returns */
	struct sigaction old_int, old_term;
	int in = STDIN_FILENO, p[2] = { -1, -1 }, rc = 0;
	size_t i;

	memset(st, 0, n * sizeof(*st));
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigaction(SIGINT, &stop, &old_int);
	sigaction(SIGTERM, &stop, &old_term);
	for (i = 0; i < n; i++) {
		p[0] = -1;
		p[1] = STDOUT_FILENO;
		if (i + 1 < n && pipe2(p, O_CLOEXEC) < 0) {
			rc = -errno;
			break;
		}
		rc = start_stage(stages[i], in, p[1], p[0], &st[i]);
		if (in != STDIN_FILENO)
			close(in);
		if (p[1] != STDOUT_FILENO)
			close(p[1]);
		in = p[0];
		if (rc < 0)
			break;
	}
	if (rc < 0 && in >= 0 && in != STDIN_FILENO)
		close(in);
	wait_all(st, n);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

static int interrupted(int code)
{
	return code == KT_EXIT_INTR || code == 128 + SIGPIPE || code == 128 + SIGINT ||
	       code == 128 + SIGTERM;
}

int pipeline_exit_code(const struct pipeline_status *st, size_t n, int *failed)
{
	size_t i;
	int any_intr = 0;

	*failed = -1;
	for (i = 0; i < n; i++) {
		if (st[i].exit_code && !interrupted(st[i].exit_code)) {
			/* the last stage's 1 is its verdict, not a failure of the stage */
			if (i + 1 < n || st[i].exit_code != KT_EXIT_FAIL)
				*failed = (int)i;
			return st[i].exit_code == 127 && st[i].exec_errno ? KT_EXIT_ENV
									   : st[i].exit_code;
		}
		any_intr |= interrupted(st[i].exit_code);
	}
	return any_intr ? KT_EXIT_INTR : st[n - 1].exit_code;
}
