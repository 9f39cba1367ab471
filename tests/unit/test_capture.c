/* What the proxy records of a reply (src/proxy/capture.c): which replies,
 * the item pages' parents, the conversation a request names, and the
 * document to store — a JSON reply's bytes, a stream's final response
 * object exactly as sent (or, cut short, the latest one), an inflated gzip
 * body — and a refusal, with a reason, for what it cannot read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "capture.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void test_wanted(void **state)
{
	(void)state;
	static const struct {
		const char *method, *path;
		int wanted;
		const char *parent;
	} cases[] = {
	    {"POST", "/responses", 1, NULL},
	    {"GET", "/responses/resp_1", 1, NULL},
	    {"GET", "/responses/resp_1/input_items", 1, "resp_1"},
	    {"POST", "/responses/resp_1/cancel", 1, NULL},
	    {"DELETE", "/responses/resp_1", 1, NULL},
	    {"PATCH", "/responses/resp_1", 0, NULL},
	    {"GET", "/responsesx", 0, NULL},
	    {"POST", "/conversations", 1, NULL},
	    {"GET", "/conversations/conv_9/items", 1, "conv_9"},
	    {"POST", "/conversations/conv_9/items", 1, "conv_9"},
	    {"GET", "/containers", 1, NULL},
	    {"DELETE", "/containers/cntr_1", 1, NULL},
	    {"GET", "/containers/cntr_1/files/cfile_1/content", 0, NULL},
	    {"POST", "/chat/completions", 0, NULL},
	    {"GET", "/models", 0, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *parent = (char *)"unset";
		int wanted = capture_wanted(cases[i].method, cases[i].path, &parent);
		assert_int_equal(wanted, cases[i].wanted);
		if (cases[i].parent)
			assert_string_equal(parent, cases[i].parent);
		else
			assert_null(parent);
		free(parent);
	}
}

static void expect_conversation(const char *body, const char *expected)
{
	char *got = capture_request_conversation(body, strlen(body));
	if (expected)
		assert_string_equal(got, expected);
	else
		assert_null(got);
	free(got);
}

static void test_request_conversation(void **state)
{
	(void)state;
	expect_conversation("{\"model\":\"m\",\"conversation\":\"conv_a\"}", "conv_a");
	expect_conversation("{\"conversation\":{\"id\":\"conv_b\"}}", "conv_b");
	expect_conversation("{\"model\":\"m\"}", NULL);
	expect_conversation("{\"conversation\":\"resp_x\"}", NULL);
	expect_conversation("not json", NULL);
}

/* capture_document on text copied to a buffer of exactly its length (ASan
 * sees a read past it): the document, "NOTHING", or "REFUSED: why". */
static char *document(const char *body, size_t len, const char *type, const char *encoding)
{
	char *exact = malloc(len ? len : 1), *out = NULL, *why = NULL;
	size_t out_len = 0;
	memcpy(exact, body, len);
	int rc = capture_document(exact, len, type, encoding, &out, &out_len, &why);
	free(exact);
	if (rc > 0)
		return strdup("NOTHING");
	if (rc < 0) {
		char *r = malloc(strlen(why) + 10);
		strcpy(r, "REFUSED: ");
		strcat(r, why);
		free(why);
		return r;
	}
	assert_int_equal(out_len, strlen(out));
	return out;
}

static void expect_document(const char *body, const char *type, const char *encoding, const char *expected)
{
	char *got = document(body, strlen(body), type, encoding);
	assert_string_equal(got, expected);
	free(got);
}

static void test_json_reply(void **state)
{
	(void)state;
	expect_document("{\"id\": \"resp_1\", \"object\": \"response\"}", "application/json; charset=utf-8", NULL,
	                "{\"id\": \"resp_1\", \"object\": \"response\"}");
	expect_document("{}", "application/json", "identity", "{}");
	expect_document("<html>", "text/html", NULL, "NOTHING");
	expect_document("{}", NULL, NULL, "NOTHING");
}

static void test_streams(void **state)
{
	(void)state;
	/* the final event's response, byte for byte, whatever came before */
	expect_document(
	    "event: response.created\n"
	    "data: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"r\",\"status\":"
	    "\"in_progress\"}}\n\n"
	    "event: response.output_text.delta\n"
	    "data: {\"type\":\"response.output_text.delta\",\"delta\":\"\\\"response\\\"\"}\n\n"
	    "event: response.completed\n"
	    "data: {\"type\":\"response.completed\",\"response\":  {\"id\":\"r\", \"status\":\"completed\"},"
	    "\"sequence_number\":2}\n\n",
	    "text/event-stream", NULL, "{\"id\":\"r\", \"status\":\"completed\"}");
	/* CRLF lines, data split over two lines, no "event:" field, no final blank line */
	expect_document("data: {\"type\":\"response.failed\",\r\n"
	                "data: \"response\":{\"id\":\"r\",\"status\":\"failed\"}}\r\n\r\n",
	                "text/event-stream; charset=utf-8", NULL, "{\"id\":\"r\",\"status\":\"failed\"}");
	/* cut short: the latest response seen, so its ID is known */
	expect_document(
	    "data: {\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"status\":\"queued\"}}\n\n"
	    "data: {\"type\":\"response.in_progress\",\"response\":{\"id\":\"r\",\"status\":\"in_progress\"}}\n\n"
	    "data: {\"type\":\"response.output_text.delta\",\"del",
	    "text/event-stream", NULL, "{\"id\":\"r\",\"status\":\"in_progress\"}");
	/* the final event wins over anything after it */
	expect_document("data: {\"type\":\"response.incomplete\",\"response\":{\"id\":\"r\"}}\n\n"
	                "data: {\"type\":\"response.in_progress\",\"response\":{\"id\":\"late\"}}\n\n",
	                "text/event-stream", NULL, "{\"id\":\"r\"}");
	expect_document("data: {\"type\":\"response.output_text.delta\"}\n\n", "text/event-stream", NULL, "NOTHING");
	expect_document("data: not json at all\n\n", "text/event-stream", NULL, "NOTHING");
	expect_document("", "text/event-stream", NULL, "NOTHING");
}

static void test_encodings(void **state)
{
	(void)state;
	const char *json = "{\"id\":\"resp_gz\",\"object\":\"response\"}";
	unsigned char packed[256];
	z_stream z = {0};
	deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)json;
	z.avail_in = (uInt)strlen(json);
	z.next_out = packed;
	z.avail_out = sizeof packed;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t len = sizeof packed - z.avail_out;
	deflateEnd(&z);
	char *got = document((const char *)packed, len, "application/json", "gzip");
	assert_string_equal(got, json);
	free(got);
	got = document((const char *)packed, len / 2, "application/json", "gzip");
	assert_string_equal(got, "REFUSED: a compressed reply that does not inflate");
	free(got);
	expect_document("xyz", "application/json", "br",
	                "REFUSED: a reply in Content-Encoding br, which the recorder cannot read");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wanted),     cmocka_unit_test(test_request_conversation),
	    cmocka_unit_test(test_json_reply), cmocka_unit_test(test_streams),
	    cmocka_unit_test(test_encodings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
