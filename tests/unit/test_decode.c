/* Document kind detection, and splitting files into documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode.h"
#include "error.h"
#include "source_reader.h"

#include <stdio.h>
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

struct seen {
	size_t documents, malformed;
	size_t lines[8];
	size_t bad_lines[8];
};

static int on_document(void *ctx, const json_t *doc, size_t line, const char *text, size_t len)
{
	struct seen *s = ctx;
	if (s->documents < 8)
		s->lines[s->documents] = line;
	s->documents++;
	return 0;
}

static void on_malformed(void *ctx, size_t line, const char *why)
{
	struct seen *s = ctx;
	if (s->malformed < 8)
		s->bad_lines[s->malformed] = line;
	s->malformed++;
}

static struct seen read_text(const char *text, const char *suffix)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/cntraudit-test-src-XXXXXX%s", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct seen s = {0};
	struct source_callbacks cb = {on_document, on_malformed};
	assert_int_equal(source_read(path, &cb, &s), 0);
	unlink(path);
	return s;
}

static void test_source_shapes(void **state)
{
	struct seen s = read_text("{\n  \"object\": \"container\",\n  \"id\": \"c\"\n}\n", ".json");
	assert_int_equal(s.documents, 1);
	assert_int_equal(s.malformed, 0);
	assert_int_equal(s.lines[0], 1);

	s = read_text("\n{\"a\":1}\n\n{\"b\":2}\n{\"c\":3}\n", ".txt");
	assert_int_equal(s.documents, 3);
	assert_int_equal(s.lines[0], 2);
	assert_int_equal(s.lines[2], 5);

	s = read_text("[{\"a\":1},{\"b\":2}]", ".json");
	assert_int_equal(s.documents, 2);

	/* pretty-printed and cut off: one error, at the line where it broke */
	s = read_text("{\n  \"object\": \"list\",\n  \"data\": [\n    {\"id\": \"x\"", ".json");
	assert_int_equal(s.documents, 0);
	assert_int_equal(s.malformed, 1);
	assert_int_equal(s.bad_lines[0], 4);

	/* JSON Lines with a bad first line: the rest still reads */
	s = read_text("{\"a\": \n{\"b\":2}\n{\"c\":3}\n", ".jsonl");
	assert_int_equal(s.documents, 2);
	assert_int_equal(s.malformed, 1);
	assert_int_equal(s.bad_lines[0], 1);
	assert_int_equal(s.lines[0], 2);

	/* a bad line in the middle */
	s = read_text("{\"a\":1}\n{oops}\n{\"c\":3}\n", ".jsonl");
	assert_int_equal(s.documents, 2);
	assert_int_equal(s.malformed, 1);
	assert_int_equal(s.bad_lines[0], 2);

	s = read_text("", ".json");
	assert_int_equal(s.documents + s.malformed, 0);
}

static void test_source_unreadable(void **state)
{
	struct seen s = {0};
	struct source_callbacks cb = {on_document, on_malformed};
	assert_int_equal(source_read("/nonexistent/file.json", &cb, &s), -1);
	assert_non_null(strstr(error_message(), "cannot open /nonexistent/file.json"));
	error_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect_kinds),
	    cmocka_unit_test(test_source_shapes),
	    cmocka_unit_test(test_source_unreadable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
