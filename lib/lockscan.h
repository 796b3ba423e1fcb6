/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A read-only census of every ktstr lock file on the host, for ktstr-locks:
 * it lists directories and stat()s files, and never opens or locks one.
 *
 *   json_t *snap = lockscan_snapshot(&topo);       topo may be NULL
 *   json_dumpf(snap, stdout, JSON_INDENT(2));       or
 *   lockscan_print_text(snap, stdout);
 *   json_decref(snap);
 *
 * The snapshot (field names are a stable interface, see ktstr-locks(1)):
 *
 *   {"lock_dir": "/tmp", "cache_lock_dir": "/root/.cache/ktstr/kernels/.locks",
 *    "llcs":     [{"llc_idx": 0, "numa_node": 0, "cpus": [0,1], LOCK}],
 *    "cpus":     [{"cpu": 3, "numa_node": 0, "llc_idx": 0, LOCK}],
 *    "cache":    [{"cache_key": "6.12-x86_64-ab12", LOCK}],
 *    "run_dirs": [{"run_key": "6.12-abc1234", LOCK}],
 *    "errors":   [{"path": "/proc/locks", "error": "Permission denied"}]}
 *   LOCK = "lockfile": path, "holders": [{"pid": 12, "mode": "exclusive",
 *          "cmdline": "..."}], "error": null or why the file could not be read
 *
 * Rows are sorted by index or key; every lock file gets a row, held or not.
 * numa_node, cpus and llc_idx are null when the host topology does not know
 * them.  A missing cache lock directory is an empty list; anything that could
 * not be read is reported in "errors" or the row's "error", never fatal.
 */
#ifndef KTSTR_LOCKSCAN_H
#define KTSTR_LOCKSCAN_H

#include <stdio.h>

#include <jansson.h>

#include "topo.h"

/* NULL (errno ENOMEM) only when out of memory. */
json_t *lockscan_snapshot(const struct topo *t);
/* Four blocks (LLC, per-CPU, cache-entry, run-dir locks), then any errors. */
void lockscan_print_text(const json_t *snap, FILE *f);

#endif
