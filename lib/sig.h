/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stop flag: SIGINT, SIGTERM, SIGHUP and SIGPIPE only record that the
 * tool should stop; the main loop notices, cleans up and exits 130.
 *
 *   kt_signals_install();                 once, after option parsing
 *   while (!kt_stopping()) { ... poll(..., kt_signals_fd() ...) ... }
 *
 * Handlers are installed without SA_RESTART, so a blocking call returns
 * EINTR.  kt_signals_fd() is the read end of a self-pipe that becomes
 * readable on the first signal, for poll() loops that must not miss one.
 */
#ifndef KTSTR_SIG_H
#define KTSTR_SIG_H

#include <stdbool.h>

void kt_signals_install(void);
bool kt_stopping(void);
int kt_stop_signal(void);	/* the first signal received, 0 if none */
int kt_signals_fd(void);	/* -1 before kt_signals_install() */
void kt_stop_request(int signo); /* as if signo had arrived */

#endif
