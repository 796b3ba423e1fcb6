/* SPDX-License-Identifier: GPL-2.0 */
/* Monotonic time in nanoseconds: the clock every record's t_ns uses. */
#ifndef KTSTR_KTIME_H
#define KTSTR_KTIME_H

#include <stdint.h>

#define KTIME_NS_PER_MS 1000000ull
#define KTIME_NS_PER_SEC 1000000000ull

uint64_t ktime_now_ns(void);	/* CLOCK_MONOTONIC */
uint64_t ktime_real_ns(void);	/* CLOCK_REALTIME, for timestamps people read */
/* Sleep until the monotonic deadline; returns -EINTR when a signal cut it short. */
int ktime_sleep_until_ns(uint64_t deadline_ns);

#endif
