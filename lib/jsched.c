// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsched.h"

void jsched_init(struct jsched *js)
{
	memset(js, 0, sizeof(*js));
}

void jsched_release(struct jsched *js)
{
	free(js->ops);
	free(js->kernel);
	json_decref(js->labels);
	jsched_init(js);
}

static void set_str(char **dst, const json_t *rec, const char *key)
{
	const char *v = json_string_value(json_object_get(rec, key));

	if (!v)
		return;
	free(*dst);
	*dst = strdup(v);
}

enum jsched_event jsched_feed(struct jsched *js, const json_t *rec)
{
	const char *event = json_string_value(json_object_get(rec, "event"));
	const json_t *labels = json_object_get(rec, "labels");

	if (!event)
		return JSCHED_NONE;
	if (!strcmp(event, "died"))
		return JSCHED_DIED;
	if (!strcmp(event, "detached"))
		return JSCHED_DETACHED;
	if (strcmp(event, "attached"))
		return JSCHED_NONE;
	set_str(&js->ops, rec, "ops");
	set_str(&js->kernel, rec, "kernel");
	if (json_is_object(labels) && json_object_size(labels)) {
		json_decref(js->labels);
		js->labels = json_deep_copy(labels);
	}
	return JSCHED_ATTACHED;
}

static const char *str(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : dflt;
}

/*
 * Members of the died record that travel with the detail, for --json and
 * --ndjson; its "message" (the kernel's exit message) becomes "exit_message".
 */
static const char *const carried[] = { "ops",  "exit_kind", "reason",	"exit", "seen",
				       "kmsg", "log_tail",  "dump",	"dump_source" };

static void append(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void append(char **text, const char *fmt, ...)
{
	char *more = NULL, *both = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&more, fmt, ap);
	va_end(ap);
	if (n >= 0 && asprintf(&both, "%s%s", *text, more) >= 0) {
		free(*text);
		*text = both;
	}
	if (n >= 0)
		free(more);
}

json_t *jsched_died_detail(const json_t *rec, const char *scenario)
{
	const char *msg = str(rec, "message", NULL), *reason = str(rec, "reason", NULL);
	char *text = NULL;
	json_int_t sig;
	json_t *d, *v;
	size_t i;

	if (asprintf(&text, "scheduler '%s' died %s%s: %s%s%s%s", str(rec, "ops", "?"),
		     scenario ? "during " : "between scenarios", scenario ? scenario : "",
		     str(rec, "exit_kind", "unknown"),
		     reason ? " (" : "", reason ? reason : "", reason ? ")" : "") < 0)
		return NULL;
	if (msg)
		append(&text, ": %s", msg);
	sig = json_integer_value(json_object_get(json_object_get(rec, "exit"), "signal"));
	if (sig)
		append(&text, "; its process was killed by signal %d", (int)sig);
	d = json_pack("{s:s, s:s}", "kind", "SchedulerDied", "message", text);
	free(text);
	for (i = 0; d && i < sizeof(carried) / sizeof(carried[0]); i++)
		if ((v = json_object_get(rec, carried[i])))
			json_object_set(d, carried[i], v);
	if (d && (v = json_object_get(rec, "message")))
		json_object_set(d, "exit_message", v);
	return d;
}

void jsched_annotate(const struct jsched *js, json_t *verdict)
{
	if (js->ops)
		json_object_set_new(verdict, "scheduler", json_string(js->ops));
	if (js->kernel)
		json_object_set_new(verdict, "kernel", json_string(js->kernel));
	if (js->labels)
		json_object_set_new(verdict, "labels", json_deep_copy(js->labels));
}
