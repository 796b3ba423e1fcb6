/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 as lower-case hex, from libcrypto: for checking downloads against
 * published checksums and for naming things by their content.
 *
 *   char hex[DIGEST_HEX_LEN];
 *   digest_sha256_buf(text, strlen(text), hex);
 *   rc = digest_sha256_file(path, hex);     0 or -errno
 */
#ifndef KTSTR_DIGEST_H
#define KTSTR_DIGEST_H

#include <stddef.h>

#define DIGEST_HEX_LEN 65 /* 64 hex digits and a NUL */

void digest_sha256_buf(const void *buf, size_t len, char hex[DIGEST_HEX_LEN]);
int digest_sha256_file(const char *path, char hex[DIGEST_HEX_LEN]);

#endif
