/* How the store keeps an API object's raw bytes (every table's raw
 * column): a BLOB of one format byte and then either the bytes themselves
 * (RAW_PLAIN) or a zstd frame compressed against a dictionary of the API's
 * object shapes built into cntraudit (RAW_ZSTD_DICT1). Unpacking gives the
 * bytes back exactly: raw is evidence. A codec belongs to one connection,
 * used by one thread at a time. Internal to the store. */
#ifndef CNTRAUDIT_RAW_CODEC_H
#define CNTRAUDIT_RAW_CODEC_H

#include <sqlite3.h>
#include <stddef.h>

/* Format bytes: never renumbered, never given another meaning. */
enum raw_format { RAW_PLAIN = 0, RAW_ZSTD_DICT1 = 1 };

struct raw_codec;

struct raw_codec *raw_codec_new(void);
void raw_codec_free(struct raw_codec *c);
/* Packs len bytes into *blob (the codec's, valid until its next pack).
 * 0, or -1 with the error set. */
int raw_pack(struct raw_codec *c, const char *text, size_t len, const void **blob, size_t *blob_len);
/* The bytes a blob holds, in *text (the codec's, NUL-terminated, valid
 * until its next unpack). 0, or -1 with the error set when the blob is
 * not one raw_pack makes. */
int raw_unpack(struct raw_codec *c, const void *blob, size_t n, const char **text, size_t *len);
/* SQL functions over c on db: raw_pack(text) -> blob, raw_text(blob) ->
 * text, raw_differs(blob, blob) -> whether they hold different bytes. */
int raw_codec_register(sqlite3 *db, struct raw_codec *c);

#endif
