// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"

#define M 0xc6a4a7935bd1e995ull
#define R 47
#define SEED 0x6b74737472766dull /* "ktstrvm" */

static uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v)); /* little-endian hosts only: fine for a cache key */
	return v;
}

static uint64_t mix_word(uint64_t h, uint64_t k)
{
	k *= M;
	k ^= k >> R;
	k *= M;
	h ^= k;
	return h * M;
}

void hash64_init(struct hash64 *h)
{
	memset(h, 0, sizeof(*h));
	h->h = SEED;
}

void hash64_update(struct hash64 *h, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t take;

	h->total += len;
	if (h->ntail) {
		take = 8 - h->ntail < len ? 8 - h->ntail : len;
		memcpy(h->tail + h->ntail, p, take);
		h->ntail += (unsigned)take;
		p += take;
		len -= take;
		if (h->ntail < 8)
			return;
		h->h = mix_word(h->h, load64(h->tail));
		h->ntail = 0;
	}
	for (; len >= 8; p += 8, len -= 8)
		h->h = mix_word(h->h, load64(p));
	memcpy(h->tail, p, len);
	h->ntail = (unsigned)len;
}

void hash64_update_str(struct hash64 *h, const char *s)
{
	hash64_update(h, s, strlen(s) + 1);
}

void hash64_update_u64(struct hash64 *h, uint64_t v)
{
	hash64_update(h, &v, sizeof(v));
}

int hash64_update_file(struct hash64 *h, const char *path)
{
	unsigned char buf[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			return -e;
		}
		hash64_update(h, buf, (size_t)n);
	}
	close(fd);
	return 0;
}

uint64_t hash64_final(const struct hash64 *h)
{
	uint64_t v = h->h ^ (h->total * M), last = 0;

	if (h->ntail) {
		memcpy(&last, h->tail, h->ntail);
		v ^= last;
		v *= M;
	}
	v ^= v >> R;
	v *= M;
	v ^= v >> R;
	return v;
}
