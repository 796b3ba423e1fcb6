// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmsg.h"
#include "unit.h"

static char root[] = "/tmp/ktstr-test-kmsg.XXXXXX";

static void test_parse_a_record(void)
{
	char line[] = "30,1234,5678901,-;sched_ext: BPF scheduler \"s\" enabled";
	char bad1[] = "no header here", bad2[] = "6,x,1,-;text";
	struct kmsg_rec r;

	CHECK(kmsg_parse(line, &r) == 0);
	CHECK(r.level == 6 && r.seq == 1234 && r.usec == 5678901); /* facility 3, level 6 */
	CHECK_STR(r.text, "sched_ext: BPF scheduler \"s\" enabled");
	CHECK(kmsg_parse(bad1, &r) == -EINVAL);
	CHECK(kmsg_parse(bad2, &r) == -EINVAL);
}

static bool put(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s);
}

/* Records from a FIFO arrive in pieces; continuation lines are skipped. */
static void test_read_from_a_fifo(void)
{
	char path[256];
	struct kmsg_rec r;
	struct kmsg k;
	int w;

	snprintf(path, sizeof(path), "%s/kmsg", root);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(kmsg_open(&k) == 0);
	w = open(path, O_WRONLY);
	CHECK(kmsg_next(&k, &r) == 0); /* nothing yet */
	CHECK(put(w, "3,1,10,-;first\n SUBSYSTEM=x\n6,2,2"));
	CHECK(kmsg_next(&k, &r) == 1);
	CHECK_STR(r.text, "first");
	CHECK(kmsg_next(&k, &r) == 0); /* half a record */
	CHECK(put(w, "0,-;second\n"));
	CHECK(kmsg_next(&k, &r) == 1);
	CHECK_STR(r.text, "second");
	CHECK(r.seq == 2 && r.usec == 20);
	close(w);
	CHECK(kmsg_next(&k, &r) == 0 && k.eof);
	kmsg_close(&k);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(root))
		return 1;
	setenv("KTSTR_DEV_ROOT", root, 1);
	RUN(test_parse_a_record);
	RUN(test_read_from_a_fifo);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? unit_done() : 1;
}
