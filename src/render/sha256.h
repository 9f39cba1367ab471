/* SHA-256 of files, as lowercase hex (OpenSSL libcrypto). */
#ifndef CNTRAUDIT_SHA256_H
#define CNTRAUDIT_SHA256_H

#include <stddef.h>

#define SHA256_HEX 65

/* Each: 0, or -1 with the error set. */
int sha256_file(const char *path, char hex[SHA256_HEX]);
int sha256_data(const void *data, size_t len, char hex[SHA256_HEX]);

#endif
