// SPDX-License-Identifier: GPL-2.0
/*
 * hst-threads: a process with many threads, for t/hst.bats and
 * bench/hst-capture.sh.
 *
 *   hst-threads [-b BUSY] [-n NAME] IDLE
 *
 * Starts IDLE threads that sleep and BUSY threads that spin, all named NAME
 * (default "hst-idle"; the process itself too), prints "ready" on stdout once
 * all exist, and lives until SIGTERM, SIGINT or its parent's death.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static void *spin(void *arg)
{
	while (!stop)
		;
	return arg;
}

static void *sleeper(void *arg)
{
	while (!stop)
		pause();
	return arg;
}

static int start(long n, void *(*fn)(void *), const char *name)
{
	pthread_attr_t at;
	pthread_t t;
	long i;

	pthread_attr_init(&at);
	/* small stacks: 2000 threads must not need 16 GiB of address space */
	pthread_attr_setstacksize(&at, 64 * 1024);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < n; i++) {
		if (pthread_create(&t, &at, fn, NULL) != 0) {
			fprintf(stderr, "hst-threads: cannot start thread %ld of %ld\n", i + 1, n);
			return -1;
		}
		pthread_setname_np(t, name);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *name = "hst-idle";
	long idle, busy = 0;
	sigset_t none;
	int c;

	while ((c = getopt(argc, argv, "b:n:")) != -1) {
		if (c == 'b')
			busy = strtol(optarg, NULL, 10);
		else if (c == 'n')
			name = optarg;
		else
			return 2;
	}
	if (optind != argc - 1 || strlen(name) > 15) {
		fprintf(stderr, "usage: hst-threads [-b BUSY] [-n NAME(<=15 chars)] IDLE\n");
		return 2;
	}
	idle = strtol(argv[optind], NULL, 10);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_NAME, name);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* the signal must reach this thread, not a sleeper that would just go back to sleep */
	sigemptyset(&none);
	sigaddset(&none, SIGTERM);
	sigaddset(&none, SIGINT);
	pthread_sigmask(SIG_BLOCK, &none, NULL);
	if (start(idle, sleeper, name) < 0 || start(busy, spin, name) < 0)
		return 1;
	pthread_sigmask(SIG_UNBLOCK, &none, NULL);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	return 0;
}
