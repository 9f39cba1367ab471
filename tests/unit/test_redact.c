#define _GNU_SOURCE /* memmem */
/* Key redaction: a key echoed whole, cut, JSON-escaped or percent-encoded,
 * at any place, is replaced by its fingerprint; other text is left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "redact.h"

#include <stdlib.h>
#include <string.h>

static const char key[] = "sk-proj-Ab3/Xy9+Qw7Zt1Lm5Nc8Rv2Hd6Kp0Js4";
static const char admin[] = "sk-admin-Zz9yX8wV7uT6sR5qP4oN3mL2";

/* The text redacted, as a NUL-terminated string (owned). */
static char *redacted(const struct redactor *r, const char *text, size_t *runs)
{
	size_t len = strlen(text);
	char *out = redact_text(r, text, &len, runs);
	return out ? out : strdup(text);
}

static void expect(const struct redactor *r, const char *text, const char *want, size_t want_runs)
{
	size_t runs;
	char *got = redacted(r, text, &runs);
	assert_string_equal(got, want);
	assert_int_equal(runs, want_runs);
	free(got);
}

static void test_forms(void **state)
{
	struct redactor *r = redactor_new(key, admin);
	/* Whole, at the start, the end, twice, and both keys. */
	expect(r, "Bearer sk-proj-Ab3/Xy9+Qw7Zt1Lm5Nc8Rv2Hd6Kp0Js4",
	       "Bearer [key \xe2\x80\xa6"
	       "0Js4]",
	       1);
	expect(r, "sk-proj-Ab3/Xy9+Qw7Zt1Lm5Nc8Rv2Hd6Kp0Js4 and sk-admin-Zz9yX8wV7uT6sR5qP4oN3mL2.",
	       "[key \xe2\x80\xa6"
	       "0Js4] and [key \xe2\x80\xa6"
	       "3mL2].",
	       2);
	/* JSON-escaped: \/ for '/', \u00XX for any character. */
	expect(r, "{\"auth\":\"Bearer sk-proj-Ab3\\/Xy9+Qw7Zt1Lm5Nc8Rv2Hd6Kp0Js4\"}",
	       "{\"auth\":\"Bearer [key \xe2\x80\xa6"
	       "0Js4]\"}",
	       1);
	expect(r, "x \\u0073\\u006b-proj-Ab3\\u002fXy9+Qw7Zt1Lm5Nc8Rv2Hd6Kp0Js4 y",
	       "x [key \xe2\x80\xa6"
	       "0Js4] y",
	       1);
	/* Percent-encoded, as in a URL. */
	expect(r, "?k=sk-proj-Ab3%2FXy9%2BQw7Zt1Lm5Nc8Rv2Hd6Kp0Js4&x=1",
	       "?k=[key \xe2\x80\xa6"
	       "0Js4]&x=1",
	       1);
	/* Cut by the server: 12 characters in a row are enough to tell it. */
	expect(r, "Incorrect API key provided: sk-proj-Ab3/Xy9+Q... (cut)",
	       "Incorrect API key provided: [key \xe2\x80\xa6"
	       "0Js4]... (cut)",
	       1);
	expect(r, "...Lm5Nc8Rv2Hd6Kp0Js4",
	       "...[key \xe2\x80\xa6"
	       "0Js4]",
	       1);
	/* Left alone: 11 characters of it, other text, an empty text. */
	expect(r, "prefix sk-proj-Ab3 is not enough", "prefix sk-proj-Ab3 is not enough", 0);
	expect(r, "{\"id\":\"cntr_abc\",\"name\":\"n\"}", "{\"id\":\"cntr_abc\",\"name\":\"n\"}", 0);
	expect(r, "", "", 0);
	redactor_free(r);
}

static void test_buffer_and_binary(void **state)
{
	struct redactor *r = redactor_new(key, NULL);
	struct buf b = {0};
	buf_append(&b, "a\0", 2);
	buf_puts(&b, key);
	buf_append(&b, "\0z", 2);
	assert_int_equal(redact_buf(r, &b), 1);
	assert_int_equal(b.len, 2 +
	                            strlen("[key \xe2\x80\xa6"
	                                   "0Js4]") +
	                            2);
	assert_memory_equal(b.data + b.len - 2, "\0z", 2);
	assert_null(memmem(b.data, b.len, "Ab3/Xy9+Qw7Z", 12));
	buf_free(&b);
	/* A short key (under 12 characters) is matched whole. */
	struct redactor *s = redactor_new("short-k3y", NULL);
	expect(s, "echo short-k3y and short-k3",
	       "echo [key \xe2\x80\xa6"
	       "-k3y] and short-k3",
	       1);
	redactor_free(s);
	/* No keys: nothing to do. */
	struct redactor *none = redactor_new(NULL, "");
	expect(none, key, key, 0);
	redactor_free(none);
	redactor_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_buffer_and_binary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
