/* SHA-256 of the evidence pack's files, as lowercase hex (OpenSSL
 * libcrypto), taken from the bytes as they are written, never read back. */
#ifndef CNTRAUDIT_SHA256_H
#define CNTRAUDIT_SHA256_H

#include <stddef.h>
#include <stdio.h>

#define SHA256_HEX 65

/* A stream that writes to fd (which it owns from now on) and hashes what
 * it writes: fclose closes fd and, when every write, the hash and the close
 * succeeded, sets hex and *bytes and returns 0; else EOF with errno set.
 * NULL (fd closed) with the error set when it cannot be made. */
FILE *sha256_stream(int fd, char hex[SHA256_HEX], size_t *bytes);

#endif
