/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktstr-check knows about the scheduler under test, from "scheduler"
 * records (man/ktstr-ndjson.5): its ops name, the kernel and the labels of
 * the run (such as the topology), and whether it died.  lib/judge wires
 * this into verdicts.
 *
 *   struct jsched js;
 *   jsched_init(&js);
 *   switch (jsched_feed(&js, rec)) { case JSCHED_DIED: ... }
 *   detail = jsched_died_detail(rec, "cgroup_steady/default");
 *   jsched_annotate(&js, verdict);     "scheduler", "kernel", "labels" once known
 *   jsched_release(&js);
 */
#ifndef KTSTR_JSCHED_H
#define KTSTR_JSCHED_H

#include <jansson.h>

enum jsched_event {
	JSCHED_NONE,
	JSCHED_ATTACHED,
	JSCHED_DIED,
	JSCHED_DETACHED,
};

struct jsched {
	char *ops;	/* owned; NULL until a scheduler attached */
	char *kernel;	/* owned; NULL when unknown */
	json_t *labels; /* owned object; NULL when none */
};

void jsched_init(struct jsched *js);
void jsched_release(struct jsched *js);
/* Take what a scheduler record says; returns its event, JSCHED_NONE for unknown events. */
enum jsched_event jsched_feed(struct jsched *js, const json_t *rec);
/* The failing detail of a "died" record; scenario: where it happened, NULL between scenarios. */
json_t *jsched_died_detail(const json_t *rec, const char *scenario);
void jsched_annotate(const struct jsched *js, json_t *verdict);

#endif
