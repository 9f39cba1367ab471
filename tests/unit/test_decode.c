/* Document kind detection, and the conversation a request named (the
 * proxy's) standing in for one the response does not name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum document_kind kind_of(const char *text)
{
	json_t *doc = json_loads(text, JSON_DECODE_ANY, NULL);
	assert_non_null(doc);
	enum document_kind kind = decode_detect_kind(doc);
	json_decref(doc);
	return kind;
}

static void test_detect_kinds(void **state)
{
	assert_int_equal(kind_of("{\"object\":\"container\",\"id\":\"cntr_1\"}"), DOC_CONTAINER);
	assert_int_equal(kind_of("{\"object\":\"response\"}"), DOC_RESPONSE);
	assert_int_equal(kind_of("{\"object\":\"conversation\"}"), DOC_CONVERSATION);
	assert_int_equal(kind_of("{\"object\":\"list\",\"data\":[{\"object\":\"container\"}]}"), DOC_CONTAINER_LIST);
	assert_int_equal(kind_of("{\"object\":\"list\",\"data\":[{\"object\":\"response\"}]}"), DOC_RESPONSE_LIST);
	assert_int_equal(kind_of("{\"object\":\"list\",\"data\":[{\"type\":\"message\",\"id\":\"msg_1\"}]}"),
	                 DOC_ITEM_LIST);
	assert_int_equal(kind_of("{\"object\":\"list\",\"data\":[]}"), DOC_EMPTY_PAGE);
	assert_int_equal(kind_of("{\"object\":\"container.file\",\"id\":\"cfile_1\"}"), DOC_CONTAINER_FILE);
	assert_int_equal(kind_of("{\"object\":\"list\",\"data\":[{\"object\":\"container.file\"}]}"), DOC_FILE_LIST);
	assert_int_equal(kind_of("{\"object\":\"list\",\"data\":[{\"object\":\"organization.project\"}]}"),
	                 DOC_PROJECT_LIST);
	assert_int_equal(kind_of("{\"object\":\"list\",\"data\":[{\"object\":\"organization.project.api_key\"}]}"),
	                 DOC_PROJECT_KEY_LIST);
	/* Delete markers: "<kind>.deleted", and DELETE /responses/{id}'s answer. */
	assert_int_equal(kind_of("{\"id\":\"cntr_1\",\"object\":\"container.deleted\",\"deleted\":true}"),
	                 DOC_DELETION);
	assert_int_equal(kind_of("{\"id\":\"conv_1\",\"object\":\"conversation.deleted\",\"deleted\":true}"),
	                 DOC_DELETION);
	assert_int_equal(kind_of("{\"id\":\"resp_1\",\"object\":\"response\",\"deleted\":true}"), DOC_DELETION);
	assert_int_equal(kind_of("{\"id\":\"resp_1\",\"object\":\"response\",\"deleted\":false}"), DOC_RESPONSE);
	assert_int_equal(kind_of("{\"object\":\"page\",\"data\":[{\"results\":[{\"object\":"
	                         "\"organization.usage.code_interpreter_sessions.result\",\"num_sessions\":1}]}]}"),
	                 DOC_USAGE_PAGE);
	assert_int_equal(kind_of("{\"object\":\"page\",\"data\":[{\"results\":[]},{\"results\":[{\"object\":"
	                         "\"organization.costs.result\"}]}]}"),
	                 DOC_COSTS_PAGE);
	assert_int_equal(kind_of("{\"object\":\"page\",\"data\":[{\"results\":[]}]}"), DOC_EMPTY_PAGE);
	assert_int_equal(kind_of("{\"object\":\"page\",\"data\":[{\"results\":[{\"object\":\"other\"}]}]}"),
	                 DOC_UNKNOWN);
	assert_int_equal(kind_of("{\"object\":\"assistant\"}"), DOC_UNKNOWN);
	assert_int_equal(kind_of("{\"object\":\"list\",\"data\":[{\"object\":\"vector_store\"}]}"), DOC_UNKNOWN);
	assert_int_equal(kind_of("{\"object\":\"list\"}"), DOC_UNKNOWN);
	assert_int_equal(kind_of("{\"id\":\"cntr_1\"}"), DOC_UNKNOWN);
	assert_int_equal(kind_of("{\"object\":7}"), DOC_UNKNOWN);
	assert_int_equal(kind_of("[1]"), DOC_UNKNOWN);
	assert_int_equal(kind_of("\"text\""), DOC_UNKNOWN);
}

/* The conversation_id stored for a response decoded with the request's
 * conversation given. */
static char *stored_conversation(const char *response, const char *from_request)
{
	char path[] = "/tmp/cntraudit-test-decode-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	struct store *store;
	assert_int_equal(store_open(path, STORE_CREATE, &store), 0);
	json_t *doc = json_loads(response, 0, NULL);
	struct decode_context ctx = {.store = store, .project_id = "default", .conversation_id = from_request};
	struct decode_counts counts = {0};
	assert_int_equal(store_begin(store), 0);
	assert_int_equal(decode_document(&ctx, doc, &counts), 0);
	assert_int_equal(store_commit(store), 0);
	json_decref(doc);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(store), "SELECT conversation_id FROM responses", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *v = sqlite3_column_text(st, 0);
	char *out = strdup(v ? (const char *)v : "NULL");
	sqlite3_finalize(st);
	store_free(store);
	char *side = malloc(strlen(path) + 8);
	for (const char *suffix = ""; suffix; suffix = !*suffix ? "-wal" : !strcmp(suffix, "-wal") ? "-shm" : NULL) {
		sprintf(side, "%s%s", path, suffix);
		unlink(side);
	}
	free(side);
	return out;
}

static void test_request_conversation(void **state)
{
	const char *plain =
	    "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1790000000,\"status\":\"completed\"}";
	const char *named = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1790000000,\"status\":"
	                    "\"completed\",\"conversation\":{\"id\":\"conv_own\"}}";
	char *got = stored_conversation(plain, "conv_request");
	assert_string_equal(got, "conv_request");
	free(got);
	got = stored_conversation(named, "conv_request"); /* the response's own wins */
	assert_string_equal(got, "conv_own");
	free(got);
	got = stored_conversation(plain, NULL);
	assert_string_equal(got, "NULL");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect_kinds),
	    cmocka_unit_test(test_request_conversation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
