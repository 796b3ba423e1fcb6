// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpulist.h"
#include "parse.h"
#include "hst_host.h"
#include "paths.h"

/* dir/name as text without trailing whitespace, or NULL. */
static const char *text_at(int dirfd, const char *name, struct procfs_buf *b)
{
	size_t n;

	if (dirfd < 0 || procfs_read_at(dirfd, name, b) < 0)
		return NULL;
	n = b->len;
	while (n && (b->data[n - 1] == '\n' || b->data[n - 1] == ' ' || b->data[n - 1] == '\0'))
		n--;
	b->data[n] = '\0';
	return b->data;
}

static void str_at(struct jsonw *w, const char *key, int dirfd, const char *name,
		   struct procfs_buf *b)
{
	jsonw_str(w, key, text_at(dirfd, name, b), (size_t)-1);
}

static int open_dir(const char *root, const char *sub)
{
	char path[PATH_MAX];

	if (paths_fmt(path, sizeof(path), "%s/%s", root, sub) < 0)
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * {name: text} for the regular files in dir whose names start with prefix,
 * sorted by name; null when the directory is missing.
 */
static void dir_texts(struct jsonw *w, const char *key, int dirfd, const char *prefix,
		      struct procfs_buf *b)
{
	char **names = NULL, **p;
	size_t n = 0, i;
	struct dirent *e;
	DIR *dir;
	int fd;

	if (dirfd < 0 || (fd = dup(dirfd)) < 0 || !(dir = fdopendir(fd))) {
		jsonw_null(w, key);
		return;
	}
	while ((e = readdir(dir))) {
		if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN)
			continue;
		if (strncmp(e->d_name, prefix, strlen(prefix)) || e->d_name[0] == '.')
			continue;
		if (!(p = realloc(names, (n + 1) * sizeof(*names))))
			break;
		names = p;
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	jsonw_obj(w, key);
	for (i = 0; i < n; i++) {
		str_at(w, names[i], dirfd, names[i], b);
		free(names[i]);
	}
	jsonw_end(w);
	free(names);
}

static void num_at(struct jsonw *w, const char *key, int dirfd, const char *name,
		   struct procfs_buf *b)
{
	const char *s = text_at(dirfd, name, b);
	int64_t v;

	if (s && parse_i64(s, INT64_MIN + 1, INT64_MAX, &v, NULL) == 0)
		jsonw_int(w, key, v);
	else
		jsonw_null(w, key);
}

static void write_sched_ext(struct jsonw *w, const char *sysfs_root, struct procfs_buf *b)
{
	int fd = open_dir(sysfs_root, "kernel/sched_ext");

	if (fd < 0) {
		jsonw_null(w, "sched_ext");
		return;
	}
	jsonw_obj(w, "sched_ext");
	str_at(w, "state", fd, "state", b);
	/* root/ops exists only while a BPF scheduler is attached */
	str_at(w, "ops", fd, "root/ops", b);
	num_at(w, "switch_all", fd, "switch_all", b);
	num_at(w, "nr_rejected", fd, "nr_rejected", b);
	num_at(w, "enable_seq", fd, "enable_seq", b);
	num_at(w, "hotplug_seq", fd, "hotplug_seq", b);
	jsonw_end(w);
	close(fd);
}

static void write_cpus(struct jsonw *w, int sysfd, struct procfs_buf *b)
{
	const char *s = text_at(sysfd, "devices/system/cpu/online", b);
	struct cpulist cl;

	cpulist_init(&cl);
	if (s && cpulist_parse(&cl, s, CPULIST_STRICT, NULL) == 0) {
		jsonw_str(w, "cpus_online", s, (size_t)-1);
		jsonw_int(w, "nr_cpus_online", (int64_t)cl.n);
	} else {
		jsonw_null(w, "cpus_online");
		jsonw_null(w, "nr_cpus_online");
	}
	cpulist_release(&cl);
}

void hst_host_write(struct jsonw *w, const char *proc_root, const char *sysfs_root,
		    const struct hst_cgroup_layout *l, struct procfs_buf *b)
{
	int kfd = open_dir(proc_root, "sys/kernel"), pfd = open_dir(proc_root, ".");
	int sysfd = open_dir(sysfs_root, "."), dbg = open_dir(sysfs_root, "kernel/debug/sched");

	jsonw_obj(w, "host");
	str_at(w, "hostname", kfd, "hostname", b);
	str_at(w, "kernel_release", kfd, "osrelease", b);
	str_at(w, "kernel_version", kfd, "version", b);
	str_at(w, "arch", kfd, "arch", b);
	str_at(w, "kernel_cmdline", pfd, "cmdline", b);
	write_cpus(w, sysfd, b);
	jsonw_int(w, "clk_tck", sysconf(_SC_CLK_TCK));
	write_sched_ext(w, sysfs_root, b);
	dir_texts(w, "sched_sysctls", kfd, "sched_", b);
	dir_texts(w, "sched_debugfs", dbg, "", b);
	hst_cgroup_write_layout(l, w);
	jsonw_end(w);
	if (dbg >= 0)
		close(dbg);
	if (sysfd >= 0)
		close(sysfd);
	if (pfd >= 0)
		close(pfd);
	if (kfd >= 0)
		close(kfd);
}
