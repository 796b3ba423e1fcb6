/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit of CPU work: one increment the compiler cannot fold away plus
 * the CPU's spin-wait hint (PAUSE on x86), as in the reference's
 * spin_burst().  Every work type counts its CPU work in these units, and
 * bench/spin_bare.c runs the very same unit with no instrumentation to
 * measure ktstr-work's overhead.
 *
 *   units = spin_units(units, 1024);
 */
#ifndef KTSTR_SPIN_H
#define KTSTR_SPIN_H

#include <stdint.h>

static inline uint64_t spin_units(uint64_t units, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		units++;
		/* "+r": the count lives in a register and every increment happens */
#if defined(__x86_64__) || defined(__i386__)
		__asm__ __volatile__("pause" : "+r"(units)::"memory");
#elif defined(__aarch64__)
		__asm__ __volatile__("yield" : "+r"(units)::"memory");
#else
		__asm__ __volatile__("" : "+r"(units)::"memory");
#endif
	}
	return units;
}

#endif
