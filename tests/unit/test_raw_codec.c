/* How raw bytes are kept: whatever goes in comes back byte for byte; a
 * blob that is not one cntraudit packed is refused with a reason, never
 * read past its end (ASan); two copies holding the same bytes are the same
 * to raw_differs however they were packed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "raw_codec.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char response[] =
    "{\"id\":\"resp_0ddcb712ffe454df00690909f46af0819ea851004c04793d42\",\"object\":\"response\",\"created_at\":"
    "1762200052,\"completed_at\":1762200054,\"status\":\"completed\",\"error\":null,\"incomplete_details\":null,"
    "\"instructions\":null,\"model\":\"gpt-4.1-2025-04-14\",\"output\":[{\"id\":\"msg_0ddcb712ffe454df0069\","
    "\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
    "\"annotations\":[],\"logprobs\":[],\"text\":\"Once upon a time.\"}]}],\"previous_response_id\":null,"
    "\"conversation\":null,\"store\":true,\"background\":false,\"parallel_tool_calls\":true,\"tools\":[{\"type\":"
    "\"code_interpreter\",\"container\":{\"type\":\"auto\",\"file_ids\":[],\"memory_limit\":null}}],"
    "\"tool_choice\":\"auto\",\"truncation\":\"disabled\",\"service_tier\":\"default\",\"usage\":{\"input_tokens\":"
    "312,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":38,\"output_tokens_details\":{"
    "\"reasoning_tokens\":0},\"total_tokens\":350},\"metadata\":{},\"user\":null,\"temperature\":1.0,\"top_p\":1.0}";

/* Packs then unpacks text, checking every byte; returns the packed format. */
static int round_trip(struct raw_codec *c, const char *text, size_t len, size_t *packed_len)
{
	const void *blob;
	const char *back;
	size_t n, back_len;
	assert_int_equal(raw_pack(c, text, len, &blob, &n), 0);
	unsigned char *copy = malloc(n); /* exactly n bytes: ASan sees a read past them */
	memcpy(copy, blob, n);
	assert_int_equal(raw_unpack(c, copy, n, &back, &back_len), 0);
	assert_int_equal(back_len, len);
	assert_memory_equal(back, text, len);
	assert_int_equal(back[len], '\0');
	int format = copy[0];
	free(copy);
	*packed_len = n;
	return format;
}

static void every_byte_comes_back(void **state)
{
	struct raw_codec *c = raw_codec_new();
	size_t n;
	assert_int_equal(round_trip(c, "", 0, &n), RAW_PLAIN);
	assert_int_equal(n, 1);
	assert_int_equal(round_trip(c, "{}", 2, &n), RAW_PLAIN); /* too short to gain */
	assert_int_equal(round_trip(c, response, strlen(response), &n), RAW_ZSTD_DICT1);
	/* The dictionary is what makes one small object small: without it zstd
	 * gets about 2x on a response this size. */
	assert_true(n * 4 < strlen(response));

	size_t big = (size_t)3 << 20;
	char *text = malloc(big);
	uint32_t x = 12345;
	for (size_t i = 0; i < big; i++) {
		x = x * 1103515245u + 12345u;
		text[i] = (char)(x >> 24); /* every byte value, NUL and invalid UTF-8 too */
	}
	round_trip(c, text, big, &n);
	free(text);
	raw_codec_free(c);
}

static const char *unpack_error(struct raw_codec *c, const unsigned char *blob, size_t n)
{
	const char *text;
	size_t len;
	unsigned char *copy = malloc(n ? n : 1);
	memcpy(copy, blob, n);
	int rc = raw_unpack(c, copy, n, &text, &len);
	free(copy);
	return rc ? error_message() : "ACCEPTED";
}

static void a_strange_blob_is_refused(void **state)
{
	struct raw_codec *c = raw_codec_new();
	const void *blob;
	size_t n;
	assert_int_equal(raw_pack(c, response, strlen(response), &blob, &n), 0);
	unsigned char *good = malloc(n);
	memcpy(good, blob, n);

	assert_non_null(strstr(unpack_error(c, good, 0), "empty"));
	assert_non_null(strstr(unpack_error(c, (const unsigned char *)"\7abc", 4), "format 7, unknown"));
	assert_non_null(strstr(unpack_error(c, (const unsigned char *)"\1not zstd at all", 16), "damaged"));
	for (size_t cut = 1; cut < n; cut += 7) /* a frame cut anywhere */
		assert_string_not_equal(unpack_error(c, good, cut), "ACCEPTED");
	good[n - 3] ^= 0x55; /* a flipped byte inside: zstd's checks or the length catch it */
	const char *why = unpack_error(c, good, n);
	if (strcmp(why, "ACCEPTED")) /* zstd has no checksum by default: a flip may decode to other bytes */
		assert_non_null(strstr(why, "damaged"));
	free(good);
	error_clear();
	raw_codec_free(c);
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void sql_functions_compare_what_blobs_hold(void **state)
{
	struct raw_codec *c = raw_codec_new();
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(raw_codec_register(db, c), 0);
	char sql[4096];
	snprintf(sql, sizeof sql, "SELECT raw_text(raw_pack('%s')) = '%s'", response, response);
	assert_int_equal(query_int(db, sql), 1);
	snprintf(sql, sizeof sql, "SELECT raw_differs(raw_pack('%s'), raw_pack('%s'))", response, response);
	assert_int_equal(query_int(db, sql), 0);
	/* The same bytes kept plain (format 0) and compressed: not a change. */
	snprintf(sql, sizeof sql, "SELECT raw_differs(CAST(zeroblob(1) || '%s' AS BLOB), raw_pack('%s'))", response,
	         response);
	assert_int_equal(query_int(db, sql), 0);
	snprintf(sql, sizeof sql, "SELECT raw_differs(raw_pack('%s'), raw_pack('%s '))", response, response);
	assert_int_equal(query_int(db, sql), 1);
	assert_int_equal(query_int(db, "SELECT raw_differs(X'00', X'0078')"), 1);
	sqlite3_close(db);
	raw_codec_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_byte_comes_back),
	    cmocka_unit_test(a_strange_blob_is_refused),
	    cmocka_unit_test(sql_functions_compare_what_blobs_hold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
