/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Relay a running guest's channels to the host while it runs:
 *
 *   ttyS1 (out)   -> stdout, byte for byte; in interactive mode stdin -> ttyS1
 *   ttyS2 (err)   -> stderr
 *   ttyS0 console -> stderr with --dmesg; its last RELAY_TAIL bytes are kept
 *                    either way, to show when the guest panics or hangs
 *   ttyS3 control -> "init <uptime>", "warn <text>", "exit <status>" lines
 *   backend diag  -> kept (qemu's stderr), shown on failure or with -v
 *
 *   struct relay r;
 *   relay_init(&r, &guest, interactive, dmesg, verbose);
 *   r.idle_ns = ...;                       optional: end when ttyS1 is silent that long
 *                                          after /init started (before: RELAY_BOOT_NS
 *                                          or idle_ns, whichever is longer)
 *   end = relay_run(&r, deadline_ns);      until the guest stops, or why not
 *   ... stop the guest if it still runs ...
 *   relay_drain(&r);                       what the guest wrote before stopping
 *
 * In interactive mode Ctrl-A x ends the VM (RELAY_ESCAPE) and Ctrl-A Ctrl-A
 * sends one Ctrl-A.  A write error on stdout ends the relay: EPIPE (the
 * reader went away) is RELAY_OUTPUT_GONE.
 */
#ifndef KTSTR_VMM_RELAY_H
#define KTSTR_VMM_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

#define RELAY_TAIL (16u << 10)
#define RELAY_DIAG (16u << 10)
#define RELAY_CTL_LINE 512
#define RELAY_BOOT_NS (120ull * 1000000000) /* the least idle_ns allows before /init starts */

enum relay_end {
	RELAY_STOPPED,	   /* the guest stopped by itself */
	RELAY_SIGNAL,	   /* SIGINT/SIGTERM/SIGHUP reached ktstr-vm */
	RELAY_TIMEOUT,	   /* the deadline passed */
	RELAY_IDLE,	   /* the guest wrote nothing on ttyS1 for idle_ns */
	RELAY_OUTPUT_GONE, /* stdout's reader went away */
	RELAY_ESCAPE,	   /* Ctrl-A x */
	RELAY_IO_ERROR,	   /* stdout or stderr failed otherwise (errno in write_errno) */
};

struct relay {
	struct vm_guest *g; /* borrowed */
	bool interactive, dmesg, verbose;
	bool ctl_open[VM_NCHAN];
	bool diag_open, in_open;
	char tail[RELAY_TAIL]; /* the console's last bytes */
	size_t tail_len;
	char diag[RELAY_DIAG];
	size_t diag_len;
	char ctl[RELAY_CTL_LINE];
	size_t ctl_len;
	char pending[4096]; /* stdin bytes not yet taken by the guest */
	size_t pending_len;
	bool escape;	    /* the last stdin byte was Ctrl-A */
	int exit_status;    /* the guest's "exit N", or -1 */
	char init_uptime[32]; /* the guest's "init X", or "" */
	uint64_t start_ns, init_ns;
	uint64_t idle_ns;     /* 0, or how long ttyS1 may stay silent */
	uint64_t last_out_ns; /* when ttyS1 last had data (or the start) */
	int write_errno;
};

void relay_init(struct relay *r, struct vm_guest *g, bool interactive, bool dmesg, bool verbose);
enum relay_end relay_run(struct relay *r, uint64_t deadline_ns);
void relay_drain(struct relay *r);
/* The console's last lines, for a failure report (at most max_lines). */
void relay_print_tail(const struct relay *r, unsigned max_lines);
/* The kernel's panic line if the console has one, else NULL; copies into buf. */
const char *relay_panic_line(const struct relay *r, char *buf, size_t size);

#endif
