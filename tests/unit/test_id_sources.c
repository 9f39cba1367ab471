/* IDs for collect: the set, --scan over log text, and the --from formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "id_sources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_set(void **state)
{
	struct id_set s = {0};
	char id[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(id, sizeof id, "resp_%08d", i);
		assert_int_equal(id_set_add(&s, id), 1);
	}
	assert_int_equal(id_set_add(&s, "resp_00000007"), 0);
	assert_int_equal(s.count, 1000);
	assert_true(id_set_contains(&s, "resp_00000999"));
	assert_false(id_set_contains(&s, "resp_00001000"));
	assert_string_equal(s.ids[0], "resp_00000000"); /* insertion order */
	id_set_free(&s);
	assert_false(id_set_contains(&s, "resp_00000001"));
}

static void test_id_shapes(void **state)
{
	assert_true(id_is_response("resp_062c9abf58c3e2fb00690909a6ee3c81959c18e4f8c3e22008"));
	assert_true(id_is_conversation("conv_69090a3b5c1e8190"));
	assert_false(id_is_response("resp_short"));
	assert_false(id_is_response("resp_abc-def-0123456"));
	assert_false(id_is_response("conv_0123456789"));
	assert_false(id_is_response(""));
}

static void test_scan(void **state)
{
	struct id_set r = {0}, c = {0};
	const char *log = "2025-11-03 INFO created resp_062c9abf58c3e2fb00 in conv_69090a3b5c1e8190;\n"
	                  "retry of resp_062c9abf58c3e2fb00 (again)\n"
	                  "field resp_id=7 xresp_0123456789 resp_0123456789_suffix \"resp_aaaaaaaabbbbbbbb\"\n"
	                  "tail resp_ffffffff";
	id_sources_scan_text(log, strlen(log), &r, &c);
	assert_int_equal(r.count, 3);
	assert_string_equal(r.ids[0], "resp_062c9abf58c3e2fb00");
	assert_string_equal(r.ids[1], "resp_aaaaaaaabbbbbbbb");
	assert_string_equal(r.ids[2], "resp_ffffffff");
	assert_int_equal(c.count, 1);
	assert_string_equal(c.ids[0], "conv_69090a3b5c1e8190");
	id_set_free(&r);
	id_set_free(&c);
}

static int from_text(const char *text, struct id_set *r, struct id_set *c)
{
	char path[] = "/tmp/cntraudit-test-ids-XXXXXX";
	int fd = mkstemp(path);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	int rc = id_sources_read_from(path, r, c);
	unlink(path);
	return rc;
}

static void test_from_formats(void **state)
{
	struct id_set r = {0}, c = {0};
	/* one per line, blank lines, comments, CRLF */
	assert_int_equal(from_text("resp_0123456789abcdef\r\n\n  conv_0123456789abcdef  # a comment\n", &r, &c), 0);
	assert_int_equal(r.count, 1);
	assert_int_equal(c.count, 1);
	id_set_free(&r);
	id_set_free(&c);
	/* CSV with a response_id column, quoted fields */
	assert_int_equal(from_text("when,response_id,note\n2025-11-03,resp_0123456789abcdef,\"a, b\"\n"
	                           "2025-11-04,resp_1123456789abcdef,x\n",
	                           &r, &c),
	                 0);
	assert_int_equal(r.count, 2);
	assert_string_equal(r.ids[1], "resp_1123456789abcdef");
	id_set_free(&r);
	/* JSON Lines of objects with an id */
	assert_int_equal(
	    from_text("{\"id\":\"resp_0123456789abcdef\",\"x\":1}\n{\"id\":\"conv_0123456789abcdef\"}\n", &r, &c), 0);
	assert_int_equal(r.count, 1);
	assert_int_equal(c.count, 1);
	id_set_free(&r);
	id_set_free(&c);
}

static void test_from_errors(void **state)
{
	struct id_set r = {0}, c = {0};
	assert_int_equal(from_text("resp_0123456789abcdef\nnot-an-id\n", &r, &c), -1);
	assert_non_null(strstr(error_message(), ":2: 'not-an-id' is not a resp_ or conv_ ID"));
	error_clear();
	assert_int_equal(from_text("name,value\nx,y\n", &r, &c), -1);
	assert_non_null(strstr(error_message(), "needs a response_id, conversation_id or id column"));
	error_clear();
	assert_int_equal(from_text("{\"id\":\"resp_0123456789abcdef\"}\n{\"nope\":1}\n", &r, &c), -1);
	assert_non_null(strstr(error_message(), ":2: not a JSON object with an \"id\""));
	error_clear();
	assert_int_equal(id_sources_read_from("/nonexistent/ids.txt", &r, &c), -1);
	error_clear();
	id_set_free(&r);
	id_set_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_set),          cmocka_unit_test(test_id_shapes),   cmocka_unit_test(test_scan),
	    cmocka_unit_test(test_from_formats), cmocka_unit_test(test_from_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
