// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel.h"
#include "unit.h"

static char dir[] = "/tmp/ktstr-test-kernel.XXXXXX";

static void make_bzimage(const char *path)
{
	FILE *f = fopen(path, "w");
	char buf[1024] = { 0 };

	memcpy(buf + 0x202, "HdrS", 4);
	fwrite(buf, 1, sizeof(buf), f);
	fclose(f);
}

static void test_image_file_and_source_dir(void)
{
	char path[256], *image = NULL;
	struct kt_diag d;

	snprintf(path, sizeof(path), "%s/vmlinuz", dir);
	make_bzimage(path);
	CHECK(kernel_resolve(path, NULL, &image, &d) == 0);
	CHECK_STR(image, path);
	free(image);
	snprintf(path, sizeof(path), "mkdir -p %s/linux/arch/x86/boot", dir);
	CHECK(system(path) == 0);
	snprintf(path, sizeof(path), "%s/linux", dir);
	CHECK(kernel_resolve(path, NULL, &image, &d) == -ENOENT);
	CHECK(strstr(d.msg, "make bzImage") != NULL);
	snprintf(path, sizeof(path), "%s/linux/arch/x86/boot/bzImage", dir);
	make_bzimage(path);
	snprintf(path, sizeof(path), "%s/linux", dir);
	CHECK(kernel_resolve(path, NULL, &image, &d) == 0);
	CHECK(image && strstr(image, "/linux/arch/x86/boot/bzImage"));
	free(image);
}

static void test_bad_ids(void)
{
	char path[256], *image = NULL;
	struct kt_diag d;
	FILE *f;

	CHECK(kernel_resolve("/nonexistent/bzImage", NULL, &image, &d) == -ENOENT);
	CHECK(strstr(d.msg, "/nonexistent/bzImage") != NULL);
	CHECK(kernel_resolve("6.14.2", NULL, &image, &d) == -ENOTSUP);
	CHECK(strstr(d.msg, "ktstr-kernel") != NULL);
	snprintf(path, sizeof(path), "%s/text", dir);
	f = fopen(path, "w");
	fputs("not a kernel\n", f);
	fclose(f);
	CHECK(kernel_resolve(path, NULL, &image, &d) == -ENOEXEC);
	CHECK(kernel_check_bzimage(path) == -ENOEXEC);
}

/* A stand-in ktstr-kernel: "resolve good" prints an image, anything else fails. */
static void make_resolver(const char *path, const char *image)
{
	FILE *f = fopen(path, "w");

	fprintf(f, "#!/bin/sh\n[ \"$1\" = resolve ] || exit 9\n"
		   "case \"$2\" in good) echo '%s';; text) echo '%s/text';; *) echo \"no $2\" >&2; exit 2;; esac\n",
		image, dir);
	fclose(f);
	chmod(path, 0755);
}

static void test_ids_go_to_the_resolver(void)
{
	char resolver[256], img[256], *image = NULL;
	struct kt_diag d;

	snprintf(img, sizeof(img), "%s/cached-bzImage", dir);
	make_bzimage(img);
	snprintf(resolver, sizeof(resolver), "%s/ktstr-kernel", dir);
	make_resolver(resolver, img);
	CHECK(kernel_resolve("good", resolver, &image, &d) == 0);
	CHECK(image && !strcmp(image, img));
	free(image);
	image = NULL;
	CHECK(kernel_resolve("6.99", resolver, &image, &d) == -ENOENT);
	CHECK(strstr(d.msg, "failed with status 2") != NULL);
	CHECK(image == NULL);
	/* what the resolver prints must still be a bzImage */
	CHECK(kernel_resolve("text", resolver, &image, &d) == -ENOEXEC);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(dir))
		return 1;
	RUN(test_image_file_and_source_dir);
	RUN(test_bad_ids);
	RUN(test_ids_go_to_the_resolver);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? unit_done() : 1;
}
