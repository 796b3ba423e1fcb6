// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel.h"
#include "sig.h"

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

/* "<resolver> resolve ID": its stdout (the image path) into out; stderr stays ours. */
static int run_resolver(const char *resolver, const char *id, char *out, size_t size, int *status)
{
	char *const argv[] = { (char *)resolver, "resolve", (char *)id, NULL };
	int p[2], rc = 0;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		rc = -errno;
		close(p[0]);
		close(p[1]);
		return rc;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (dup2(p[1], STDOUT_FILENO) >= 0)
			execv(resolver, argv);
		_exit(127);
	}
	close(p[1]);
	while (got + 1 < size && (n = read(p[0], out + got, size - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR && kt_stopping()) {
			kill(pid, SIGTERM); /* a build in progress stops and caches nothing */
			rc = -EINTR;
			break;
		}
		if (n < 0 && errno != EINTR)
			break;
		got += n > 0 ? (size_t)n : 0;
	}
	out[got] = '\0';
	close(p[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return rc;
}

/* A version or cache key: ktstr-kernel knows it, may build it, and prints the image. */
static int resolve_id(const char *id, const char *resolver, char **image, struct kt_diag *d)
{
	char out[PATH_MAX + 2];
	int status = 0, rc;

	if (!resolver)
		return kt_diag_set(d, ENOTSUP, "--kernel '%s': versions and cache keys need "
				   "ktstr-kernel; give an image path or a source directory", id);
	if ((rc = run_resolver(resolver, id, out, sizeof(out), &status)) < 0)
		return kt_diag_set(d, -rc, "--kernel '%s': cannot run '%s resolve': %s", id,
				   resolver, strerror(-rc));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return kt_diag_set(d, ENOENT, "--kernel '%s': '%s resolve' failed with status %d "
				   "(its message is above)", id, resolver,
				   WIFEXITED(status) ? WEXITSTATUS(status)
						     : 128 + WTERMSIG(status));
	out[strcspn(out, "\n")] = '\0';
	if (!*out)
		return kt_diag_set(d, ENOENT, "--kernel '%s': '%s resolve' printed no image", id,
				   resolver);
	return image_file(out, image, d);
}

int kernel_resolve(const char *id, const char *resolver, char **image, struct kt_diag *d)
{
	char path[PATH_MAX], img[PATH_MAX];
	struct stat st;
	int rc;

	if (!looks_like_path(id))
		return resolve_id(id, resolver, image, d);
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
