// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "file.h"
#include "paths.h"
#include "scx.h"

#define KMSG_PREFIX "sched_ext: "

static const char *const state_names[] = {
	[SCX_STATE_DISABLED] = "disabled",
	[SCX_STATE_ENABLING] = "enabling",
	[SCX_STATE_ENABLED] = "enabled",
	[SCX_STATE_DISABLING] = "disabling",
	[SCX_STATE_UNKNOWN] = "unknown",
};

const char *scx_state_name(enum scx_state st)
{
	return st <= SCX_STATE_UNKNOWN ? state_names[st] : "unknown";
}

int scx_state_read(enum scx_state *st)
{
	char path[512], buf[64];
	int rc, i;

	if ((rc = paths_fmt(path, sizeof(path), "%s/kernel/sched_ext/state", paths_sysfs())) < 0)
		return rc;
	if ((rc = file_read_str(path, buf, sizeof(buf))) < 0)
		return rc;
	*st = SCX_STATE_UNKNOWN;
	for (i = 0; i < SCX_STATE_UNKNOWN; i++)
		if (!strcmp(buf, state_names[i]))
			*st = (enum scx_state)i;
	return 0;
}

int scx_ops_read(char *buf, size_t size)
{
	char path[512];
	int rc;

	if ((rc = paths_fmt(path, sizeof(path), "%s/kernel/sched_ext/root/ops", paths_sysfs())) < 0)
		return rc;
	if ((rc = file_read_str(path, buf, size)) < 0)
		return rc;
	return *buf ? 0 : -ENOENT;
}

/* kernel/sched/ext.c, scx_exit_reason(): reason string -> enum scx_exit_kind, by name. */
static const struct {
	const char *reason, *kind;
	bool error;
} exit_kinds[] = {
	{ "unregistered from user space", "unregistered", false },
	{ "unregistered from BPF", "unregistered_bpf", false },
	{ "unregistered from the main kernel", "unregistered_kernel", false },
	{ "disabled by sysrq-S", "sysrq", false },
	{ "runtime error", "error", true },
	{ "scx_bpf_error", "error_bpf", true },
	{ "runnable task stall", "stall", true },
};

#define NKINDS (sizeof(exit_kinds) / sizeof(exit_kinds[0]))

const char *scx_exit_kind(const char *reason)
{
	size_t i;

	for (i = 0; reason && i < NKINDS; i++)
		if (!strcmp(reason, exit_kinds[i].reason))
			return exit_kinds[i].kind;
	return "unknown";
}

bool scx_exit_kind_is_error(const char *kind)
{
	size_t i;

	for (i = 0; kind && i < NKINDS; i++)
		if (!strcmp(kind, exit_kinds[i].kind))
			return exit_kinds[i].error;
	return false;
}

/* Copy s up to the first ch into out; returns the position after ch, or NULL. */
static const char *copy_until(const char *s, char ch, char *out, size_t size)
{
	const char *end = strchr(s, ch);

	if (!end || (size_t)(end - s) >= size)
		return NULL;
	memcpy(out, s, (size_t)(end - s));
	out[end - s] = '\0';
	return end + 1;
}

/* BPF scheduler "NAME" enabled... | disabled (REASON) */
static bool parse_scheduler_line(const char *s, struct scx_kmsg *m)
{
	static const char head[] = "BPF scheduler \"";
	const char *p;

	if (strncmp(s, head, sizeof(head) - 1))
		return false;
	p = copy_until(s + sizeof(head) - 1, '"', m->ops, sizeof(m->ops));
	if (!p)
		return false;
	if (!strncmp(p, " enabled", 8)) {
		m->kind = SCX_KMSG_ENABLED;
		return true;
	}
	if (strncmp(p, " disabled (", 11) || !copy_until(p + 11, ')', m->reason, sizeof(m->reason)))
		return false;
	m->kind = SCX_KMSG_DISABLED;
	return true;
}

/* NAME: message, where NAME is an ops name (no spaces or quotes). */
static bool parse_message_line(const char *s, struct scx_kmsg *m)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	if (!n || n >= sizeof(m->ops) || s[n] != ':' || s[n + 1] != ' ')
		return false;
	memcpy(m->ops, s, n);
	m->ops[n] = '\0';
	m->text = s + n + 2;
	m->kind = SCX_KMSG_MESSAGE;
	return true;
}

enum scx_kmsg_kind scx_kmsg_parse(const char *line, struct scx_kmsg *m)
{
	const char *s;

	memset(m, 0, sizeof(*m));
	if (strncmp(line, KMSG_PREFIX, sizeof(KMSG_PREFIX) - 1))
		return m->kind = SCX_KMSG_NONE;
	s = line + sizeof(KMSG_PREFIX) - 1;
	if (parse_scheduler_line(s, m) || parse_message_line(s, m))
		return m->kind;
	memset(m, 0, sizeof(*m));
	return m->kind = SCX_KMSG_OTHER;
}
