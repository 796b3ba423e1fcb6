// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "term.h"

void term_init(struct term *t)
{
	t->fd = -1;
	t->saved = false;
}

int term_raw(struct term *t, int fd)
{
	struct termios raw;

	if (tcgetattr(fd, &t->orig) < 0)
		return -errno;
	t->fd = fd;
	t->saved = true;
	raw = t->orig;
	cfmakeraw(&raw);
	if (tcsetattr(fd, TCSAFLUSH, &raw) < 0)
		return -errno;
	return 0;
}

void term_restore(struct term *t)
{
	if (!t->saved)
		return;
	tcsetattr(t->fd, TCSAFLUSH, &t->orig);
	t->saved = false;
}

int term_size(int fd, unsigned *rows, unsigned *cols)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return -errno;
	if (!ws.ws_row || !ws.ws_col)
		return -ENOTTY;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return 0;
}
