// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktime.h"
#include "schedproc.h"

void schedproc_init(struct schedproc *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->pidfd = -1;
	sp->log_fd = -1;
}

/* In the child: output to the log, stdin from /dev/null, die with the parent, exec. */
static _Noreturn void child(char *const argv[], int log_fd, int errfd, pid_t parent)
{
	sigset_t none;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC), e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* a group of its own: a wrapper script's children are stopped with it */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127); /* the parent died before PDEATHSIG was armed */
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
	    dup2(log_fd, STDERR_FILENO) < 0)
		goto fail;
	execv(argv[0], argv);
fail:
	e = errno;
	if (write(errfd, &e, sizeof(e)) < 0) {
		/* the parent sees exit status 127 anyway */
	}
	_exit(127);
}

int schedproc_start(struct schedproc *sp, char *const argv[], struct kt_diag *d)
{
	pid_t parent = getpid();
	int errp[2], e = 0;
	ssize_t n;

	sp->log_fd = memfd_create("ktstr-sched-log", MFD_CLOEXEC);
	if (sp->log_fd < 0)
		return kt_diag_set(d, errno, "cannot create the scheduler's log: %s",
				   strerror(errno));
	if (pipe2(errp, O_CLOEXEC) < 0)
		return kt_diag_set(d, errno, "cannot create a pipe: %s", strerror(errno));
	sp->pid = fork();
	if (sp->pid < 0) {
		e = errno;
		sp->pid = 0;
		close(errp[0]);
		close(errp[1]);
		return kt_diag_set(d, e, "cannot fork: %s", strerror(e));
	}
	if (sp->pid == 0)
		child(argv, sp->log_fd, errp[1], parent);
	/* the child does it too; whichever comes first, the group exists before we signal it */
	setpgid(sp->pid, sp->pid);
	close(errp[1]);
	do
		n = read(errp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	if (n == sizeof(e)) {
		schedproc_wait(sp, 0);
		return kt_diag_set(d, e, "cannot run '%s': %s", argv[0], strerror(e));
	}
	/* no pidfd (kernel < 5.3): the caller's periodic reap notices the exit instead */
	sp->pidfd = (int)syscall(SYS_pidfd_open, sp->pid, 0);
	return 0;
}

int schedproc_reap(struct schedproc *sp)
{
	pid_t r;

	if (sp->exited || !sp->pid)
		return sp->exited;
	do
		r = waitpid(sp->pid, &sp->status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == sp->pid || (r < 0 && errno == ECHILD))
		sp->exited = true;
	return sp->exited;
}

int schedproc_wait(struct schedproc *sp, uint64_t timeout_ns)
{
	uint64_t deadline = ktime_now_ns() + timeout_ns;
	struct pollfd p = { .fd = sp->pidfd, .events = POLLIN };
	uint64_t now;

	if (!timeout_ns) { /* block */
		while (!sp->exited && sp->pid && waitpid(sp->pid, &sp->status, 0) < 0 &&
		       errno == EINTR)
			;
		sp->exited = sp->pid != 0;
		return sp->exited;
	}
	while (!schedproc_reap(sp)) {
		now = ktime_now_ns();
		if (now >= deadline)
			return 0;
		/* without a pidfd, look again every 10 ms */
		poll(sp->pidfd >= 0 ? &p : NULL, sp->pidfd >= 0, sp->pidfd >= 0 ?
			(int)((deadline - now) / KTIME_NS_PER_MS) + 1 : 10);
	}
	return 1;
}

/* Wait, at most until deadline_ns, for the rest of the group (a wrapper's children) to go. */
static int group_wait(const struct schedproc *sp, uint64_t deadline_ns)
{
	while (kill(-sp->pid, 0) == 0) {
		if (ktime_now_ns() >= deadline_ns)
			return 0;
		poll(NULL, 0, 10);
	}
	return 1;
}

int schedproc_stop(struct schedproc *sp, uint64_t grace_ns)
{
	uint64_t deadline = ktime_now_ns() + grace_ns;

	if (!sp->pid || schedproc_reap(sp))
		return 0;
	kill(-sp->pid, SIGINT);
	if (schedproc_wait(sp, grace_ns) && group_wait(sp, deadline))
		return 0;
	kill(-sp->pid, SIGKILL);
	schedproc_wait(sp, 0);
	return 1;
}

char *schedproc_log_tail(const struct schedproc *sp, size_t max)
{
	struct stat st;
	off_t off = 0;
	char *buf, *start;
	ssize_t n;

	if (sp->log_fd < 0 || fstat(sp->log_fd, &st) < 0 || st.st_size <= 0)
		return strdup("");
	if ((size_t)st.st_size > max)
		off = st.st_size - (off_t)max;
	if (!(buf = malloc((size_t)(st.st_size - off) + 1)))
		return NULL;
	n = pread(sp->log_fd, buf, (size_t)(st.st_size - off), off);
	buf[n > 0 ? n : 0] = '\0';
	start = buf;
	if (off > 0 && (start = strchr(buf, '\n')))
		start++; /* cut at a line start */
	else
		start = buf;
	memmove(buf, start, strlen(start) + 1);
	return buf;
}

json_t *schedproc_exit_json(const struct schedproc *sp)
{
	if (!sp->exited)
		return json_null();
	if (WIFSIGNALED(sp->status))
		return json_pack("{s:i}", "signal", WTERMSIG(sp->status));
	return json_pack("{s:i}", "code", WEXITSTATUS(sp->status));
}

void schedproc_release(struct schedproc *sp)
{
	if (sp->pid) {
		/* whatever is left of its group too, even when the scheduler itself is gone */
		kill(-sp->pid, SIGKILL);
		schedproc_wait(sp, 0);
	}
	if (sp->pidfd >= 0)
		close(sp->pidfd);
	if (sp->log_fd >= 0)
		close(sp->log_fd);
	schedproc_init(sp);
}
