#define _GNU_SOURCE /* fopencookie */
#include "sha256.h"

#include "error.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void to_hex(const unsigned char *digest, unsigned int length, char hex[SHA256_HEX])
{
	for (unsigned int i = 0; i < length; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

struct stream {
	int fd, failed;
	EVP_MD_CTX *ctx;
	char *hex;
	size_t *bytes, written;
};

static ssize_t stream_write(void *cookie, const char *data, size_t len)
{
	struct stream *s = cookie;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(s->fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->failed = 1;
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	if (!EVP_DigestUpdate(s->ctx, data, len)) {
		s->failed = 1, errno = EIO;
		return -1;
	}
	s->written += len;
	return (ssize_t)len;
}

static int stream_close(void *cookie)
{
	struct stream *s = cookie;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	int failed = s->failed || !EVP_DigestFinal_ex(s->ctx, digest, &length);
	int saved = errno;
	if (close(s->fd))
		failed = 1, saved = errno;
	if (!failed) {
		to_hex(digest, length, s->hex);
		*s->bytes = s->written;
	}
	EVP_MD_CTX_free(s->ctx);
	free(s);
	errno = failed ? (saved ? saved : EIO) : 0;
	return failed ? -1 : 0;
}

FILE *sha256_stream(int fd, char hex[SHA256_HEX], size_t *bytes)
{
	struct stream *s = calloc(1, sizeof *s);
	FILE *f = NULL;
	if (s && (s->ctx = EVP_MD_CTX_new()) && EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL)) {
		s->fd = fd, s->hex = hex, s->bytes = bytes;
		f = fopencookie(s, "w", (cookie_io_functions_t){.write = stream_write, .close = stream_close});
	}
	if (!f) {
		if (s)
			EVP_MD_CTX_free(s->ctx);
		free(s);
		close(fd);
		error_set("cannot hash: libcrypto failed or out of memory");
	}
	return f;
}
