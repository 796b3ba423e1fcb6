// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <time.h>

#include "ktime.h"

static uint64_t read_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * KTIME_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t ktime_now_ns(void)
{
	return read_clock(CLOCK_MONOTONIC);
}

uint64_t ktime_real_ns(void)
{
	return read_clock(CLOCK_REALTIME);
}

int ktime_sleep_until_ns(uint64_t deadline_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ns / KTIME_NS_PER_SEC),
		.tv_nsec = (long)(deadline_ns % KTIME_NS_PER_SEC),
	};
	int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

	return rc ? -rc : 0;
}
