// SPDX-License-Identifier: GPL-2.0
/*
 * The reference point for bench/work-overhead.sh: ktstr-work's unit of CPU
 * work (lib/spin.h) in a bare loop, with no checkpoints and no shared
 * memory.  Prints {"work_units":N,"cpu_time_ns":N} after SECONDS of wall time.
 *
 *   spin_bare SECONDS
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "spin.h"

static volatile sig_atomic_t done;

static void on_alarm(int signo)
{
	(void)signo;
	done = 1;
}

int main(int argc, char **argv)
{
	struct timespec ts;
	uint64_t units = 0;
	int secs = argc > 1 ? atoi(argv[1]) : 3;

	if (secs < 1)
		secs = 1;
	signal(SIGALRM, on_alarm);
	alarm((unsigned)secs);
	while (!done)
		units = spin_units(units, 1024);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	printf("{\"work_units\":%llu,\"cpu_time_ns\":%llu}\n", (unsigned long long)units,
	       (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec);
	return 0;
}
