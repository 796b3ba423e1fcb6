/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fast 64-bit content hash for cache keys (the cached base initramfs is
 * named after the hash of everything in it).  Not cryptographic: it only
 * has to tell different inputs apart, and it has to be cheap because every
 * boot hashes the base's inputs (~10 MiB) again.
 *
 *   struct hash64 h;
 *   hash64_init(&h);
 *   hash64_update(&h, buf, len);        any number of times, any chunking
 *   hash64_update_str(&h, "name");      the string and its terminating NUL
 *   uint64_t v = hash64_final(&h);      the same bytes give the same value
 *
 * The mixing is MurmurHash64A's (one multiply-xorshift round per 8-byte
 * word), fed as a stream so that the chunking does not change the value.
 */
#ifndef KTSTR_VMM_HASH_H
#define KTSTR_VMM_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hash64 {
	uint64_t h;
	uint64_t total; /* bytes fed so far */
	unsigned char tail[8];
	unsigned ntail;
};

void hash64_init(struct hash64 *h);
void hash64_update(struct hash64 *h, const void *buf, size_t len);
void hash64_update_str(struct hash64 *h, const char *s);
void hash64_update_u64(struct hash64 *h, uint64_t v);
/* Hash a whole file's content; -errno if it cannot be read. */
int hash64_update_file(struct hash64 *h, const char *path);
uint64_t hash64_final(const struct hash64 *h);

#endif
