// SPDX-License-Identifier: GPL-2.0
/* The poll loop, pass-through, and the ways the loop ends.  Record handlers: workstream_rec.c. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit.h"
#include "ktime.h"
#include "sig.h"
#include "workstream_int.h"

void workstream_init(struct workstream *s, struct workpool *pool, int in_fd, FILE *out,
		     bool act)
{
	memset(s, 0, sizeof(*s));
	s->pool = pool;
	s->in_fd = in_fd;
	s->in_flags = -1;
	s->act = act;
	ndjson_reader_init(&s->rd, in_fd);
	ndjson_writer_init(&s->w, out);
}

void workstream_release(struct workstream *s)
{
	if (s->in_flags >= 0)
		fcntl(s->rd.fd, F_SETFL, s->in_flags);
	ndjson_reader_release(&s->rd);
	free(s->scenario);
	s->scenario = NULL;
}

static int note_write(struct workstream *s, int rc)
{
	if (rc < 0 && !s->write_err)
		s->write_err = rc;
	return rc;
}

int workstream_emit(struct workstream *s, json_t *rec)
{
	if (s->write_err) {
		json_decref(rec);
		return s->write_err;
	}
	return note_write(s, ndjson_write_new(&s->w, rec));
}

int ws_forward(struct workstream *s)
{
	if (s->write_err)
		return s->write_err;
	return note_write(s, ndjson_write_line(&s->w, &s->rd));
}

int ws_emit_cb(void *arg, json_t *rec)
{
	return workstream_emit(arg, rec);
}

int ws_stop(struct workstream *s, const struct workpool_sel *sel, const char *reason,
	    bool discard)
{
	int n = workpool_stop(s->pool, sel, reason, discard || s->write_err, ws_emit_cb, s);

	if (n > 0)
		s->incomplete += n;
	return n;
}

int workstream_stop_all(struct workstream *s, const char *reason)
{
	struct workpool_sel all = { .kind = WORKPOOL_SEL_ALL };

	return ws_stop(s, &all, reason, false);
}

int workstream_first_topo(struct workstream *s, struct topo *t, struct kt_diag *d)
{
	json_t *rec;
	int rc;

	if (s->in_fd < 0)
		return 0;
	do
		rc = kt_stopping() ? -EINTR : ndjson_next(&s->rd, &rec, d);
	while (rc == -EINTR && !kt_stopping());
	if (rc == -EINTR)
		kt_diag_set(d, EINTR, "interrupted");
	if (rc <= 0)
		return rc;
	rc = ws_forward(s);
	if (!rc && !strcmp(ndjson_type(rec), "topo"))
		rc = topo_from_json(t, rec, d) < 0 ? -EINVAL : 1;
	json_decref(rec);
	return rc;
}

/* Everything ends here: stop and report (or kill) every worker, pick the exit code. */
static int finish(struct workstream *s, const char *reason)
{
	struct workpool_sel all = { .kind = WORKPOOL_SEL_ALL };
	bool gone = kt_stop_signal() == SIGPIPE;

	ws_stop(s, &all, reason, gone);
	if (s->write_err == -EPIPE || gone)
		return KT_EXIT_INTR;
	if (s->write_err)
		return KT_EXIT_ENV;
	if (!strcmp(reason, "signal"))
		return KT_EXIT_INTR;
	return s->incomplete ? KT_EXIT_FAIL : KT_EXIT_OK;
}

/* Bad input: an error record and a message naming the line, no worker left, exit 2. */
int ws_fatal(struct workstream *s, const char *msg)
{
	struct workpool_sel all = { .kind = WORKPOOL_SEL_ALL };
	json_t *rec = ndjson_error_record(msg, true);

	if (rec)
		json_object_set_new(rec, "line", json_integer(s->rd.lineno));
	workstream_emit(s, rec);
	kt_warnx("%s; fix the input stream (see ktstr-ndjson(5))", msg);
	ws_stop(s, &all, "error", true);
	return KT_EXIT_USAGE;
}

enum { PUMP_MORE = -1 };

/* Handle every complete input line; PUMP_MORE when the input has nothing more for now. */
static int pump(struct workstream *s)
{
	struct kt_diag d;
	json_t *rec;
	int rc;

	for (;;) {
		rc = ndjson_next(&s->rd, &rec, &d);
		if (rc == -EAGAIN || rc == -EINTR)
			return PUMP_MORE;
		if (rc < 0)
			return ws_fatal(s, d.msg);
		if (rc == 0) {
			s->in_fd = -1;
			return s->act ? finish(s, "eof") : PUMP_MORE;
		}
		rc = s->act ? ws_handle(s, rec) : ws_forward(s);
		json_decref(rec);
		if (rc != 0)
			return rc > 0 ? rc : PUMP_MORE; /* write errors end the loop below */
	}
}

static int poll_timeout_ms(uint64_t deadline_ns)
{
	uint64_t now = ktime_now_ns();

	if (!deadline_ns)
		return -1;
	return now >= deadline_ns ? 0 : (int)((deadline_ns - now) / 1000000u) + 1;
}

int workstream_run(struct workstream *s, uint64_t deadline_ns)
{
	struct pollfd pfd[3];
	int rc;

	if (s->in_fd >= 0) {
		s->in_flags = fcntl(s->in_fd, F_GETFL);
		if (s->in_flags >= 0)
			fcntl(s->in_fd, F_SETFL, s->in_flags | O_NONBLOCK);
	}
	for (;;) {
		if (s->write_err)
			return finish(s, "signal");
		if (kt_stopping())
			return finish(s, "signal");
		if (deadline_ns && ktime_now_ns() >= deadline_ns)
			return finish(s, "duration");
		pfd[0] = (struct pollfd){ .fd = kt_signals_fd(), .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = workpool_fd(s->pool), .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = s->in_fd, .events = POLLIN };
		poll(pfd, s->in_fd >= 0 ? 3 : 2, poll_timeout_ms(deadline_ns));
		if (pfd[1].revents)
			workpool_reap(s->pool);
		if (s->in_fd >= 0 && pfd[2].revents) {
			rc = pump(s);
			if (rc != PUMP_MORE)
				return rc;
		}
	}
}
