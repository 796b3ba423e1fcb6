// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "kimage.h"

#define SETUP_MAGIC_OFF 0x202
#define VERSION_PTR_OFF 0x20e
#define SETUP_BASE 0x200

int kimage_probe(const char *path, char *version, size_t size, struct kt_diag *d)
{
	unsigned char hdr[0x400];
	char v[128];
	unsigned off;
	ssize_t n;
	size_t i;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	/* a path through a file names nothing, like a missing one: bad input */
	if (fd < 0) {
		e = errno == ENOTDIR ? ENOENT : errno;
		return kt_diag_set(d, -e, "cannot open '%s': %s", path, strerror(e));
	}
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (n < 0) {
		e = errno;
		close(fd);
		if (e == EISDIR)
			return kt_diag_set(d, -EINVAL, "'%s' is a directory, not a bzImage", path);
		return kt_diag_set(d, -e, "cannot read '%s': %s", path, strerror(e));
	}
	if (n < VERSION_PTR_OFF + 2 || memcmp(hdr + SETUP_MAGIC_OFF, "HdrS", 4)) {
		close(fd);
		return kt_diag_set(d, -EINVAL, "'%s' is not a bzImage (no \"HdrS\" boot header)",
				   path);
	}
	if (size)
		version[0] = '\0';
	off = hdr[VERSION_PTR_OFF] | (unsigned)hdr[VERSION_PTR_OFF + 1] << 8;
	n = off ? pread(fd, v, sizeof(v) - 1, SETUP_BASE + off) : 0;
	close(fd);
	if (n > 0 && size) {
		v[n] = '\0';
		for (i = 0; i + 1 < size && v[i] > ' ' && v[i] < 0x7f; i++)
			version[i] = v[i];
		version[i] = '\0';
	}
	return 0;
}
