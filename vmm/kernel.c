// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"

#define BZ_HDR_MAGIC_OFF 0x202 /* "HdrS" in the x86 boot protocol's setup header */
#define BZ_IMAGE "arch/x86/boot/bzImage"

int kernel_check_bzimage(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, magic, sizeof(magic), BZ_HDR_MAGIC_OFF);
	close(fd);
	return n == sizeof(magic) && !memcmp(magic, "HdrS", 4) ? 0 : -ENOEXEC;
}

static int looks_like_path(const char *id)
{
	struct stat st;

	return strchr(id, '/') || id[0] == '.' || id[0] == '~' || stat(id, &st) == 0;
}

/* "~/x" -> "$HOME/x"; anything else is copied. */
static int expand_home(const char *id, char *out, size_t size)
{
	const char *home = getenv("HOME");

	if (id[0] == '~' && (id[1] == '/' || !id[1]) && home && *home)
		return snprintf(out, size, "%s%s", home, id + 1) < (int)size ? 0 : -ENAMETOOLONG;
	return snprintf(out, size, "%s", id) < (int)size ? 0 : -ENAMETOOLONG;
}

static int image_file(const char *path, char **image, struct kt_diag *d)
{
	int rc = kernel_check_bzimage(path);

	if (rc == -ENOEXEC)
		return kt_diag_set(d, ENOEXEC,
				   "--kernel '%s' is not a bzImage; give a vmlinuz, an "
				   "arch/x86/boot/bzImage or a kernel source directory",
				   path);
	if (rc < 0)
		return kt_diag_set(d, -rc, "--kernel '%s': %s", path, strerror(-rc));
	if (!(*image = strdup(path)))
		return kt_diag_set(d, ENOMEM, "out of memory");
	return 0;
}

int kernel_resolve(const char *id, char **image, struct kt_diag *d)
{
	char path[PATH_MAX], img[PATH_MAX];
	struct stat st;
	int rc;

	if (!looks_like_path(id))
		return kt_diag_set(d, ENOTSUP,
				   "--kernel '%s': versions and cache keys need ktstr-kernel, which "
				   "is not available yet; give an image path or a source directory",
				   id);
	if ((rc = expand_home(id, path, sizeof(path))) < 0 || stat(path, &st) < 0)
		return kt_diag_set(d, rc < 0 ? -rc : errno, "--kernel '%s': %s", id,
				   strerror(rc < 0 ? -rc : errno));
	if (!S_ISDIR(st.st_mode))
		return image_file(path, image, d);
	if (snprintf(img, sizeof(img), "%s/%s", path, BZ_IMAGE) >= (int)sizeof(img))
		return kt_diag_set(d, ENAMETOOLONG, "--kernel '%s': path too long", id);
	if (access(img, R_OK) < 0)
		return kt_diag_set(d, ENOENT,
				   "--kernel '%s': no %s in this directory; build it with "
				   "'make bzImage' there",
				   id, BZ_IMAGE);
	return image_file(img, image, d);
}
