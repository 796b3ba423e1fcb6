// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kmsg.h"
#include "ktime.h"
#include "ndjson.h"
#include "schedproc.h"
#include "schedsup.h"
#include "schedwatch.h"
#include "scxtrace.h"
#include "sig.h"

#define TICK_MS 100			      /* how often sched_ext/state is read */
#define ATTACH_TICK_MS 50
#define CMD_STOP_NS (10ull * 1000000000u)   /* a stopped command's time to go before SIGKILL */
#define DETACH_WAIT_NS (1ull * 1000000000u) /* for the kernel's line after we stopped it */

struct sup {
	const struct schedsup_opts *o;
	struct schedsup_result *res;
	FILE *out;
	struct ndjson_writer w;
	struct schedproc sp;
	struct kmsg km;
	struct scxtrace tr;
	struct schedwatch watch;
	bool watching;
	pid_t cmd_pid;
	int cmd_fd;	   /* the command's stdout, -1 at EOF */
	bool line_start;   /* the last byte copied ended a line (or none was copied) */
	json_t *pending;   /* a record waiting for a line boundary */
	bool signalled;	   /* the stop signal was passed on to the command */
	uint64_t sigkill_at;
};

/* ---- output ------------------------------------------------------------- */

static void out_failed(struct sup *s, int err)
{
	if (!s->res->out_errno)
		s->res->out_errno = err;
}

static void copy_out(struct sup *s, const char *buf, size_t n)
{
	if (!n || s->res->out_errno)
		return;
	if (fwrite(buf, 1, n, s->out) != n || fflush(s->out) == EOF)
		out_failed(s, errno ? errno : EIO);
	s->line_start = buf[n - 1] == '\n';
}

static void emit_final(struct sup *s);

/* Write rec now if the output is between lines, else keep it for the next boundary. */
static void emit(struct sup *s, json_t *rec)
{
	int rc;

	if (rec) {
		/* only one record can wait: the older goes first, on a line of its own */
		if (s->pending)
			emit_final(s);
		s->pending = rec;
	}
	if (!s->pending || !s->line_start || s->res->out_errno)
		return;
	if ((rc = ndjson_write(&s->w, s->pending)) < 0)
		out_failed(s, -rc);
	json_decref(s->pending);
	s->pending = NULL;
}

/* At the end the command's last line may lack its newline: end it so records stay lines. */
static void emit_final(struct sup *s)
{
	if (s->pending && !s->line_start)
		copy_out(s, "\n", 1);
	emit(s, NULL);
}

static void error_record(struct sup *s, const char *msg, const char *log_tail)
{
	json_t *e = ndjson_error_record(msg, true);
	int rc;

	json_object_set_new(e, "scheduler", json_string(s->o->scheduler));
	json_object_set_new(e, "log_tail", json_string(log_tail ? log_tail : ""));
	if ((rc = ndjson_write_new(&s->w, e)) < 0)
		out_failed(s, -rc);
}

/* ---- evidence ----------------------------------------------------------- */

static void read_kmsg(struct sup *s)
{
	struct kmsg_rec rec;

	while (s->km.fd >= 0 && kmsg_next(&s->km, &rec) > 0)
		if (s->watching)
			schedwatch_kmsg(&s->watch, rec.text, ktime_now_ns());
	if (s->km.eof) /* a test's FIFO lost its writers: stop polling a hung-up fd */
		kmsg_close(&s->km);
}

static void read_state(struct sup *s)
{
	enum scx_state st;

	if (scx_state_read(&st) == 0)
		schedwatch_state(&s->watch, st, ktime_now_ns());
}

static void gather(struct sup *s)
{
	read_kmsg(s);
	if (s->tr.fd >= 0)
		scxtrace_read(&s->tr);
	if (schedproc_reap(&s->sp))
		schedwatch_exited(&s->watch, ktime_now_ns());
}

/* The died or detached record, with the scheduler's output and dump. */
static json_t *leaving_record(struct sup *s, bool died, bool killed)
{
	char *tail = schedproc_log_tail(&s->sp, SCHEDSUP_LOG_TAIL), *log_dump = NULL, *all;
	struct schedwatch_info info = { .scheduler = s->o->scheduler, .log_tail = tail };
	json_t *rec;

	read_state(s);
	info.exit = schedproc_exit_json(&s->sp);
	if (s->tr.len) {
		info.dump = s->tr.dump;
		info.dump_source = "trace";
	} else if ((all = schedproc_log_tail(&s->sp, SCXTRACE_DUMP_MAX))) {
		info.dump = log_dump = schedwatch_log_dump(all);
		info.dump_source = "log";
		free(all);
	}
	rec = died ? schedwatch_died(&s->watch, &info)
		   : schedwatch_detached(&s->watch, &info, killed);
	json_decref(info.exit);
	free(log_dump);
	free(tail);
	return rec;
}

static void check_death(struct sup *s)
{
	if (s->res->died || !schedwatch_settled(&s->watch, ktime_now_ns()))
		return;
	s->res->died = true;
	emit(s, leaving_record(s, true, false));
}

/* ---- attach --------------------------------------------------------------- */

static int check_kernel(struct kt_diag *d)
{
	char ops[SCX_NAME_MAX];
	enum scx_state st;
	int rc = scx_state_read(&st);

	if (rc == -ENOENT)
		return kt_diag_set(d, ENOTSUP, "this kernel has no sched_ext (no "
				   "/sys/kernel/sched_ext); boot one built with "
				   "CONFIG_SCHED_CLASS_EXT, e.g. with 'ktstr run --kernel'");
	if (rc < 0)
		return kt_diag_set(d, -rc, "cannot read sched_ext's state: %s", strerror(-rc));
	if (st != SCX_STATE_DISABLED)
		return kt_diag_set(d, EBUSY, "another BPF scheduler ('%s') is %s; stop it first",
				   scx_ops_read(ops, sizeof(ops)) == 0 ? ops : "?",
				   scx_state_name(st));
	return 0;
}

static int wait_attach(struct sup *s, char *ops, size_t size, struct kt_diag *d)
{
	uint64_t start = ktime_now_ns(), deadline = start + s->o->attach_timeout_ns;
	struct pollfd p[3] = { { .fd = s->sp.pidfd, .events = POLLIN },
			       { .fd = s->km.fd, .events = POLLIN },
			       { .fd = kt_signals_fd(), .events = POLLIN } };
	enum scx_state st = SCX_STATE_DISABLED;

	for (;;) {
		read_kmsg(s); /* older lines are not this scheduler's exit */
		if (scx_state_read(&st) == 0 && st == SCX_STATE_ENABLED &&
		    scx_ops_read(ops, size) == 0)
			return 0;
		if (schedproc_reap(&s->sp))
			return kt_diag_set(d, ECHILD, "scheduler '%s' exited with status %d before "
					   "attaching", s->o->scheduler,
					   WIFSIGNALED(s->sp.status) ? 128 + WTERMSIG(s->sp.status)
								     : WEXITSTATUS(s->sp.status));
		if (kt_stopping())
			return kt_diag_set(d, EINTR, "interrupted while scheduler '%s' was "
					   "attaching", s->o->scheduler);
		if (ktime_now_ns() >= deadline)
			return kt_diag_set(d, ETIMEDOUT, "scheduler '%s' did not attach within "
					   "%.1f s (sched_ext state: %s)", s->o->scheduler,
					   (double)s->o->attach_timeout_ns / 1e9,
					   scx_state_name(st));
		poll(p, 3, ATTACH_TICK_MS);
	}
}

static int attach(struct sup *s, struct kt_diag *d)
{
	char ops[SCX_NAME_MAX];
	uint64_t t0 = ktime_now_ns();
	struct utsname u;
	int rc;

	if ((rc = check_kernel(d)) < 0 || (rc = schedproc_start(&s->sp, s->o->sched_argv, d)) < 0)
		return rc;
	if ((rc = wait_attach(s, ops, sizeof(ops), d)) < 0)
		return rc;
	schedwatch_init(&s->watch, ops);
	s->watching = true;
	s->res->attached = true;
	emit(s, schedwatch_attached(ops, s->o->scheduler, (int)s->sp.pid,
				    uname(&u) == 0 ? u.release : NULL, s->o->labels,
				    ktime_now_ns() - t0));
	return 0; /* a failed write of that record is res->out_errno: the caller stops it */
}

/* ---- the command ---------------------------------------------------------- */

static int start_command(struct sup *s, struct kt_diag *d)
{
	int p[2], errp[2], e = 0;
	sigset_t none;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return kt_diag_set(d, errno, "cannot create a pipe: %s", strerror(errno));
	s->cmd_pid = fork();
	if (s->cmd_pid < 0)
		return kt_diag_set(d, errno, "cannot fork: %s", strerror(errno));
	if (s->cmd_pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(p[1], STDOUT_FILENO) >= 0)
			execvp(s->o->cmd_argv[0], s->o->cmd_argv);
		e = errno;
		if (write(errp[1], &e, sizeof(e)) < 0) {
			/* exit status 127 says enough */
		}
		_exit(127);
	}
	close(p[1]);
	close(errp[1]);
	s->cmd_fd = p[0];
	fcntl(s->cmd_fd, F_SETFL, O_NONBLOCK);
	do
		n = read(errp[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	if (n == sizeof(e))
		return kt_diag_set(d, e, "cannot run '%s': %s", s->o->cmd_argv[0], strerror(e));
	return 0;
}

/* Copy what the command wrote; a waiting record goes in at the first line end. */
static void pump_command(struct sup *s)
{
	char buf[65536], *nl;
	ssize_t n = read(s->cmd_fd, buf, sizeof(buf));
	size_t first;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		close(s->cmd_fd);
		s->cmd_fd = -1;
		return;
	}
	nl = s->pending ? memchr(buf, '\n', (size_t)n) : NULL;
	first = nl ? (size_t)(nl - buf) + 1 : 0;
	copy_out(s, buf, first);
	emit(s, NULL);
	copy_out(s, buf + first, (size_t)n - first);
}

static void reap_command(struct sup *s)
{
	int status;

	if (s->cmd_pid <= 0 || waitpid(s->cmd_pid, &status, WNOHANG) != s->cmd_pid)
		return;
	s->res->cmd_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	s->cmd_pid = 0;
}

/* A stop signal, or nobody reading our output: the command stops, firmly if need be. */
static void stop_command(struct sup *s)
{
	uint64_t now = ktime_now_ns();

	if (s->cmd_pid <= 0)
		return;
	if (!s->signalled) {
		s->signalled = true;
		s->sigkill_at = now + CMD_STOP_NS;
		kill(s->cmd_pid, kt_stopping() ? kt_stop_signal() : SIGTERM);
	} else if (now >= s->sigkill_at) {
		kill(s->cmd_pid, SIGKILL);
	}
}

static void supervise(struct sup *s)
{
	struct pollfd p[5];

	while (s->cmd_fd >= 0 || s->cmd_pid > 0) {
		p[0] = (struct pollfd){ .fd = s->cmd_fd, .events = POLLIN };
		/* an exited scheduler's pidfd stays readable: poll it only while it runs */
		p[1] = (struct pollfd){ .fd = s->sp.exited ? -1 : s->sp.pidfd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = s->km.fd, .events = POLLIN };
		p[3] = (struct pollfd){ .fd = s->tr.fd, .events = POLLIN };
		p[4] = (struct pollfd){ .fd = kt_signals_fd(), .events = POLLIN };
		poll(p, 5, s->cmd_fd >= 0 ? TICK_MS : 10);
		if (s->cmd_fd >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			pump_command(s);
		if (s->res->out_errno && s->cmd_fd >= 0) { /* nobody reads: discard */
			close(s->cmd_fd);
			s->cmd_fd = -1;
		}
		gather(s);
		if (!s->watch.dead)
			read_state(s);
		check_death(s);
		reap_command(s);
		if (kt_stopping() || s->res->out_errno)
			stop_command(s);
	}
}

/* The command is over: stop the scheduler and say how it left. */
static void detach(struct sup *s)
{
	uint64_t deadline;
	bool killed;

	gather(s);
	if (!s->watch.dead)
		read_state(s);
	while (s->watch.dead && !s->res->died) { /* it died just now: finish the report */
		gather(s);
		check_death(s);
		if (!s->res->died)
			poll(NULL, 0, TICK_MS);
	}
	killed = schedproc_stop(&s->sp, s->o->stop_timeout_ns) == 1;
	if (s->res->died)
		return;
	/* the kernel's "disabled (unregistered from user space)" line names the reason */
	deadline = ktime_now_ns() + DETACH_WAIT_NS;
	while (!s->watch.reason[0] && s->km.fd >= 0 && ktime_now_ns() < deadline) {
		struct pollfd p = { .fd = s->km.fd, .events = POLLIN };

		poll(&p, 1, TICK_MS);
		read_kmsg(s);
	}
	read_state(s);
	emit(s, leaving_record(s, false, killed));
}

int schedsup_run(const struct schedsup_opts *o, FILE *out, struct schedsup_result *res,
		 struct kt_diag *d)
{
	struct sup s = { .o = o, .res = res, .out = out, .cmd_fd = -1, .line_start = true };
	int rc;

	memset(res, 0, sizeof(*res));
	res->cmd_status = -1;
	ndjson_writer_init(&s.w, out);
	schedproc_init(&s.sp);
	if ((rc = kmsg_open(&s.km)) < 0) { /* the caller says so */
		res->kmsg_errno = -rc;
		s.km.fd = -1;
	}
	if (scxtrace_open(&s.tr) < 0)
		s.tr.fd = -1; /* the dump then comes from the scheduler's own output */
	if ((rc = attach(&s, d)) < 0) {
		res->log_tail = schedproc_log_tail(&s.sp, SCHEDSUP_LOG_TAIL);
		if (!res->out_errno)
			error_record(&s, d->msg, res->log_tail);
		goto out;
	}
	/*
	 * The output failed already (the attached record): run no command, but
	 * stop the attached scheduler the normal way.
	 */
	if (!res->out_errno && (rc = start_command(&s, d)) < 0) {
		if (s.cmd_pid > 0)
			waitpid(s.cmd_pid, NULL, 0);
		s.cmd_pid = 0;
		error_record(&s, d->msg, NULL);
		rc = 0;
		res->cmd_status = 127;
	}
	supervise(&s);
	detach(&s);
	emit_final(&s);
	res->interrupted = kt_stopping() || res->out_errno;
out:
	json_decref(s.pending);
	if (s.cmd_fd >= 0)
		close(s.cmd_fd);
	schedproc_release(&s.sp);
	if (s.watching)
		schedwatch_release(&s.watch);
	scxtrace_close(&s.tr);
	kmsg_close(&s.km);
	return rc;
}

void schedsup_result_release(struct schedsup_result *res)
{
	free(res->log_tail);
	res->log_tail = NULL;
}
