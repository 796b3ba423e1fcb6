/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Render compare results for people (a table) or programs (one JSON
 * object); ktstr-hst(1) documents both.
 *
 *   struct hst_report rep = { { "a.hst.zst", "b.hst.zst" }, { &a, &b }, HST_BY_PCOMM_COMM };
 *   hst_report_text(stdout, &rep, rows, n);       0 or -ENOMEM
 *   hst_report_json(stdout, &rep, rows, n);
 *
 * A write error is not returned: it stays in the stream's error flag, for
 * the caller to report when it checks the stream (kt_finish_stdout()).
 *
 * Both start with the two snapshots (path, capture time, thread count) and
 * the host facts that differ between them (kernel, sched_ext, scheduler
 * sysctls, ...), which ktstr-hst reports but never counts as a change.
 */
#ifndef KTSTR_HST_REPORT_H
#define KTSTR_HST_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "hst_compare.h"
#include "hst_snap.h"

struct hst_report {
	const char *path[2];
	const struct hst_snap *snap[2];
	enum hst_group_by by;
};

int hst_report_text(FILE *f, const struct hst_report *rep, const struct hst_row *const *rows,
		    size_t n);
int hst_report_json(FILE *f, const struct hst_report *rep, const struct hst_row *const *rows,
		    size_t n);

#endif
