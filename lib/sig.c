// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "sig.h"

static volatile sig_atomic_t stop_signo;
static int self_pipe[2] = { -1, -1 };

void kt_stop_request(int signo)
{
	int e = errno;

	if (!stop_signo)
		stop_signo = signo;
	if (self_pipe[1] >= 0 && write(self_pipe[1], "", 1) < 0) {
		/* pipe full: it is readable already, which is all we need */
	}
	errno = e;
}

static void on_signal(int signo)
{
	kt_stop_request(signo);
}

void kt_signals_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned i;

	if (self_pipe[0] < 0 && pipe2(self_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		self_pipe[0] = self_pipe[1] = -1;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

bool kt_stopping(void)
{
	return stop_signo != 0;
}

int kt_stop_signal(void)
{
	return stop_signo;
}

int kt_signals_fd(void)
{
	return self_pipe[0];
}
