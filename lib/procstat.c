// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "procstat.h"

int procstat_schedstat_parse(const char *s, struct procstat_sched *out)
{
	unsigned long long a, b, c;
	int n = 0;

	if (sscanf(s, "%llu %llu %llu%n", &a, &b, &c, &n) != 3 || (s[n] && s[n] != '\n'))
		return -EINVAL;
	out->cpu_ns = a;
	out->run_delay_ns = b;
	out->timeslices = c;
	return 0;
}

int procstat_schedstat_read(const char *path, struct procstat_sched *out)
{
	char buf[128];
	int rc = file_read_str(path, buf, sizeof(buf));

	return rc < 0 ? rc : procstat_schedstat_parse(buf, out);
}

void procstat_numa_line(const char *line, uint64_t *pages, unsigned max_nodes)
{
	const char *p = line;
	unsigned long long node, n;
	char *end;

	/* tokens are separated by spaces; the first (the address) never starts with N */
	while ((p = strchr(p, ' ')) != NULL) {
		p++;
		if (*p != 'N' || p[1] < '0' || p[1] > '9')
			continue;
		node = strtoull(p + 1, &end, 10);
		if (*end != '=')
			continue;
		n = strtoull(end + 1, &end, 10);
		if ((*end == ' ' || *end == '\n' || !*end) && node < max_nodes)
			pages[node] += n;
	}
}

int procstat_numa_pages_read(const char *path, uint64_t *pages, unsigned max_nodes)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0)
		procstat_numa_line(line, pages, max_nodes);
	if (ferror(f))
		rc = -EIO;
	free(line);
	fclose(f);
	return rc;
}
