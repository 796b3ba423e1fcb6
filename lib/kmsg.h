/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the kernel log as it grows, through /dev/kmsg (paths_dev(), so a
 * test can hand in a FIFO or a file of records).
 *
 *   struct kmsg k;
 *   kmsg_open(&k);                 from the end: only messages made from now on
 *   poll(k.fd, POLLIN) ...
 *   while (kmsg_next(&k, &rec) > 0) use rec.level, rec.text
 *   kmsg_close(&k);
 *
 * A record is "LEVEL,SEQ,USEC,FLAGS;TEXT" on one line, followed by
 * continuation lines that start with a space (key=value pairs), which are
 * skipped.  The kernel returns one record per read(2); a FIFO may return
 * several or a part, so lines are assembled here.  Messages lost to a
 * wrapping buffer (EPIPE) are counted in k.lost and reading goes on.
 */
#ifndef KTSTR_KMSG_H
#define KTSTR_KMSG_H

#include <stddef.h>
#include <stdint.h>

#define KMSG_LINE_MAX 8192

struct kmsg {
	int fd;
	char buf[KMSG_LINE_MAX * 2]; /* bytes read, not yet returned */
	size_t len;
	char line[KMSG_LINE_MAX];    /* the record last returned */
	unsigned long lost;
	int eof;
};

struct kmsg_rec {
	int level;	  /* 0 (emerg) .. 7 (debug) */
	uint64_t seq;
	uint64_t usec;	  /* since boot */
	const char *text; /* valid until the next kmsg_next() */
};

/* 0 or -errno (-EACCES without CAP_SYSLOG, -ENOENT without /dev/kmsg). */
int kmsg_open(struct kmsg *k);
/* 1 and a record; 0 when nothing complete is buffered and the fd has nothing now; -errno. */
int kmsg_next(struct kmsg *k, struct kmsg_rec *rec);
/* Parse one record line in place (the text after ';'); -EINVAL when it is not one. */
int kmsg_parse(char *line, struct kmsg_rec *rec);
void kmsg_close(struct kmsg *k);

#endif
