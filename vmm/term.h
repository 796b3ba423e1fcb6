/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host terminal in interactive mode: raw while the guest owns it, and
 * restored on every way out.
 *
 *   struct term t;
 *   term_init(&t);
 *   term_raw(&t, STDIN_FILENO);    saves the settings, then cfmakeraw
 *   ...
 *   term_restore(&t);              idempotent; also after a failed term_raw
 */
#ifndef KTSTR_VMM_TERM_H
#define KTSTR_VMM_TERM_H

#include <stdbool.h>
#include <termios.h>

struct term {
	int fd;
	bool saved;
	struct termios orig;
};

void term_init(struct term *t);
int term_raw(struct term *t, int fd);
void term_restore(struct term *t);
/* The window size of fd; -ENOTTY when it has none. */
int term_size(int fd, unsigned *rows, unsigned *cols);

#endif
