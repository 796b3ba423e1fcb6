// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "hst_cgroup.h"
#include "parse.h"
#include "paths.h"

/* Is name one element of the comma-separated list? */
static bool has_controller(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (*p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}

static bool has_word(const char *words, const char *name)
{
	size_t n = strlen(name);
	const char *p = words;

	while ((p = strstr(p, name))) {
		if ((p == words || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

void hst_cgroup_layout_detect(struct hst_cgroup_layout *l, const char *cgroup_root)
{
	char path[PATH_MAX];

	memset(l, 0, sizeof(*l));
	snprintf(l->root, sizeof(l->root), "%s", cgroup_root);
	if (paths_fmt(path, sizeof(path), "%s/cgroup.controllers", cgroup_root) == 0 &&
	    file_exists(path))
		snprintf(l->v2_root, sizeof(l->v2_root), "%s", cgroup_root);
	else if (paths_fmt(path, sizeof(path), "%s/unified/cgroup.controllers", cgroup_root) == 0 &&
		 file_exists(path))
		snprintf(l->v2_root, sizeof(l->v2_root), "%s/unified", cgroup_root);
	if (l->v2_root[0] &&
	    file_read_str(path, l->v2_controllers, sizeof(l->v2_controllers)) < 0)
		l->v2_controllers[0] = '\0';
	if (l->v2_root[0] && has_word(l->v2_controllers, "cpuset"))
		strcpy(l->primary, "v2");
	else if (paths_fmt(path, sizeof(path), "%s/cpuset", cgroup_root) == 0 && file_is_dir(path))
		strcpy(l->primary, "cpuset");
	else if (l->v2_root[0])
		strcpy(l->primary, "v2");
}

void hst_cgroup_write_layout(const struct hst_cgroup_layout *l, struct jsonw *w)
{
	jsonw_obj(w, "cgroup_layout");
	jsonw_str(w, "root", l->root, (size_t)-1);
	jsonw_str(w, "v2_root", l->v2_root[0] ? l->v2_root : NULL, (size_t)-1);
	jsonw_str(w, "v2_controllers", l->v2_root[0] ? l->v2_controllers : NULL, (size_t)-1);
	jsonw_str(w, "primary", l->primary[0] ? l->primary : NULL, (size_t)-1);
	jsonw_end(w);
}

const char *hst_cgroup_hierarchy(const char *controllers)
{
	return *controllers ? controllers : "v2";
}

bool hst_cgroup_is_primary(const struct hst_cgroup_layout *l, const char *controllers)
{
	if (!strcmp(l->primary, "v2"))
		return !*controllers;
	return l->primary[0] && *controllers && has_controller(controllers, l->primary);
}

bool hst_cgroup_has_stats(const char *controllers)
{
	return !*controllers || has_controller(controllers, "cpu") ||
	       has_controller(controllers, "cpuacct") || has_controller(controllers, "memory");
}

/* A path from another cgroup namespace may climb out with "..": never follow it. */
static bool path_safe(const char *path)
{
	const char *p = path;

	if (*path != '/')
		return false;
	while ((p = strstr(p, "..")))
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return false;
		else
			p += 2;
	return true;
}

/* The directory of (hier, path), or -1 when there is none to read. */
static int cgroup_dir(const struct hst_cgroup_layout *l, const char *hier, const char *path,
		      char *out, size_t size)
{
	char first[64];
	size_t n;

	if (!path_safe(path))
		return -1;
	if (!strcmp(hier, "v2"))
		return l->v2_root[0] ? paths_fmt(out, size, "%s%s", l->v2_root, path) : -1;
	if (paths_fmt(out, size, "%s/%s%s", l->root, hier, path) == 0 && file_is_dir(out))
		return 0;
	/* "cpu,cpuacct" mounted as "cpu" plus a symlink, or the other way round */
	n = strcspn(hier, ",");
	if (n >= sizeof(first) || !hier[n])
		return -1;
	snprintf(first, sizeof(first), "%.*s", (int)n, hier);
	return paths_fmt(out, size, "%s/%s%s", l->root, first, path);
}

struct cg_stats {
	int64_t usage_ns, user_ns, system_ns, nr_periods, nr_throttled, throttled_ns, memory_bytes;
};

static int64_t scaled(int64_t v, int64_t mult)
{
	if (v == PROCFS_NONE || v > INT64_MAX / mult)
		return PROCFS_NONE;
	return v * mult;
}

/* Read dir/name whole; NULL when it is missing or unreadable. */
static char *read_file(const char *dir, const char *name, struct procfs_buf *b)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return NULL;
	rc = procfs_read_at(fd, name, b);
	close(fd);
	return rc < 0 ? NULL : b->data;
}

static int64_t one_number(const char *dir, const char *name, struct procfs_buf *b)
{
	char *s = read_file(dir, name, b), *nl;
	uint64_t v;

	if (!s)
		return PROCFS_NONE;
	if ((nl = strchr(s, '\n')))
		*nl = '\0';
	return parse_u64(s, 0, INT64_MAX, &v, NULL) < 0 ? PROCFS_NONE : (int64_t)v;
}

/* "key value" lines (cpu.stat, cpuacct.stat): the value of key, or PROCFS_NONE. */
static int64_t keyed(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text, *e;
	char num[32];
	uint64_t v;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, n) || p[n] != ' ')
			continue;
		e = p + n + 1 + strcspn(p + n + 1, "\n");
		if ((size_t)(e - p - n - 1) >= sizeof(num))
			return PROCFS_NONE;
		snprintf(num, sizeof(num), "%.*s", (int)(e - p - n - 1), p + n + 1);
		return parse_u64(num, 0, INT64_MAX, &v, NULL) < 0 ? PROCFS_NONE : (int64_t)v;
	}
	return PROCFS_NONE;
}

static void read_v2(const char *dir, struct cg_stats *s, struct procfs_buf *b)
{
	const char *t = read_file(dir, "cpu.stat", b);

	if (t) {
		s->usage_ns = scaled(keyed(t, "usage_usec"), 1000);
		s->user_ns = scaled(keyed(t, "user_usec"), 1000);
		s->system_ns = scaled(keyed(t, "system_usec"), 1000);
		s->nr_periods = keyed(t, "nr_periods");
		s->nr_throttled = keyed(t, "nr_throttled");
		s->throttled_ns = scaled(keyed(t, "throttled_usec"), 1000);
	}
	s->memory_bytes = one_number(dir, "memory.current", b);
}

static void read_v1(const char *hier, const char *dir, long clk_tck, struct cg_stats *s,
		    struct procfs_buf *b)
{
	const char *t;

	if (has_controller(hier, "cpuacct")) {
		s->usage_ns = one_number(dir, "cpuacct.usage", b);
		if ((t = read_file(dir, "cpuacct.stat", b)) && clk_tck > 0) {
			s->user_ns = scaled(keyed(t, "user"), 1000000000 / clk_tck);
			s->system_ns = scaled(keyed(t, "system"), 1000000000 / clk_tck);
		}
	}
	if (has_controller(hier, "cpu") && (t = read_file(dir, "cpu.stat", b))) {
		s->nr_periods = keyed(t, "nr_periods");
		s->nr_throttled = keyed(t, "nr_throttled");
		s->throttled_ns = keyed(t, "throttled_time");
	}
	if (has_controller(hier, "memory"))
		s->memory_bytes = one_number(dir, "memory.usage_in_bytes", b);
}

void hst_cgroup_write_stats(const struct hst_cgroup_layout *l, struct jsonw *w, const char *hier,
			    const char *path, long clk_tck, struct procfs_buf *b)
{
	struct cg_stats s = { PROCFS_NONE, PROCFS_NONE, PROCFS_NONE, PROCFS_NONE,
			      PROCFS_NONE, PROCFS_NONE, PROCFS_NONE };
	char dir[PATH_MAX];

	if (cgroup_dir(l, hier, path, dir, sizeof(dir)) == 0) {
		if (!strcmp(hier, "v2"))
			read_v2(dir, &s, b);
		else
			read_v1(hier, dir, clk_tck, &s, b);
	}
	jsonw_obj(w, NULL);
	jsonw_str(w, "hierarchy", hier, (size_t)-1);
	jsonw_str(w, "path", path, (size_t)-1);
	jsonw_int_or_null(w, "cpu_usage_ns", s.usage_ns, PROCFS_NONE);
	jsonw_int_or_null(w, "cpu_user_ns", s.user_ns, PROCFS_NONE);
	jsonw_int_or_null(w, "cpu_system_ns", s.system_ns, PROCFS_NONE);
	jsonw_int_or_null(w, "nr_periods", s.nr_periods, PROCFS_NONE);
	jsonw_int_or_null(w, "nr_throttled", s.nr_throttled, PROCFS_NONE);
	jsonw_int_or_null(w, "throttled_ns", s.throttled_ns, PROCFS_NONE);
	jsonw_int_or_null(w, "memory_current_bytes", s.memory_bytes, PROCFS_NONE);
	jsonw_end(w);
}
