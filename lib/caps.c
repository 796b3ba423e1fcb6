// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdio.h>

#include "caps.h"

bool caps_have(cap_value_t cap)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (!caps)
		return false;
	if (cap_get_flag(caps, cap, CAP_EFFECTIVE, &v) < 0)
		v = CAP_CLEAR;
	cap_free(caps);
	return v == CAP_SET;
}

const char *caps_name(cap_value_t cap)
{
	static char buf[64];
	char *s = cap_to_name(cap), *p;

	snprintf(buf, sizeof(buf), "%s", s ? s : "an unknown capability");
	cap_free(s);
	for (p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return buf;
}
