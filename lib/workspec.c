// SPDX-License-Identifier: GPL-2.0
/* The work-type catalog: names, parameters with defaults and bounds, group sizes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "suggest.h"
#include "workspec.h"

struct param_desc {
	const char *name;
	uint64_t min, max;
};

static const struct param_desc params[WP_COUNT] = {
	[WP_BURST_MS] = { "burst_ms", 0, 3600000 },
	[WP_SLEEP_MS] = { "sleep_ms", 0, 3600000 },
	[WP_BURST_ITERS] = { "burst_iters", 0, 1000000000 },
	[WP_SPIN_ITERS] = { "spin_iters", 0, 1000000000 },
	[WP_SIZE_KB] = { "size_kb", 1, 1048576 },
	[WP_STRIDE] = { "stride", 1, 1u << 30 },
	[WP_FAN_OUT] = { "fan_out", 1, 1023 },
	[WP_CACHE_FOOTPRINT_KB] = { "cache_footprint_kb", 0, 1048576 },
	[WP_OPERATIONS] = { "operations", 0, 1000000 },
	[WP_SLEEP_USEC] = { "sleep_usec", 0, 60000000 },
	[WP_REGION_KB] = { "region_kb", 4, 16777216 },
	[WP_TOUCHES_PER_CYCLE] = { "touches_per_cycle", 0, 10000000 },
	[WP_CONTENDERS] = { "contenders", 1, 1024 },
	[WP_HOLD_ITERS] = { "hold_iters", 0, 1000000000 },
	[WP_WORK_ITERS] = { "work_iters", 0, 1000000000 },
	[WP_WAKE_DELAY_US] = { "wake_delay_us", 0, 10000000 },
};

enum group_rule { GROUP_ONE, GROUP_PAIR, GROUP_FAN_OUT, GROUP_CONTENDERS };

#define MAX_TYPE_PARAMS 4

struct type_desc {
	const char *name;
	enum group_rule group;
	unsigned nparams;
	struct {
		enum work_param id;
		uint64_t def;
	} p[MAX_TYPE_PARAMS];
};

/* Defaults are the reference's; wake_delay_us is ours, for testing the instrument. */
static const struct type_desc types[WT_COUNT] = {
	[WT_CPU_SPIN] = { "CpuSpin", GROUP_ONE, 0, { { 0, 0 } } },
	[WT_YIELD_HEAVY] = { "YieldHeavy", GROUP_ONE, 0, { { 0, 0 } } },
	[WT_MIXED] = { "Mixed", GROUP_ONE, 0, { { 0, 0 } } },
	[WT_IO_SYNC] = { "IoSync", GROUP_ONE, 0, { { 0, 0 } } },
	[WT_BURSTY] = { "Bursty", GROUP_ONE, 2, { { WP_BURST_MS, 50 }, { WP_SLEEP_MS, 100 } } },
	[WT_PIPE_IO] = { "PipeIo", GROUP_PAIR, 2,
			 { { WP_BURST_ITERS, 1024 }, { WP_WAKE_DELAY_US, 0 } } },
	[WT_FUTEX_PING_PONG] = { "FutexPingPong", GROUP_PAIR, 2,
				 { { WP_SPIN_ITERS, 1024 }, { WP_WAKE_DELAY_US, 0 } } },
	[WT_CACHE_PRESSURE] = { "CachePressure", GROUP_ONE, 2,
				{ { WP_SIZE_KB, 32 }, { WP_STRIDE, 64 } } },
	[WT_CACHE_YIELD] = { "CacheYield", GROUP_ONE, 2, { { WP_SIZE_KB, 32 }, { WP_STRIDE, 64 } } },
	[WT_CACHE_PIPE] = { "CachePipe", GROUP_PAIR, 2,
			    { { WP_SIZE_KB, 32 }, { WP_BURST_ITERS, 1024 } } },
	[WT_FUTEX_FAN_OUT] = { "FutexFanOut", GROUP_FAN_OUT, 2,
			       { { WP_FAN_OUT, 4 }, { WP_SPIN_ITERS, 1024 } } },
	[WT_FORK_EXIT] = { "ForkExit", GROUP_ONE, 0, { { 0, 0 } } },
	[WT_NICE_SWEEP] = { "NiceSweep", GROUP_ONE, 0, { { 0, 0 } } },
	[WT_AFFINITY_CHURN] = { "AffinityChurn", GROUP_ONE, 1, { { WP_SPIN_ITERS, 1024 } } },
	[WT_POLICY_CHURN] = { "PolicyChurn", GROUP_ONE, 1, { { WP_SPIN_ITERS, 1024 } } },
	[WT_FAN_OUT_COMPUTE] = { "FanOutCompute", GROUP_FAN_OUT, 4,
				 { { WP_FAN_OUT, 4 },
				   { WP_CACHE_FOOTPRINT_KB, 256 },
				   { WP_OPERATIONS, 5 },
				   { WP_SLEEP_USEC, 100 } } },
	[WT_PAGE_FAULT_CHURN] = { "PageFaultChurn", GROUP_ONE, 3,
				  { { WP_REGION_KB, 4096 },
				    { WP_TOUCHES_PER_CYCLE, 256 },
				    { WP_SPIN_ITERS, 64 } } },
	[WT_MUTEX_CONTENTION] = { "MutexContention", GROUP_CONTENDERS, 3,
				  { { WP_CONTENDERS, 4 },
				    { WP_HOLD_ITERS, 256 },
				    { WP_WORK_ITERS, 1024 } } },
	[WT_SEQUENCE] = { "Sequence", GROUP_ONE, 0, { { 0, 0 } } },
};

static const char *const phase_names[] = {
	[PHASE_SPIN] = "spin",
	[PHASE_SLEEP] = "sleep",
	[PHASE_YIELD] = "yield",
	[PHASE_IO] = "io",
};

#define NPHASE_KINDS (sizeof(phase_names) / sizeof(phase_names[0]))
#define MAX_PHASE_NS (3600ull * 1000000000ull)

const char *workspec_type_name(enum work_type t)
{
	return t < WT_COUNT ? types[t].name : "?";
}

static void set_defaults(struct workspec *ws, enum work_type t)
{
	const struct type_desc *td = &types[t];
	unsigned i;

	memset(ws, 0, sizeof(*ws));
	ws->type = t;
	for (i = 0; i < td->nparams; i++)
		ws->param[td->p[i].id] = td->p[i].def;
}

int workspec_from_name(struct workspec *ws, const char *name, struct kt_diag *d)
{
	const char *names[WT_COUNT], *hint;
	unsigned t;

	for (t = 0; t < WT_COUNT; t++) {
		names[t] = types[t].name;
		if (!strcmp(name, types[t].name)) {
			set_defaults(ws, t);
			return 0;
		}
	}
	hint = suggest_closest(name, names, WT_COUNT);
	if (hint)
		return kt_diag_set(d, EINVAL, "unknown work type '%s'; did you mean '%s'?", name, hint);
	return kt_diag_set(d, EINVAL, "unknown work type '%s'; ktstr-work(1) lists them", name);
}

/* The parameter called name in ws's type, or -1 (with a message listing the valid ones). */
static int find_param(const struct workspec *ws, const char *name, size_t len, struct kt_diag *d)
{
	const struct type_desc *td = &types[ws->type];
	char known[256] = "";
	unsigned i;

	for (i = 0; i < td->nparams; i++) {
		const char *pn = params[td->p[i].id].name;

		if (strlen(pn) == len && !strncmp(pn, name, len))
			return (int)td->p[i].id;
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
			 i ? ", " : "", pn);
	}
	if (!td->nparams)
		kt_diag_set(d, EINVAL, "unknown parameter '%.*s': %s takes no parameters", (int)len,
			    name, td->name);
	else
		kt_diag_set(d, EINVAL, "unknown parameter '%.*s' for %s (known: %s)", (int)len, name,
			    td->name, known);
	return -1;
}

static int set_value(struct workspec *ws, int id, uint64_t v, struct kt_diag *d)
{
	const struct param_desc *pd = &params[id];

	if (v < pd->min || v > pd->max)
		return kt_diag_set(d, ERANGE, "parameter %s=%llu is out of range %llu..%llu",
				   pd->name, (unsigned long long)v, (unsigned long long)pd->min,
				   (unsigned long long)pd->max);
	ws->param[id] = v;
	return 0;
}

int workspec_set_param(struct workspec *ws, const char *kv, struct kt_diag *d)
{
	const char *eq = strchr(kv, '=');
	struct kt_diag pd;
	uint64_t v;
	int id;

	if (!eq || eq == kv)
		return kt_diag_set(d, EINVAL, "'%s' is not k=v", kv);
	id = find_param(ws, kv, (size_t)(eq - kv), d);
	if (id < 0)
		return -EINVAL;
	if (parse_u64(eq + 1, params[id].min, params[id].max, &v, &pd) < 0)
		return kt_diag_set(d, EINVAL, "parameter %s: %s", params[id].name, pd.msg);
	ws->param[id] = v;
	return 0;
}

static int phases_from_json(struct workspec *ws, const json_t *arr, struct kt_diag *d)
{
	const json_t *ph;
	const char *kind;
	json_int_t ns;
	size_t i, k;

	if (!json_is_array(arr) || !json_array_size(arr))
		return kt_diag_set(d, EINVAL, "Sequence needs a non-empty \"phases\" array");
	if (json_array_size(arr) > WORKSPEC_MAX_PHASES)
		return kt_diag_set(d, E2BIG, "Sequence has more than %d phases",
				   WORKSPEC_MAX_PHASES);
	json_array_foreach(arr, i, ph) {
		if (json_unpack((json_t *)ph, "{s:s, s:I}", "kind", &kind, "ns", &ns) < 0)
			return kt_diag_set(d, EINVAL,
					   "phase %zu is not {\"kind\":K,\"ns\":N}", i);
		for (k = 0; k < NPHASE_KINDS && strcmp(kind, phase_names[k]); k++)
			;
		if (k == NPHASE_KINDS)
			return kt_diag_set(d, EINVAL,
					   "phase %zu: unknown kind '%s' (spin, sleep, yield, io)",
					   i, kind);
		if (ns <= 0 || (uint64_t)ns > MAX_PHASE_NS)
			return kt_diag_set(d, ERANGE, "phase %zu: ns %lld is out of range 1..%llu",
					   i, (long long)ns, MAX_PHASE_NS);
		ws->phase[i].kind = (enum work_phase_kind)k;
		ws->phase[i].ns = (uint64_t)ns;
	}
	ws->nphases = (unsigned)json_array_size(arr);
	return 0;
}

static int params_from_json(struct workspec *ws, const json_t *obj, struct kt_diag *d)
{
	const char *key;
	json_t *v;
	int id;

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return kt_diag_set(d, EINVAL, "\"params\" is not an object");
	json_object_foreach((json_t *)obj, key, v) {
		id = find_param(ws, key, strlen(key), d);
		if (id < 0)
			return -EINVAL;
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return kt_diag_set(d, EINVAL, "parameter %s is not a non-negative integer",
					   key);
		if (set_value(ws, id, (uint64_t)json_integer_value(v), d) < 0)
			return -ERANGE;
	}
	return 0;
}

int workspec_from_json(struct workspec *ws, const json_t *work, struct kt_diag *d)
{
	const char *name = json_string_value(json_object_get(work, "type"));
	int rc;

	if (!json_is_object(work) || !name)
		return kt_diag_set(d, EINVAL, "\"work\" is not an object with a string \"type\"");
	rc = workspec_from_name(ws, name, d);
	if (rc < 0)
		return rc;
	if (ws->type == WT_SEQUENCE)
		return phases_from_json(ws, json_object_get(work, "phases"), d);
	return params_from_json(ws, json_object_get(work, "params"), d);
}

/* One "kind:duration" term of a --sequence. */
static int parse_phase(struct work_phase *ph, const char *term, struct kt_diag *d)
{
	const char *colon = strchr(term, ':');
	struct kt_diag pd;
	size_t k, len;

	if (!colon)
		return kt_diag_set(d, EINVAL, "phase '%s' is not kind:duration", term);
	len = (size_t)(colon - term);
	for (k = 0; k < NPHASE_KINDS; k++)
		if (strlen(phase_names[k]) == len && !strncmp(term, phase_names[k], len))
			break;
	if (k == NPHASE_KINDS)
		return kt_diag_set(d, EINVAL, "phase '%s': unknown kind (spin, sleep, yield, io)",
				   term);
	if (parse_duration_ns(colon + 1, 1, MAX_PHASE_NS, &ph->ns, &pd) < 0)
		return kt_diag_set(d, EINVAL, "phase '%s': %s", term, pd.msg);
	ph->kind = (enum work_phase_kind)k;
	return 0;
}

int workspec_parse_sequence(struct workspec *ws, const char *s, struct kt_diag *d)
{
	char buf[1024], *term, *save = NULL;
	struct workspec out;
	int rc;

	if (strlen(s) >= sizeof(buf))
		return kt_diag_set(d, E2BIG, "sequence is longer than %zu characters",
				   sizeof(buf) - 1);
	set_defaults(&out, WT_SEQUENCE);
	strcpy(buf, s);
	for (term = strtok_r(buf, ",", &save); term; term = strtok_r(NULL, ",", &save)) {
		if (out.nphases == WORKSPEC_MAX_PHASES)
			return kt_diag_set(d, E2BIG, "sequence has more than %d phases",
					   WORKSPEC_MAX_PHASES);
		rc = parse_phase(&out.phase[out.nphases], term, d);
		if (rc < 0)
			return rc;
		out.nphases++;
	}
	if (!out.nphases)
		return kt_diag_set(d, EINVAL, "empty sequence (example: spin:5ms,sleep:1ms)");
	*ws = out;
	return 0;
}

json_t *workspec_to_json(const struct workspec *ws)
{
	const struct type_desc *td = &types[ws->type];
	json_t *obj, *ph;
	unsigned i;

	if (ws->type == WT_SEQUENCE) {
		ph = json_array();
		for (i = 0; ph && i < ws->nphases; i++)
			json_array_append_new(ph, json_pack("{s:s, s:I}", "kind",
							    phase_names[ws->phase[i].kind], "ns",
							    (json_int_t)ws->phase[i].ns));
		return json_pack("{s:s, s:o}", "type", td->name, "phases", ph);
	}
	obj = json_object();
	for (i = 0; obj && i < td->nparams; i++)
		json_object_set_new(obj, params[td->p[i].id].name,
				    json_integer((json_int_t)ws->param[td->p[i].id]));
	return json_pack("{s:s, s:o}", "type", td->name, "params", obj);
}

unsigned workspec_group_size(const struct workspec *ws)
{
	switch (types[ws->type].group) {
	case GROUP_PAIR:
		return 2;
	case GROUP_FAN_OUT:
		return (unsigned)ws->param[WP_FAN_OUT] + 1;
	case GROUP_CONTENDERS:
		return (unsigned)ws->param[WP_CONTENDERS];
	case GROUP_ONE:
		break;
	}
	return 1;
}

int workspec_check_count(const struct workspec *ws, unsigned count, struct kt_diag *d)
{
	unsigned g = workspec_group_size(ws);

	if (!count)
		return kt_diag_set(d, EINVAL, "a worker count of 0");
	if (count % g)
		return kt_diag_set(d, EINVAL,
				   "%s runs in groups of %u, and %u workers is not a multiple of %u",
				   types[ws->type].name, g, count, g);
	return 0;
}

bool workspec_is_messenger(const struct workspec *ws, unsigned index)
{
	return types[ws->type].group == GROUP_FAN_OUT && index % workspec_group_size(ws) == 0;
}

bool workspec_wakes(const struct workspec *ws, bool messenger)
{
	unsigned i;

	switch (ws->type) {
	case WT_IO_SYNC:
	case WT_PIPE_IO:
	case WT_FUTEX_PING_PONG:
	case WT_CACHE_PIPE:
		return true;
	case WT_BURSTY:
		return ws->param[WP_SLEEP_MS] > 0;
	case WT_FUTEX_FAN_OUT:
	case WT_FAN_OUT_COMPUTE:
		return !messenger;
	case WT_MUTEX_CONTENTION:
		return ws->param[WP_CONTENDERS] > 1;
	case WT_SEQUENCE:
		for (i = 0; i < ws->nphases; i++)
			if (ws->phase[i].kind == PHASE_SLEEP || ws->phase[i].kind == PHASE_IO)
				return true;
		return false;
	default:
		return false;
	}
}
