/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Futexes on memory shared between processes (MAP_SHARED), so never the
 * PRIVATE variants.
 *
 *   futex_wait(&word, seen, timeout_ns);  sleeps while word == seen; 0 when
 *                                         woken, -EAGAIN (word != seen),
 *                                         -ETIMEDOUT, -EINTR (a signal)
 *   futex_wake(&word, n);                 wakes up to n sleepers; returns how many
 *
 * timeout_ns 0 means no timeout.
 */
#ifndef KTSTR_FUTEX_H
#define KTSTR_FUTEX_H

#include <stdatomic.h>
#include <stdint.h>

int futex_wait(_Atomic uint32_t *word, uint32_t seen, uint64_t timeout_ns);
int futex_wake(_Atomic uint32_t *word, int n);

#endif
