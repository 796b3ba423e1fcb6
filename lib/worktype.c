// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "suggest.h"
#include "worktype.h"

#define P(n, v) { n, v }

static const struct worktype types[] = {
	{ "CpuSpin", { { 0 } }, NULL, 0, 1, true },
	{ "YieldHeavy", { { 0 } }, NULL, 0, 1, true },
	{ "Mixed", { { 0 } }, NULL, 0, 1, true },
	{ "IoSync", { { 0 } }, NULL, 0, 1, true },
	{ "Bursty", { P("burst_ms", 50), P("sleep_ms", 100) }, NULL, 0, 1, true },
	{ "PipeIo", { P("burst_iters", 1024) }, NULL, 0, 2, true },
	{ "FutexPingPong", { P("spin_iters", 1024) }, NULL, 0, 2, true },
	{ "CachePressure", { P("size_kb", 32), P("stride", 64) }, NULL, 0, 1, true },
	{ "CacheYield", { P("size_kb", 32), P("stride", 64) }, NULL, 0, 1, true },
	{ "CachePipe", { P("size_kb", 32), P("burst_iters", 1024) }, NULL, 0, 2, true },
	{ "FutexFanOut", { P("fan_out", 4), P("spin_iters", 1024) }, "fan_out", 1, 0, true },
	{ "ForkExit", { { 0 } }, NULL, 0, 1, true },
	{ "NiceSweep", { { 0 } }, NULL, 0, 1, true },
	{ "AffinityChurn", { P("spin_iters", 1024) }, NULL, 0, 1, true },
	{ "PolicyChurn", { P("spin_iters", 1024) }, NULL, 0, 1, true },
	{ "FanOutCompute",
	  { P("fan_out", 4), P("cache_footprint_kb", 256), P("operations", 5), P("sleep_usec", 100) },
	  "fan_out", 1, 0, true },
	{ "PageFaultChurn",
	  { P("region_kb", 4096), P("touches_per_cycle", 256), P("spin_iters", 64) }, NULL, 0, 1,
	  true },
	{ "MutexContention", { P("contenders", 4), P("hold_iters", 256), P("work_iters", 1024) },
	  "contenders", 0, 0, true },
	{ "Sequence", { { 0 } }, NULL, 0, 1, false },
};

#define NTYPES (sizeof(types) / sizeof(types[0]))

const struct worktype *worktype_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < NTYPES; i++)
		if (!strcmp(types[i].name, name))
			return &types[i];
	return NULL;
}

const char *worktype_suggest(const char *name)
{
	const char *names[NTYPES];
	size_t i;

	for (i = 0; i < NTYPES; i++)
		names[i] = types[i].name;
	return name ? suggest_closest(name, names, NTYPES) : NULL;
}

const char *worktype_names(void)
{
	static char buf[512];
	size_t i, n = 0;

	if (buf[0])
		return buf;
	for (i = 0; i < NTYPES; i++)
		if (types[i].overridable)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? ", " : "",
					      types[i].name);
	return buf;
}

static const struct worktype_param *find_param(const struct worktype *wt, const char *key)
{
	size_t i;

	for (i = 0; i < WORKTYPE_MAX_PARAMS && wt->params[i].name; i++)
		if (!strcmp(wt->params[i].name, key))
			return &wt->params[i];
	return NULL;
}

static int unknown_param(const struct worktype *wt, const char *key, struct kt_diag *d)
{
	const char *names[WORKTYPE_MAX_PARAMS], *hint;
	size_t n = 0;

	while (n < WORKTYPE_MAX_PARAMS && wt->params[n].name) {
		names[n] = wt->params[n].name;
		n++;
	}
	if (!n)
		return kt_diag_set(d, EINVAL, "%s takes no parameters, got '%s'", wt->name, key);
	hint = suggest_closest(key, names, n);
	if (hint)
		return kt_diag_set(d, EINVAL, "unknown %s parameter '%s'; did you mean '%s'?",
				   wt->name, key, hint);
	return kt_diag_set(d, EINVAL, "unknown %s parameter '%s'", wt->name, key);
}

int worktype_params(const struct worktype *wt, const json_t *given, json_t **out,
		    struct kt_diag *d)
{
	const char *key;
	json_t *v, *o;
	size_t i;

	if (given && !json_is_object(given))
		return kt_diag_set(d, EINVAL, "params is not an object");
	json_object_foreach((json_t *)given, key, v) {
		if (!find_param(wt, key))
			return unknown_param(wt, key, d);
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return kt_diag_set(d, EINVAL, "%s parameter '%s' is not an integer >= 1",
					   wt->name, key);
	}
	o = json_object();
	if (!o)
		return -ENOMEM;
	for (i = 0; i < WORKTYPE_MAX_PARAMS && wt->params[i].name; i++) {
		v = given ? json_object_get(given, wt->params[i].name) : NULL;
		json_object_set_new(o, wt->params[i].name,
				    v ? json_copy(v) : json_integer(wt->params[i].dflt));
	}
	*out = o;
	return 0;
}

unsigned worktype_group_size(const struct worktype *wt, const json_t *params)
{
	json_int_t v;

	if (!wt->group_param)
		return wt->group_fixed;
	v = json_integer_value(json_object_get(params, wt->group_param));
	if (v < 1)
		v = find_param(wt, wt->group_param)->dflt;
	return (unsigned)v + wt->group_add;
}
