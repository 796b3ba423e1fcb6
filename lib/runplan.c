// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "paths.h"
#include "runplan.h"
#include "shquote.h"
#include "topo.h"

#define NS_PER_S 1000000000ull
#define DEFAULT_DURATION_NS (20 * NS_PER_S) /* ktstr-cgroup run's default --duration */
#define IDLE_BASE_NS (120 * NS_PER_S)	     /* boot, attach and a slow emulated guest */
#define GUEST_INCLUDES "/include-files"


/* The own options, parsed. */
struct own {
	const char *kernel, *topology, *timeout, *scheduler, *attach;
	const char *sched_args[RUNPLAN_MAX_ARGS];
	size_t nsched_args;
	bool stream;
};

void runplan_init(struct runplan *p)
{
	memset(p, 0, sizeof(*p));
}

void runplan_release(struct runplan *p)
{
	size_t i;

	for (i = 0; i < p->nstage; i++)
		free(p->stage[i]);
	for (i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	runplan_init(p);
}

int runplan_add(struct runplan *p, enum runplan_dest dest, char *arg)
{
	if (p->narg[dest] >= RUNPLAN_MAX_ARGS - 1)
		return -E2BIG;
	p->arg[dest][p->narg[dest]++] = arg;
	return 0;
}

/* Keep a string the stages point to; NULL on ENOMEM. */
static char *own_str(struct runplan *p, char *s)
{
	char **grown;

	if (!s)
		return NULL;
	grown = realloc(p->owned, (p->nowned + 1) * sizeof(*grown));
	if (!grown) {
		free(s);
		return NULL;
	}
	p->owned = grown;
	p->owned[p->nowned++] = s;
	return s;
}

static char *fmt(struct runplan *p, const char *f, ...) __attribute__((format(printf, 2, 3)));

static char *fmt(struct runplan *p, const char *f, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, f);
	n = vasprintf(&s, f, ap);
	va_end(ap);
	return n < 0 ? NULL : own_str(p, s);
}

/* ---- own options ------------------------------------------------------------ */

static const char **slot(struct own *o, const char *flag)
{
	if (!strcmp(flag, "--kernel"))
		return &o->kernel;
	if (!strcmp(flag, "--topology"))
		return &o->topology;
	if (!strcmp(flag, "--timeout"))
		return &o->timeout;
	if (!strcmp(flag, "--scheduler"))
		return &o->scheduler;
	if (!strcmp(flag, "--attach-timeout"))
		return &o->attach;
	return NULL;
}

static int parse_own(struct runplan *p, struct own *o, struct kt_diag *d)
{
	const char **dst;
	char *flag, *value, *eq;
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < p->narg[RUNPLAN_OWN]; i++) {
		flag = p->arg[RUNPLAN_OWN][i];
		if (!strcmp(flag, "--stream")) {
			o->stream = true;
			continue;
		}
		if ((eq = strchr(flag, '='))) {
			value = eq + 1;
			if (!(flag = fmt(p, "%.*s", (int)(eq - flag), flag)))
				return kt_diag_set(d, ENOMEM, "out of memory");
		} else if (i + 1 < p->narg[RUNPLAN_OWN]) {
			value = p->arg[RUNPLAN_OWN][++i];
		} else {
			return kt_diag_set(d, EINVAL, "option '%s' needs a value", flag);
		}
		if (!strcmp(flag, "--scheduler-arg")) {
			o->sched_args[o->nsched_args++] = value;
			continue;
		}
		if (!(dst = slot(o, flag)))
			return kt_diag_set(d, EINVAL, "unknown option '%s'", flag);
		if (*dst)
			return kt_diag_set(d, EINVAL, "%s given more than once", flag);
		*dst = value;
	}
	return 0;
}

static bool has_check_args(const struct runplan *p)
{
	return p->narg[RUNPLAN_CHECK] > 0;
}

static int check_own(const struct runplan *p, const struct own *o, struct kt_diag *d)
{
	struct topo_spec spec;
	struct kt_diag why;
	uint64_t ns;

	if (!o->kernel && (o->topology || o->timeout))
		return kt_diag_set(d, EINVAL, "%s needs --kernel: it describes the VM",
				   o->topology ? "--topology" : "--timeout");
	if (!o->scheduler && (o->nsched_args || o->attach))
		return kt_diag_set(d, EINVAL, "%s needs --scheduler",
				   o->attach ? "--attach-timeout" : "--scheduler-arg");
	if (o->stream && has_check_args(p))
		return kt_diag_set(d, EINVAL, "--stream writes the records unjudged, so '%s' "
				   "(an option of ktstr-check) does not apply",
				   p->arg[RUNPLAN_CHECK][0]);
	if (o->topology && topo_parse_spec(o->topology, &spec, &why) < 0)
		return kt_diag_set(d, EINVAL, "--topology %s", why.msg);
	if (o->timeout &&
	    parse_duration_ns(o->timeout, NS_PER_S, 7 * 86400 * NS_PER_S, &ns, &why) < 0)
		return kt_diag_set(d, EINVAL, "--timeout: %s", why.msg);
	if (o->attach && parse_duration_ns(o->attach, 1000000, 3600 * NS_PER_S, &ns, &why) < 0)
		return kt_diag_set(d, EINVAL, "--attach-timeout: %s", why.msg);
	return 0;
}

/* ---- the scheduler program ---------------------------------------------------- */

static bool is_program(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static bool in_path_list(const char *list, const char *name, char *out, size_t size)
{
	const char *p, *colon;

	for (p = list; p && *p; p = *colon ? colon + 1 : colon) {
		colon = strchrnul(p, ':');
		if (colon > p &&
		    snprintf(out, size, "%.*s/%s", (int)(colon - p), p, name) < (int)size &&
		    is_program(out))
			return true;
	}
	return false;
}

/* A path as given, else a name in the schedulers' directory, else on PATH; absolute. */
static char *find_scheduler(const char *name, struct kt_diag *d)
{
	char path[PATH_MAX], *abs;

	if (strchr(name, '/')) {
		if (!is_program(name)) {
			kt_diag_set(d, ENOENT, "--scheduler '%s': no such program", name);
			return NULL;
		}
		snprintf(path, sizeof(path), "%s", name);
	} else if (!in_path_list(paths_sched_dir(), name, path, sizeof(path)) &&
		   !in_path_list(getenv("PATH"), name, path, sizeof(path))) {
		kt_diag_set(d, ENOENT, "--scheduler '%s': not in '%s' nor on PATH; give its path, "
			    "or build the test schedulers (mk/sched-kernel.sh)", name,
			    paths_sched_dir());
		return NULL;
	}
	if (!(abs = realpath(path, NULL)))
		kt_diag_set(d, errno, "--scheduler '%s': %s", name, strerror(errno));
	return abs;
}

/* ---- stages ------------------------------------------------------------------- */

struct argv_b {
	char **v;
	size_t n, cap;
	bool oom;
};

static void push(struct argv_b *b, const char *a)
{
	char **grown;

	if (b->oom || !a) {
		b->oom = true;
		return;
	}
	if (b->n + 2 > b->cap) {
		grown = realloc(b->v, (b->cap ? b->cap * 2 : 16) * sizeof(*grown));
		if (!grown) {
			b->oom = true;
			return;
		}
		b->v = grown;
		b->cap = b->cap ? b->cap * 2 : 16;
	}
	b->v[b->n++] = (char *)a;
	b->v[b->n] = NULL;
}

static void push_all(struct argv_b *b, char *const *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		push(b, a[i]);
}

static int add_stage(struct runplan *p, struct argv_b *b, struct kt_diag *d)
{
	if (b->oom) {
		free(b->v);
		return kt_diag_set(d, ENOMEM, "out of memory");
	}
	p->stage[p->nstage++] = b->v;
	return 0;
}

/* "ktstr-sched --scheduler S [--arg A]... [--attach-timeout D] [--label ...] --" */
static void sched_prefix(struct runplan *p, struct argv_b *b, const struct own *o,
			 const char *sched, const char *topology)
{
	size_t i;

	push(b, "ktstr-sched");
	push(b, "--scheduler");
	push(b, sched);
	for (i = 0; i < o->nsched_args; i++) {
		push(b, "--arg");
		push(b, o->sched_args[i]);
	}
	if (o->attach) {
		push(b, "--attach-timeout");
		push(b, o->attach);
	}
	if (topology) {
		push(b, "--label");
		push(b, fmt(p, "topology=%s", topology));
	}
	push(b, "--");
}

/*
 * The CPU reservation options (--no-perf-mode, --cpu-cap N, --lock-timeout
 * D): in a VM run they reserve host CPUs for the VM, so they go to ktstr-vm,
 * not to the run inside.  Returns how many arguments the option spans, or 0.
 */
static size_t host_reserve_opt(char *const *a, size_t i, size_t n)
{
	static const char *const valued[] = { "--cpu-cap", "--lock-timeout" };
	size_t k, len;

	if (!strcmp(a[i], "--no-perf-mode"))
		return 1;
	for (k = 0; k < 2; k++) {
		len = strlen(valued[k]);
		if (!strncmp(a[i], valued[k], len) && a[i][len] == '=')
			return 1;
		if (!strcmp(a[i], valued[k]))
			return i + 1 < n ? 2 : 1;
	}
	return 0;
}

/*
 * "<self> run --stream ARGS": the records, as this host or the guest runs
 * them; in_vm leaves the host reservation options out.
 */
static void stream_run(struct runplan *p, struct argv_b *b, const char *self, bool in_vm)
{
	char *const *a = p->arg[RUNPLAN_CGROUP];
	size_t i, n = p->narg[RUNPLAN_CGROUP], span;

	push(b, self);
	push(b, "run");
	push(b, "--stream");
	for (i = 0; i < n; i += span ? span : 1) {
		span = in_vm ? host_reserve_opt(a, i, n) : 0;
		if (!span)
			push(b, a[i]);
	}
}

static void vm_reserve_args(struct runplan *p, struct argv_b *b)
{
	char *const *a = p->arg[RUNPLAN_CGROUP];
	size_t i, k, n = p->narg[RUNPLAN_CGROUP], span;

	for (i = 0; i < n; i += span ? span : 1)
		for (k = 0, span = host_reserve_opt(a, i, n); k < span; k++)
			push(b, a[i + k]);
}

/* With no --timeout: twice the scenario duration plus time to boot and attach. */
static const char *idle_timeout(struct runplan *p, const struct own *o)
{
	uint64_t dur = DEFAULT_DURATION_NS;
	char *const *a = p->arg[RUNPLAN_CGROUP];
	const char *v = NULL;
	struct kt_diag why;
	size_t i;

	if (o->timeout)
		return o->timeout;
	for (i = 0; i < p->narg[RUNPLAN_CGROUP]; i++) {
		if (!strcmp(a[i], "--duration") && i + 1 < p->narg[RUNPLAN_CGROUP])
			v = a[i + 1];
		else if (!strncmp(a[i], "--duration=", 11))
			v = a[i] + 11;
	}
	/* a bad --duration is ktstr-cgroup's to report; keep the default here */
	if (v && parse_duration_ns(v, 1, 365 * 86400 * NS_PER_S, &dur, &why) < 0)
		dur = DEFAULT_DURATION_NS;
	return fmt(p, "%llus", (unsigned long long)((2 * dur + IDLE_BASE_NS) / NS_PER_S));
}

static int vm_stage(struct runplan *p, const struct own *o, const char *sched, struct kt_diag *d)
{
	const char *topology = o->topology ? o->topology : RUNPLAN_TOPOLOGY_DEFAULT;
	struct argv_b cmd = { 0 }, b = { 0 };
	char *exec;

	if (sched)
		sched_prefix(p, &cmd, o, fmt(p, GUEST_INCLUDES "/%s", strrchr(sched, '/') + 1),
			     topology);
	stream_run(p, &cmd, "ktstr", true);
	exec = cmd.oom ? NULL : own_str(p, shquote_join(cmd.v));
	free(cmd.v);
	push(&b, "ktstr-vm");
	push(&b, "--kernel");
	push(&b, o->kernel);
	push(&b, "--topology");
	push(&b, topology);
	push(&b, "--idle-timeout");
	push(&b, idle_timeout(p, o));
	vm_reserve_args(p, &b);
	if (sched) {
		push(&b, "-i");
		push(&b, sched);
	}
	push(&b, "--exec");
	push(&b, exec);
	return add_stage(p, &b, d);
}

static int host_stages(struct runplan *p, const struct own *o, const char *sched,
		       const char *self, struct kt_diag *d)
{
	struct argv_b b = { 0 };
	int rc;

	if (sched) {
		sched_prefix(p, &b, o, sched, NULL);
		stream_run(p, &b, self, false);
		return add_stage(p, &b, d);
	}
	push(&b, "ktstr-topo");
	if ((rc = add_stage(p, &b, d)) < 0)
		return rc;
	memset(&b, 0, sizeof(b));
	push(&b, "ktstr-cgroup");
	push(&b, "run");
	push_all(&b, p->arg[RUNPLAN_CGROUP], p->narg[RUNPLAN_CGROUP]);
	if ((rc = add_stage(p, &b, d)) < 0)
		return rc;
	memset(&b, 0, sizeof(b));
	push(&b, "ktstr-work");
	return add_stage(p, &b, d);
}

static int check_stage(struct runplan *p, struct kt_diag *d)
{
	struct argv_b b = { 0 };

	push(&b, "ktstr-check");
	push_all(&b, p->arg[RUNPLAN_CHECK], p->narg[RUNPLAN_CHECK]);
	return add_stage(p, &b, d);
}

int runplan_build(struct runplan *p, const char *self, struct kt_diag *d)
{
	char *sched = NULL;
	struct own o;
	int rc;

	if ((rc = parse_own(p, &o, d)) < 0 || (rc = check_own(p, &o, d)) < 0)
		return rc;
	if (o.scheduler && !(sched = own_str(p, find_scheduler(o.scheduler, d))))
		return -EINVAL;
	p->host = !o.kernel;
	rc = o.kernel ? vm_stage(p, &o, sched, d) : host_stages(p, &o, sched, self, d);
	if (rc == 0 && !o.stream)
		rc = check_stage(p, d);
	return rc;
}
