/* Document kind detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
