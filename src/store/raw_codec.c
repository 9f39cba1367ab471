#include "raw_codec.h"

#include "error.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* Dictionary 1: the API's object shapes, field names in the order the API
 * sends them, values made up. zstd copies from it as from text already
 * seen, so a response of 900 bytes compresses like the thousandth of a
 * file rather than the first. Fixed for ever: blobs of format
 * RAW_ZSTD_DICT1 need exactly these bytes to unpack; a better dictionary
 * is a new format. */
static const char dictionary1[] =
    "{\"object\":\"organization.usage.code_interpreter_sessions.result\",\"num_sessions\":0,\"project_id\":null}"
    "{\"object\":\"organization.costs.result\",\"amount\":{\"value\":0.03,\"currency\":\"usd\"},\"line_item\":"
    "\"Code Interpreter sessions\",\"project_id\":\"proj_\"}"
    "{\"id\":\"key_\",\"object\":\"organization.project.api_key\",\"redacted_value\":\"sk-proj-****\",\"name\":\"\","
    "\"created_at\":1760000000,\"last_used_at\":1760000000,\"owner\":{\"type\":\"service_account\"}}"
    "{\"id\":\"proj_\",\"object\":\"organization.project\",\"name\":\"Default project\",\"created_at\":1760000000,"
    "\"archived_at\":null,\"status\":\"active\"}"
    "{\"id\":\"conv_\",\"object\":\"conversation.deleted\",\"deleted\":true}"
    "{\"id\":\"cntr_\",\"object\":\"container.deleted\",\"deleted\":true}"
    "{\"id\":\"conv_\",\"object\":\"conversation\",\"created_at\":1760000000,\"metadata\":{}}"
    "{\"id\":\"cfile_\",\"object\":\"container.file\",\"created_at\":1760000000,\"bytes\":1024,\"container_id\":"
    "\"cntr_\",\"path\":\"/mnt/data/\",\"source\":\"assistant\"}"
    "{\"id\":\"cntr_\",\"object\":\"container\",\"name\":\"code-interpreter-auto\",\"created_at\":1760000000,"
    "\"status\":\"expired\",\"expires_after\":{\"anchor\":\"last_active_at\",\"minutes\":20},\"last_active_at\":"
    "1760000000,\"memory_limit\":\"1g\"}"
    "{\"type\":\"message\",\"id\":\"msg_\",\"status\":\"completed\",\"role\":\"user\",\"content\":[{\"type\":"
    "\"input_text\",\"text\":\"\"}]}"
    "{\"type\":\"shell_call\",\"id\":\"sh_\",\"call_id\":\"call_\",\"action\":{\"commands\":[\"\"],\"timeout_ms\":"
    "null,\"max_output_length\":null},\"status\":\"completed\",\"environment\":{\"type\":\"container_reference\","
    "\"container_id\":\"cntr_\"}}"
    "{\"type\":\"code_interpreter_call\",\"id\":\"ci_\",\"status\":\"completed\",\"code\":\"\",\"container_id\":"
    "\"cntr_\",\"outputs\":[{\"type\":\"logs\",\"logs\":\"\"}]}"
    "{\"id\":\"resp_\",\"object\":\"response\",\"created_at\":1760000000,\"completed_at\":1760000000,\"status\":"
    "\"completed\",\"background\":false,\"error\":null,\"incomplete_details\":null,\"instructions\":null,"
    "\"max_output_tokens\":null,\"max_tool_calls\":null,\"model\":\"gpt-5\",\"output\":[{\"id\":\"msg_\",\"type\":"
    "\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
    "\"annotations\":[{\"type\":\"container_file_citation\",\"container_id\":\"cntr_\",\"end_index\":0,"
    "\"file_id\":\"cfile_\",\"filename\":\"\",\"start_index\":0}],\"logprobs\":[],\"text\":\"\"}]}],"
    "\"parallel_tool_calls\":true,\"previous_response_id\":null,\"conversation\":null,\"prompt_cache_key\":null,"
    "\"reasoning\":{\"effort\":null,\"summary\":null},\"safety_identifier\":null,\"store\":true,\"service_tier\":"
    "\"default\",\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"},\"verbosity\":\"medium\"},"
    "\"tool_choice\":\"auto\",\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\","
    "\"file_ids\":[],\"memory_limit\":null}}],\"top_logprobs\":0,\"top_p\":1.0,\"truncation\":\"disabled\","
    "\"usage\":{\"input_tokens\":0,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":0,"
    "\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":0},\"user\":null,\"metadata\":{}}";

/* zstd's level 1: importing 100k responses, the database is 84 MB against
 * 81.5 MB at level 3 (zstd's default), for 0.1 s less CPU of 2.3 s. */
#define LEVEL 1
/* A blob claiming more than this is refused, not allocated. */
#define MAX_UNPACKED ((size_t)1 << 30)

struct raw_codec {
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	ZSTD_CDict *cdict;
	ZSTD_DDict *ddict;
	unsigned char *packed;
	size_t packed_cap;
	char *unpacked;
	size_t unpacked_cap;
};

struct raw_codec *raw_codec_new(void)
{
	return xcalloc(1, sizeof(struct raw_codec));
}

void raw_codec_free(struct raw_codec *c)
{
	if (!c)
		return;
	ZSTD_freeCCtx(c->cctx);
	ZSTD_freeDCtx(c->dctx);
	ZSTD_freeCDict(c->cdict);
	ZSTD_freeDDict(c->ddict);
	free(c->packed);
	free(c->unpacked);
	free(c);
}

static void *grow(void *buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return buf;
	*cap = need;
	return xrealloc(buf, need);
}

int raw_pack(struct raw_codec *c, const char *text, size_t len, const void **blob, size_t *blob_len)
{
	if (!c->cdict) {
		c->cctx = ZSTD_createCCtx();
		c->cdict = ZSTD_createCDict(dictionary1, sizeof dictionary1 - 1, LEVEL);
		if (!c->cctx || !c->cdict)
			return error_set("cannot compress raw bytes: out of memory");
	}
	size_t bound = ZSTD_compressBound(len);
	c->packed = grow(c->packed, &c->packed_cap, 1 + (bound > len ? bound : len));
	size_t n = ZSTD_compress_usingCDict(c->cctx, c->packed + 1, bound, text, len, c->cdict);
	if (ZSTD_isError(n))
		return error_set("cannot compress raw bytes: %s", ZSTD_getErrorName(n));
	if (n < len) {
		c->packed[0] = RAW_ZSTD_DICT1;
	} else { /* too short to gain: kept as it is */
		c->packed[0] = RAW_PLAIN;
		memcpy(c->packed + 1, text, len);
		n = len;
	}
	*blob = c->packed;
	*blob_len = n + 1;
	return 0;
}

int raw_unpack(struct raw_codec *c, const void *blob, size_t n, const char **text, size_t *len)
{
	const unsigned char *b = blob;
	if (n == 0)
		return error_set("stored raw bytes are empty: not written by cntraudit");
	size_t size = n - 1;
	if (b[0] == RAW_ZSTD_DICT1) {
		unsigned long long claimed = ZSTD_getFrameContentSize(b + 1, n - 1);
		if (claimed == ZSTD_CONTENTSIZE_ERROR || claimed == ZSTD_CONTENTSIZE_UNKNOWN || claimed > MAX_UNPACKED)
			return error_set("stored raw bytes are damaged: not a compressed object");
		size = (size_t)claimed;
	} else if (b[0] != RAW_PLAIN) {
		return error_set("stored raw bytes have format %u, unknown to this cntraudit: upgrade it", b[0]);
	}
	c->unpacked = grow(c->unpacked, &c->unpacked_cap, size + 1);
	if (b[0] == RAW_PLAIN) {
		memcpy(c->unpacked, b + 1, size);
	} else {
		if (!c->ddict) {
			c->dctx = ZSTD_createDCtx();
			c->ddict = ZSTD_createDDict(dictionary1, sizeof dictionary1 - 1);
			if (!c->dctx || !c->ddict)
				return error_set("cannot decompress raw bytes: out of memory");
		}
		size_t got = ZSTD_decompress_usingDDict(c->dctx, c->unpacked, size, b + 1, n - 1, c->ddict);
		if (ZSTD_isError(got) || got != size)
			return error_set("stored raw bytes are damaged: %s",
			                 ZSTD_isError(got) ? ZSTD_getErrorName(got) : "shorter than they claim");
	}
	c->unpacked[size] = '\0';
	*text = c->unpacked;
	*len = size;
	return 0;
}

static void sql_pack(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const void *blob;
	size_t n;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return sqlite3_result_null(ctx);
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	if (raw_pack(sqlite3_user_data(ctx), text ? text : "", (size_t)sqlite3_value_bytes(argv[0]), &blob, &n))
		return sqlite3_result_error(ctx, error_message(), -1);
	sqlite3_result_blob64(ctx, blob, n, SQLITE_TRANSIENT);
}

static void sql_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *text;
	size_t len;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return sqlite3_result_null(ctx);
	if (raw_unpack(sqlite3_user_data(ctx), sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0]), &text,
	               &len))
		return sqlite3_result_error(ctx, error_message(), -1);
	sqlite3_result_text64(ctx, text, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

/* Equal blobs hold equal bytes; unequal ones are compared unpacked, so a
 * zstd that packs differently never makes a re-import count as a change. */
static void sql_differs(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct raw_codec *c = sqlite3_user_data(ctx);
	size_t na = (size_t)sqlite3_value_bytes(argv[0]), nb = (size_t)sqlite3_value_bytes(argv[1]), la, lb;
	const void *a = sqlite3_value_blob(argv[0]), *b = sqlite3_value_blob(argv[1]);
	if (na == nb && (na == 0 || !memcmp(a, b, na)))
		return sqlite3_result_int(ctx, 0);
	const char *text;
	if (raw_unpack(c, a, na, &text, &la))
		return sqlite3_result_error(ctx, error_message(), -1);
	char *first = xmalloc(la + 1);
	memcpy(first, text, la);
	int damaged = raw_unpack(c, b, nb, &text, &lb);
	if (damaged)
		error_clear(); /* a damaged copy differs from any other: it is replaced */
	sqlite3_result_int(ctx, damaged || la != lb || memcmp(first, text, la));
	free(first);
}

int raw_codec_register(sqlite3 *db, struct raw_codec *c)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	if (sqlite3_create_function(db, "raw_pack", 1, flags, c, sql_pack, NULL, NULL) ||
	    sqlite3_create_function(db, "raw_text", 1, flags, c, sql_text, NULL, NULL) ||
	    sqlite3_create_function(db, "raw_differs", 2, flags, c, sql_differs, NULL, NULL))
		return error_set("cannot register SQL functions: %s", sqlite3_errmsg(db));
	return 0;
}
