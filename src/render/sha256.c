#include "sha256.h"

#include "error.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static void to_hex(const unsigned char *digest, unsigned int length, char hex[SHA256_HEX])
{
	for (unsigned int i = 0; i < length; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

int sha256_data(const void *data, size_t len, char hex[SHA256_HEX])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	if (!EVP_Digest(data, len, digest, &length, EVP_sha256(), NULL))
		return error_set("cannot hash: libcrypto failed");
	to_hex(digest, length, hex);
	return 0;
}

int sha256_file(const char *path, char hex[SHA256_HEX])
{
	unsigned char digest[EVP_MAX_MD_SIZE], chunk[65536];
	unsigned int length = 0;
	size_t n;
	int rc = -1;
	FILE *f = fopen(path, "rb");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!f) {
		error_set("cannot read %s: %s", path, strerror(errno));
		goto done;
	}
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		error_set("cannot hash %s: libcrypto failed", path);
		goto done;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		EVP_DigestUpdate(ctx, chunk, n);
	if (ferror(f) || !EVP_DigestFinal_ex(ctx, digest, &length)) {
		error_set("cannot hash %s: %s", path, strerror(errno));
		goto done;
	}
	to_hex(digest, length, hex);
	rc = 0;
done:
	EVP_MD_CTX_free(ctx);
	if (f)
		fclose(f);
	return rc;
}
