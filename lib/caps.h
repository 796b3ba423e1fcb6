/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Privilege checks, done up front so a tool can name what is missing
 * instead of failing halfway: "needs CAP_SYS_ADMIN (run as root)".
 */
#ifndef KTSTR_CAPS_H
#define KTSTR_CAPS_H

#include <stdbool.h>

#include <sys/capability.h>

bool caps_have(cap_value_t cap);
/* "CAP_SYS_ADMIN" for CAP_SYS_ADMIN; a static string. */
const char *caps_name(cap_value_t cap);

#endif
