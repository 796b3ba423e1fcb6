// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "initramfs.h"

#define NEWC_HDR 110
#define PAD_TO 512
#define CPIO_MAX_FILE 0xffffffffull /* the size field has 8 hex digits */
#define IO_BUF (1u << 20)

static const char trailer[] = "TRAILER!!!";

static inline uint64_t align4(uint64_t x)
{
	return (x + 3) & ~(uint64_t)3;
}

void initramfs_init(struct initramfs *ar)
{
	memset(ar, 0, sizeof(*ar));
}

static void entry_release(struct initramfs_entry *e)
{
	free(e->path);
	free(e->src);
	free(e->data);
}

void initramfs_release(struct initramfs *ar)
{
	size_t i;

	for (i = 0; i < ar->n; i++)
		entry_release(&ar->ent[i]);
	free(ar->ent);
	initramfs_init(ar);
}

/* Drop leading slashes; refuse empty, "." and ".." components. */
static int normalize(const char *in, const char **out, struct kt_diag *d)
{
	const char *p, *c;
	size_t len;

	while (*in == '/')
		in++;
	for (p = in;; p = c + 1) {
		c = strchrnul(p, '/');
		len = (size_t)(c - p);
		if (!len || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return kt_diag_set(d, EINVAL, "bad archive path '%s'", in);
		if (!*c)
			break;
	}
	*out = in;
	return 0;
}

/* Position of path, or where it would go (*found = 0). */
static size_t locate(const struct initramfs *ar, const char *path, int *found)
{
	size_t lo = 0, hi = ar->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(ar->ent[mid].path, path);
		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

const struct initramfs_entry *initramfs_find(const struct initramfs *ar, const char *path)
{
	int found;
	size_t i;

	while (*path == '/')
		path++;
	i = locate(ar, path, &found);
	return found ? &ar->ent[i] : NULL;
}

static const char *describe(const struct initramfs_entry *e)
{
	switch (e->kind) {
	case INITRAMFS_DIR:
		return "a directory";
	case INITRAMFS_FILE:
	case INITRAMFS_SYMLINK:
		return e->src;
	case INITRAMFS_DATA:
		return "generated content";
	case INITRAMFS_CHARDEV:
		return "a device node";
	}
	return "?";
}

static int same_entry(const struct initramfs_entry *a, const struct initramfs_entry *b)
{
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case INITRAMFS_DIR:
		return 1;
	case INITRAMFS_FILE:
	case INITRAMFS_SYMLINK:
		return !strcmp(a->src, b->src) && a->mode == b->mode;
	case INITRAMFS_DATA:
		return a->size == b->size && !memcmp(a->data, b->data, a->size) &&
		       a->mode == b->mode;
	case INITRAMFS_CHARDEV:
		return a->rdev_major == b->rdev_major && a->rdev_minor == b->rdev_minor;
	}
	return 0;
}

/* Insert e (taking its allocations) at its sorted place; frees e on any failure. */
static int insert(struct initramfs *ar, struct initramfs_entry *e, struct kt_diag *d)
{
	struct initramfs_entry *grown;
	size_t i;
	int found, rc = 0;

	i = locate(ar, e->path, &found);
	if (found) {
		if (!same_entry(&ar->ent[i], e))
			rc = kt_diag_set(d, EEXIST, "'/%s' would be both %s and %s", e->path,
					 describe(&ar->ent[i]), describe(e));
		entry_release(e);
		return rc;
	}
	if (ar->n == ar->cap) {
		grown = realloc(ar->ent, (ar->cap ? ar->cap * 2 : 64) * sizeof(*grown));
		if (!grown) {
			entry_release(e);
			return kt_diag_set(d, ENOMEM, "out of memory");
		}
		ar->ent = grown;
		ar->cap = ar->cap ? ar->cap * 2 : 64;
	}
	memmove(&ar->ent[i + 1], &ar->ent[i], (ar->n - i) * sizeof(*e));
	ar->ent[i] = *e;
	ar->n++;
	return 0;
}

static int add_parents(struct initramfs *ar, const char *path, struct kt_diag *d)
{
	struct initramfs_entry e = { .kind = INITRAMFS_DIR, .mode = 0755 };
	const char *slash;
	int rc;

	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		e.path = strndup(path, (size_t)(slash - path));
		if (!e.path)
			return kt_diag_set(d, ENOMEM, "out of memory");
		rc = insert(ar, &e, d);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Common path for every add: normalize, make parents, insert. */
static int add(struct initramfs *ar, const char *path, struct initramfs_entry *e,
	       struct kt_diag *d)
{
	const char *norm = NULL;
	int rc = normalize(path, &norm, d);

	if (rc == 0)
		rc = add_parents(ar, norm, d);
	if (rc == 0 && !(e->path = strdup(norm)))
		rc = kt_diag_set(d, ENOMEM, "out of memory");
	if (rc < 0) {
		entry_release(e);
		return rc;
	}
	return insert(ar, e, d);
}

int initramfs_add_dir(struct initramfs *ar, const char *path, unsigned mode, struct kt_diag *d)
{
	struct initramfs_entry e = { .kind = INITRAMFS_DIR, .mode = mode & 07777 };

	return add(ar, path, &e, d);
}

int initramfs_add_file(struct initramfs *ar, const char *path, const char *host, unsigned mode,
		       struct kt_diag *d)
{
	struct initramfs_entry e = { .kind = INITRAMFS_FILE, .mode = mode & 07777 };
	struct stat st;

	if (stat(host, &st) < 0)
		return kt_diag_set(d, errno, "cannot read '%s': %s", host, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kt_diag_set(d, EINVAL, "'%s' is not a regular file", host);
	if ((uint64_t)st.st_size > CPIO_MAX_FILE)
		return kt_diag_set(d, EFBIG, "'%s' is larger than cpio's 4 GiB limit", host);
	e.size = (uint64_t)st.st_size;
	if (!(e.src = strdup(host)))
		return kt_diag_set(d, ENOMEM, "out of memory");
	return add(ar, path, &e, d);
}

int initramfs_add_data(struct initramfs *ar, const char *path, const void *data, size_t len,
		       unsigned mode, struct kt_diag *d)
{
	struct initramfs_entry e = { .kind = INITRAMFS_DATA, .mode = mode & 07777, .size = len };

	if (!(e.data = malloc(len ? len : 1)))
		return kt_diag_set(d, ENOMEM, "out of memory");
	memcpy(e.data, data, len);
	return add(ar, path, &e, d);
}

int initramfs_add_symlink(struct initramfs *ar, const char *path, const char *target,
			  struct kt_diag *d)
{
	struct initramfs_entry e = { .kind = INITRAMFS_SYMLINK, .mode = 0777 };

	if (!*target)
		return kt_diag_set(d, EINVAL, "empty symlink target for '%s'", path);
	if (!(e.src = strdup(target)))
		return kt_diag_set(d, ENOMEM, "out of memory");
	e.size = strlen(target);
	return add(ar, path, &e, d);
}

int initramfs_add_chardev(struct initramfs *ar, const char *path, unsigned mode, unsigned major,
			  unsigned minor, struct kt_diag *d)
{
	struct initramfs_entry e = { .kind = INITRAMFS_CHARDEV, .mode = mode & 07777,
				     .rdev_major = major, .rdev_minor = minor };

	return add(ar, path, &e, d);
}

static unsigned type_bits(enum initramfs_kind k)
{
	switch (k) {
	case INITRAMFS_DIR:
		return S_IFDIR;
	case INITRAMFS_SYMLINK:
		return S_IFLNK;
	case INITRAMFS_CHARDEV:
		return S_IFCHR;
	default:
		return S_IFREG;
	}
}

static uint64_t data_bytes(const struct initramfs_entry *e)
{
	return e->kind == INITRAMFS_DIR || e->kind == INITRAMFS_CHARDEV ? 0 : e->size;
}

static uint64_t entry_bytes(const char *path, uint64_t data)
{
	return align4(NEWC_HDR + strlen(path) + 1) + align4(data);
}

uint64_t initramfs_bytes(const struct initramfs *ar)
{
	uint64_t total = entry_bytes(trailer, 0);
	size_t i;

	for (i = 0; i < ar->n; i++)
		total += entry_bytes(ar->ent[i].path, data_bytes(&ar->ent[i]));
	return (total + PAD_TO - 1) / PAD_TO * PAD_TO;
}

int initramfs_hash(const struct initramfs *ar, uint64_t *out, struct kt_diag *d)
{
	const struct initramfs_entry *e;
	struct hash64 h;
	size_t i;
	int rc;

	hash64_init(&h);
	hash64_update_str(&h, "ktstr-initramfs-v1");
	for (i = 0; i < ar->n; i++) {
		e = &ar->ent[i];
		hash64_update_str(&h, e->path);
		hash64_update_u64(&h, type_bits(e->kind) | e->mode);
		hash64_update_u64(&h, data_bytes(e));
		hash64_update_u64(&h, (uint64_t)e->rdev_major << 32 | e->rdev_minor);
		if (e->kind == INITRAMFS_SYMLINK)
			hash64_update_str(&h, e->src);
		else if (e->kind == INITRAMFS_DATA)
			hash64_update(&h, e->data, e->size);
		else if (e->kind == INITRAMFS_FILE && (rc = hash64_update_file(&h, e->src)) < 0)
			return kt_diag_set(d, -rc, "cannot read '%s': %s", e->src, strerror(-rc));
	}
	*out = hash64_final(&h);
	return 0;
}

/* A buffered writer: headers and small data are gathered, then written in big chunks. */
struct out {
	int fd;
	char *buf; /* owned */
	size_t len;
	uint64_t total;
};

static int out_flush(struct out *o)
{
	size_t off = 0;
	ssize_t n;

	while (off < o->len) {
		n = write(o->fd, o->buf + off, o->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	o->len = 0;
	return 0;
}

static int out_put(struct out *o, const void *p, size_t len)
{
	const char *s = p;
	size_t take;
	int rc;

	o->total += len;
	while (len) {
		if (o->len == IO_BUF && (rc = out_flush(o)) < 0)
			return rc;
		take = IO_BUF - o->len < len ? IO_BUF - o->len : len;
		memcpy(o->buf + o->len, s, take);
		o->len += take;
		s += take;
		len -= take;
	}
	return 0;
}

static int out_zeros(struct out *o, size_t n)
{
	static const char zeros[PAD_TO];

	return out_put(o, zeros, n);
}

static int put_header(struct out *o, const struct initramfs_entry *e, unsigned ino)
{
	char hdr[NEWC_HDR + 1];
	size_t namesize = strlen(e->path) + 1;
	int rc;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino,
		 type_bits(e->kind) | e->mode, 0u, 0u, e->kind == INITRAMFS_DIR ? 2u : 1u, 0u,
		 (unsigned)data_bytes(e), 0u, 0u, e->rdev_major, e->rdev_minor, (unsigned)namesize,
		 0u);
	rc = out_put(o, hdr, NEWC_HDR);
	if (rc == 0)
		rc = out_put(o, e->path, namesize);
	if (rc == 0)
		rc = out_zeros(o, align4(NEWC_HDR + namesize) - (NEWC_HDR + namesize));
	return rc;
}

/* Copy a host file into the archive, insisting on the size recorded at add time. */
static int put_file(struct out *o, const struct initramfs_entry *e, struct kt_diag *d)
{
	uint64_t left = e->size;
	int fd = open(e->src, O_RDONLY | O_CLOEXEC), rc = 0;
	size_t room;
	ssize_t n;

	if (fd < 0)
		return kt_diag_set(d, errno, "cannot read '%s': %s", e->src, strerror(errno));
	while (left && rc == 0) {
		if (o->len == IO_BUF && (rc = out_flush(o)) < 0)
			break;
		room = IO_BUF - o->len < left ? IO_BUF - o->len : (size_t)left;
		n = read(fd, o->buf + o->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -ESTALE;
			break;
		}
		o->len += (size_t)n;
		o->total += (uint64_t)n;
		left -= (uint64_t)n;
	}
	close(fd);
	if (rc == -ESTALE)
		return kt_diag_set(d, ESTALE, "'%s' shrank while the archive was written", e->src);
	if (rc < 0)
		return kt_diag_set(d, -rc, "cannot copy '%s': %s", e->src, strerror(-rc));
	return 0;
}

static int put_entry(struct out *o, const struct initramfs_entry *e, unsigned ino,
		     struct kt_diag *d)
{
	int rc = put_header(o, e, ino);

	if (rc < 0)
		return kt_diag_set(d, -rc, "cannot write the archive: %s", strerror(-rc));
	switch (e->kind) {
	case INITRAMFS_FILE:
		rc = put_file(o, e, d);
		if (rc < 0)
			return rc;
		break;
	case INITRAMFS_DATA:
		rc = out_put(o, e->data, e->size);
		break;
	case INITRAMFS_SYMLINK:
		rc = out_put(o, e->src, e->size);
		break;
	default:
		break;
	}
	if (rc == 0)
		rc = out_zeros(o, align4(data_bytes(e)) - data_bytes(e));
	if (rc < 0)
		return kt_diag_set(d, -rc, "cannot write the archive: %s", strerror(-rc));
	return 0;
}

int initramfs_write(const struct initramfs *ar, int fd, uint64_t *bytes, struct kt_diag *d)
{
	struct initramfs_entry end = { .path = (char *)trailer, .kind = INITRAMFS_FILE };
	struct out o = { .fd = fd };
	size_t i;
	int rc = 0;

	if (!(o.buf = malloc(IO_BUF)))
		return kt_diag_set(d, ENOMEM, "out of memory");
	for (i = 0; i < ar->n && rc == 0; i++)
		rc = put_entry(&o, &ar->ent[i], (unsigned)i + 1, d); /* fills d */
	if (rc == 0) {
		rc = put_header(&o, &end, 0);
		if (rc == 0)
			rc = out_zeros(&o, (PAD_TO - o.total % PAD_TO) % PAD_TO);
		if (rc == 0)
			rc = out_flush(&o);
		if (rc < 0)
			kt_diag_set(d, -rc, "cannot write the archive: %s", strerror(-rc));
	}
	free(o.buf);
	if (rc == 0 && bytes)
		*bytes = o.total;
	return rc;
}
