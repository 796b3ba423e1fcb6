// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "kfetch.h"
#include "krun.h"
#include "parse.h"
#include "paths.h"

#define SUMS_MAX (16u << 20)

int kfetch_parse_version(const char *s, struct kfetch_version *v, struct kt_diag *d)
{
	unsigned part[3] = { 0, 0, 0 };
	char buf[16];
	const char *p = s, *dot;
	size_t n, len;

	memset(v, 0, sizeof(*v));
	for (n = 0; n < 3 && *p; n++) {
		dot = strchrnul(p, '.');
		len = (size_t)(dot - p);
		if (len == 0 || len >= sizeof(buf) || !isdigit((unsigned char)*p))
			break;
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (parse_uint(buf, 0, 100000, &part[n], NULL) < 0)
			break;
		p = *dot ? dot + 1 : dot;
		if (*dot && !*p)
			break; /* a trailing dot */
	}
	if (*p || n < 2)
		return kt_diag_set(d, -EINVAL,
				   "'%s' is not a version: use MAJOR.MINOR or MAJOR.MINOR.PATCH", s);
	v->major = part[0];
	v->minor = part[1];
	v->patch = part[2];
	v->has_patch = n == 3;
	return 0;
}

bool kfetch_matches(const struct kfetch_version *v, const char *s)
{
	struct kfetch_version r;

	if (kfetch_parse_version(s, &r, NULL) < 0)
		return false;
	if (r.major != v->major || r.minor != v->minor)
		return false;
	return !v->has_patch || r.patch == v->patch;
}

int kfetch_cmp(const char *a, const char *b)
{
	struct kfetch_version x = { 0 }, y = { 0 };

	kfetch_parse_version(a, &x, NULL);
	kfetch_parse_version(b, &y, NULL);
	if (x.major != y.major)
		return x.major < y.major ? -1 : 1;
	if (x.minor != y.minor)
		return x.minor < y.minor ? -1 : 1;
	if (x.patch != y.patch)
		return x.patch < y.patch ? -1 : 1;
	return 0;
}

/* "<64 hex>  linux-6.12.8.tar.xz" -> release; 0 if the line is something else. */
static int parse_sum_line(const char *line, size_t len, struct kfetch_release *rel)
{
	static const char pre[] = "linux-", suf[] = ".tar.xz";
	const char *name = line + 66;
	size_t i, nlen, vlen;

	if (len < 66 + sizeof(pre) + sizeof(suf) || line[64] != ' ' || line[65] != ' ')
		return 0;
	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)line[i]))
			return 0;
	nlen = len - 66;
	if (strncmp(name, pre, sizeof(pre) - 1) || nlen >= sizeof(rel->file) ||
	    strncmp(name + nlen - (sizeof(suf) - 1), suf, sizeof(suf) - 1))
		return 0;
	vlen = nlen - (sizeof(pre) - 1) - (sizeof(suf) - 1);
	if (vlen >= sizeof(rel->version))
		return 0;
	memcpy(rel->version, name + sizeof(pre) - 1, vlen);
	rel->version[vlen] = '\0';
	if (kfetch_parse_version(rel->version, &rel->v, NULL) < 0)
		return 0;
	memcpy(rel->file, name, nlen);
	rel->file[nlen] = '\0';
	for (i = 0; i < 64; i++)
		rel->sha256[i] = (char)tolower((unsigned char)line[i]);
	rel->sha256[64] = '\0';
	return 1;
}

int kfetch_pick(const char *sums, const struct kfetch_version *v, struct kfetch_release *rel,
		struct kt_diag *d)
{
	const char *line = sums, *nl;
	struct kfetch_release r;
	bool found = false;

	for (; *line; line = *nl ? nl + 1 : nl) {
		nl = strchrnul(line, '\n');
		if (!parse_sum_line(line, (size_t)(nl - line), &r) || !kfetch_matches(v, r.version))
			continue;
		if (!found || kfetch_cmp(r.version, rel->version) > 0)
			*rel = r;
		found = true;
	}
	if (found)
		return 0;
	if (v->has_patch)
		return kt_diag_set(d, -ENOENT, "release %u.%u.%u is not published", v->major,
				   v->minor, v->patch);
	return kt_diag_set(d, -ENOENT, "no %u.%u release is published", v->major, v->minor);
}

static int curl_status(const char *url, int rc, int status, struct kt_diag *d)
{
	if (rc == -EINTR)
		return kt_diag_set(d, rc, "download of '%s' interrupted", url);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot run curl");
	switch (status) {
	case 0:
		return 0;
	case 127:
		return kt_diag_set(d, -ENOSYS, "cannot run curl; install it (Debian: curl)");
	case 22:
		return kt_diag_set(d, -ENOENT, "'%s' is not on the server (HTTP error)", url);
	case 6:
	case 7:
	case 28:
		return kt_diag_set(d, -EHOSTUNREACH,
				   "cannot reach '%s'; check the network or set KTSTR_KERNEL_MIRROR",
				   url);
	default:
		return kt_diag_set(d, -EIO, "download of '%s' failed (curl exit status %d)", url,
				   status);
	}
}

static int curl(const char *url, const char *path, struct kt_diag *d)
{
	char *argv[] = { "curl", "-fL", "--connect-timeout", "20", "--retry", "2",
			 isatty(2) ? "--progress-bar" : "-sS", "-o", (char *)path, (char *)url, NULL };
	struct krun r = { .log_fd = -1 };
	int rc, status = 0;

	rc = krun_run(argv, &r, &status);
	return curl_status(url, rc, status, d);
}

int kfetch_sums(const char *mirror, const struct kfetch_version *v, char **text,
		struct kt_diag *d)
{
	char url[PATH_MAX];
	char *argv[] = { "curl", "-fsSL", "--connect-timeout", "20", "--retry", "2", url, NULL };
	char *buf;
	int rc, status;

	if (paths_fmt(url, sizeof(url), "%s/v%u.x/sha256sums.asc", mirror, v->major) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "mirror URL too long");
	buf = malloc(SUMS_MAX);
	if (!buf)
		return kt_diag_set(d, -ENOMEM, "out of memory");
	rc = krun_capture(argv, NULL, buf, SUMS_MAX, &status);
	if (rc < 0 || status != 0) {
		free(buf);
		return curl_status(url, rc, status, d);
	}
	*text = buf;
	return 0;
}

int kfetch_download(const char *mirror, const struct kfetch_release *rel, const char *path,
		    struct kt_diag *d)
{
	char url[PATH_MAX], got[DIGEST_HEX_LEN];
	int rc;

	if (paths_fmt(url, sizeof(url), "%s/v%u.x/%s", mirror, rel->v.major, rel->file) < 0)
		return kt_diag_set(d, -ENAMETOOLONG, "mirror URL too long");
	rc = curl(url, path, d);
	if (rc < 0)
		return rc;
	rc = digest_sha256_file(path, got);
	if (rc < 0)
		return kt_diag_set(d, rc, "cannot read the download '%s'", path);
	if (strcmp(got, rel->sha256)) {
		unlink(path);
		return kt_diag_set(d, -EBADMSG,
				   "'%s' is corrupt: its sha256 is %.12s..., the published one "
				   "%.12s...; it was deleted, try again or another mirror",
				   url, got, rel->sha256);
	}
	return 0;
}

int kfetch_extract(const char *tarball, const char *dir, struct kt_diag *d)
{
	char *argv[] = { "tar", "-xf", (char *)tarball, "-C", (char *)dir, NULL };
	struct krun r = { .log_fd = -1 };
	int rc, status;

	rc = krun_run(argv, &r, &status);
	if (rc == -EINTR)
		return kt_diag_set(d, rc, "unpacking '%s' interrupted", tarball);
	if (rc < 0 || status != 0)
		return kt_diag_set(d, rc < 0 ? rc : -EIO, "cannot unpack '%s' (tar exit status %d)",
				   tarball, rc < 0 ? -1 : status);
	return 0;
}
