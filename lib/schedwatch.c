// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"
#include "schedwatch.h"

#define DUMP_BEGIN "DEBUG DUMP\n"
#define DUMP_RULE                                                                          \
	"========================================"                                         \
	"========================================\n"

void schedwatch_init(struct schedwatch *w, const char *ops)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->ops, sizeof(w->ops), "%s", ops ? ops : "");
	w->kmsg = json_array();
}

void schedwatch_release(struct schedwatch *w)
{
	free(w->message);
	json_decref(w->kmsg);
	memset(w, 0, sizeof(*w));
}

static void sign(struct schedwatch *w, const char *what, uint64_t now_ns)
{
	if (w->dead)
		return;
	w->dead = true;
	w->dead_ns = now_ns;
	w->first_sign = what;
}

void schedwatch_kmsg(struct schedwatch *w, const char *text, uint64_t now_ns)
{
	struct scx_kmsg m;

	switch (scx_kmsg_parse(text, &m)) {
	case SCX_KMSG_DISABLED:
		if (strcmp(m.ops, w->ops) || w->reason[0])
			break;
		snprintf(w->reason, sizeof(w->reason), "%s", m.reason);
		sign(w, "kmsg", now_ns);
		break;
	case SCX_KMSG_MESSAGE:
		if (w->reason[0] && !w->message && !strcmp(m.ops, w->ops))
			w->message = strdup(m.text);
		break;
	default:
		break;
	}
	/* from the exit on, every line: the message, the backtrace, what follows */
	if (w->reason[0] && json_array_size(w->kmsg) < SCHEDWATCH_KMSG_MAX)
		json_array_append_new(w->kmsg, json_string(text));
}

void schedwatch_state(struct schedwatch *w, enum scx_state st, uint64_t now_ns)
{
	w->state = st;
	w->state_known = true;
	if (st != SCX_STATE_ENABLED)
		sign(w, "state", now_ns);
}

void schedwatch_exited(struct schedwatch *w, uint64_t now_ns)
{
	w->exited = true;
	sign(w, "exit", now_ns);
}

bool schedwatch_settled(const struct schedwatch *w, uint64_t now_ns)
{
	if (!w->dead)
		return false;
	if (w->reason[0] && w->exited)
		return true;
	return now_ns - w->dead_ns >= SCHEDWATCH_GRACE_NS;
}

char *schedwatch_log_dump(const char *log)
{
	const char *b = log ? strstr(log, DUMP_BEGIN DUMP_RULE) : NULL, *e;

	if (!b)
		return NULL;
	b += sizeof(DUMP_BEGIN DUMP_RULE) - 1;
	if (*b == '\n')
		b++;
	e = strstr(b, "\n" DUMP_RULE);
	return e ? strndup(b, (size_t)(e - b) + 1) : strdup(b);
}

json_t *schedwatch_attached(const char *ops, const char *scheduler, int pid, const char *kernel,
			    const json_t *labels, uint64_t attach_ns)
{
	json_t *r = ndjson_record("scheduler");

	json_object_update_new(r, json_pack("{s:s, s:s, s:s, s:i, s:s?, s:O, s:I}", "event",
					    "attached", "ops", ops, "scheduler", scheduler, "pid",
					    pid, "kernel", kernel, "labels", labels, "attach_ns",
					    (json_int_t)attach_ns));
	return r;
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* What died and detached records share. */
static json_t *leaving(const struct schedwatch *w, const struct schedwatch_info *info,
		       const char *event)
{
	json_t *r = ndjson_record("scheduler");

	json_object_update_new(r, json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:O, s:o}",
					    "event", event, "ops", w->ops, "scheduler",
					    info->scheduler, "reason", str_or_null(w->reason),
					    "exit_kind",
					    w->reason[0] ? scx_exit_kind(w->reason) : "unknown",
					    "message", str_or_null(w->message), "state",
					    w->state_known ? json_string(scx_state_name(w->state))
							   : json_null(),
					    "exit", info->exit, "kmsg", json_copy(w->kmsg)));
	return r;
}

json_t *schedwatch_died(const struct schedwatch *w, const struct schedwatch_info *info)
{
	json_t *r = leaving(w, info, "died");

	json_object_update_new(r, json_pack("{s:s, s:o, s:o, s:o}", "seen", w->first_sign,
					    "log_tail", str_or_null(info->log_tail), "dump",
					    str_or_null(info->dump), "dump_source",
					    info->dump ? str_or_null(info->dump_source)
						       : json_null()));
	return r;
}

json_t *schedwatch_detached(const struct schedwatch *w, const struct schedwatch_info *info,
			    bool killed)
{
	json_t *r = leaving(w, info, "detached");

	json_object_set_new(r, "killed", json_boolean(killed));
	return r;
}
