// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "fsop.h"
#include "ktime.h"
#include "unit.h"

static char dir[] = "/tmp/ktstr-fsop-XXXXXX";

static void test_ops(void)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(fsop_mkdir(path, 1000) == 0);
	CHECK(file_is_dir(path));
	CHECK(fsop_mkdir(path, 1000) == -EEXIST);
	CHECK(fsop_rmdir(path, 1000) == 0);
	CHECK(fsop_rmdir(path, 1000) == -ENOENT);
	snprintf(path, sizeof(path), "%s/file", dir);
	CHECK(fsop_write(path, "x", 1000) == -ENOENT); /* never creates files */
	close(open(path, O_CREAT | O_WRONLY, 0644));
	CHECK(fsop_write(path, "0-3", 1000) == 0);
	CHECK(file_read_str(path, buf, sizeof(buf)) == 3 && !strcmp(buf, "0-3"));
	unlink(path);
}

/* Opening a FIFO with no reader blocks forever: the stand-in for a stuck cgroup write. */
static void test_timeout(void)
{
	char path[256];
	uint64_t t0;
	int rc, fd;

	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK(mkfifo(path, 0600) == 0);
	t0 = ktime_now_ns();
	rc = fsop_write(path, "1", 100);
	CHECK(rc == -ETIMEDOUT);
	CHECK(ktime_now_ns() - t0 < 1000 * KTIME_NS_PER_MS);
	/* release the stuck thread so it can finish and free its state */
	fd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(fd >= 0);
	usleep(20000);
	if (fd >= 0)
		close(fd);
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_ops);
	RUN(test_timeout);
	rmdir(dir);
	return unit_done();
}
