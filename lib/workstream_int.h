/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to lib/workstream*.c. */
#ifndef KTSTR_WORKSTREAM_INT_H
#define KTSTR_WORKSTREAM_INT_H

#include "workstream.h"

/* Forward the record just read, unchanged. */
int ws_forward(struct workstream *s);
int ws_emit_cb(void *arg, json_t *rec);
int ws_stop(struct workstream *s, const struct workpool_sel *sel, const char *reason,
	    bool discard);
/* Error record + message + kill everything; returns KT_EXIT_USAGE. */
int ws_fatal(struct workstream *s, const char *msg);
/* Forward and carry out one record: 0 to go on, < 0 a write error, > 0 an exit code. */
int ws_handle(struct workstream *s, const json_t *rec);

#endif
