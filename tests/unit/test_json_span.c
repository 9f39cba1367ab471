/* Splitting a long document without parsing it: the elements of a list
 * page's "data" or of an array, exactly as written, and a refusal for
 * anything whose structure around them is not JSON — never a read outside
 * the text (ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "json_span.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The elements found, joined by '|', or "REFUSED" / "BAD SEPARATOR". The
 * text is copied to a buffer of exactly its length, so ASan sees any read
 * past its end. */
static char *split(const char *text)
{
	static char out[512];
	size_t len = strlen(text);
	char *exact = malloc(len ? len : 1);
	memcpy(exact, text, len);
	struct json_split s;
	if (json_split_begin(&s, exact, len)) {
		free(exact);
		return strcpy(out, "REFUSED");
	}
	out[0] = 0;
	struct json_span e;
	int rc, n = 0;
	while ((rc = json_split_next(&s, &e)) == 1) {
		size_t used = strlen(out);
		snprintf(out + used, sizeof out - used, "%s%.*s", n++ ? "|" : "", (int)e.len, e.start);
	}
	if (rc < 0)
		strcpy(out, "BAD SEPARATOR");
	free(exact);
	return out;
}

static void test_list_pages(void **state)
{
	assert_string_equal(split("{\"object\":\"list\",\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"has_more\":false}"),
	                    "{\"id\":\"a\"}|{\"id\":\"b\"}");
	/* white space kept inside, trimmed around; strings holding brackets, quotes and commas */
	assert_string_equal(split(" { \"data\" : [ { \"n\" : \"]},[\\\"\" } ,\n {\"x\": [1, 2]} ] } \n"),
	                    "{ \"n\" : \"]},[\\\"\" }|{\"x\": [1, 2]}");
	/* "data" after other keys, scalars and nested values */
	assert_string_equal(split("{\"first_id\":null,\"meta\":{\"data\":[9]},\"data\":[1, \"two\", true]}"),
	                    "1|\"two\"|true");
	assert_string_equal(split("{\"data\":[]}"), "");
	assert_string_equal(split("[{\"a\":1}, [2], 3]"), "{\"a\":1}|[2]|3");
	assert_string_equal(split("[]"), "");
}

static void test_refusals(void **state)
{
	const char *refused[] = {
	    "",
	    "   ",
	    "{}",
	    "{\"object\":\"response\",\"output\":[1]}", /* no "data" */
	    "{\"data\":{\"a\":1}}",                     /* "data" not an array */
	    "{\"data\":[1],\"data\":[2]}",              /* two of them */
	    "{\"data\":[1]} x",                         /* something after the end */
	    "{\"data\":[1]",                            /* no end */
	    "{\"data\" [1]}",                           /* no ':' */
	    "{\"data\":[1] \"more\":2}",                /* no ',' between members */
	    "{data:[1]}",                               /* a key that is not a string */
	    "{\"data\":[\"unterminated]}",
	    "[1, 2",
	    "\"just a string\"",
	    "{\"d\\u0061ta\":[1]}", /* an escaped key is not split on (jansson would read it as data) */
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		print_message("%s\n", refused[i]);
		assert_string_equal(split(refused[i]), "REFUSED");
	}
}

static void test_bad_separators(void **state)
{
	assert_string_equal(split("{\"data\":[1 2]}"), "BAD SEPARATOR");
	assert_string_equal(split("{\"data\":[1,,2]}"), "BAD SEPARATOR");
	assert_string_equal(split("{\"data\":[1,]}"), "BAD SEPARATOR");
	assert_string_equal(split("{\"data\":[,1]}"), "BAD SEPARATOR");
	assert_string_equal(split("[{\"a\":1}{\"b\":2}]"), "BAD SEPARATOR");
}

/* The object that is a top-level key's value, as written; none at depth 2,
 * none for a scalar, none cut short. */
static char *member(const char *text, const char *key)
{
	static char out[256];
	size_t len = strlen(text);
	char *exact = malloc(len ? len : 1);
	memcpy(exact, text, len);
	struct json_span m = json_span_member(exact, len, key);
	snprintf(out, sizeof out, "%.*s", m.start ? (int)m.len : 4, m.start ? m.start : "NONE");
	free(exact);
	return out;
}

static void test_member(void **state)
{
	assert_string_equal(member("{\"type\":\"x\", \"response\" :  {\"id\":\"r\",\"a\":[1,{}]} }", "response"),
	                    "{\"id\":\"r\",\"a\":[1,{}]}");
	assert_string_equal(member("{\"item\":{\"response\":{\"id\":\"inner\"}}}", "response"), "NONE");
	assert_string_equal(member("{\"response\":\"text\"}", "response"), "NONE");
	assert_string_equal(member("{\"s\":\"\\\"response\\\":{}\",\"response\":[2]}", "response"), "[2]");
	assert_string_equal(member("{\"response\":{\"id\":\"r\"", "response"), "NONE");
	assert_string_equal(member("", "response"), "NONE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_member),
	    cmocka_unit_test(test_list_pages),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_bad_separators),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
