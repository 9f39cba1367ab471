/* CSV cells (formula guard, RFC 4180 quoting) and reading them back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "csv_read.h"
#include "csv_write.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *text_cell(const char *s)
{
	struct buf b = {0};
	csv_write_text(&b, s, strlen(s));
	return buf_detach(&b);
}

static void expect_cell(const char *in, const char *out)
{
	char *got = text_cell(in);
	assert_string_equal(got, out);
	free(got);
}

static void test_formula_guard(void **state)
{
	expect_cell("=1+1", "'=1+1");
	expect_cell("+1", "'+1");
	expect_cell("-1", "'-1");
	expect_cell("@SUM(A1)", "'@SUM(A1)");
	expect_cell("\tx", "'\tx");
	expect_cell("\rx", "\"'\rx\"");
	expect_cell("plain", "plain");
	expect_cell("a=b", "a=b");
	expect_cell("", "");
	assert_true(csv_cell_is_formula("=", 1));
	assert_false(csv_cell_is_formula("", 0));
}

static void test_quoting(void **state)
{
	expect_cell("a,b", "\"a,b\"");
	expect_cell("say \"hi\"", "\"say \"\"hi\"\"\"");
	expect_cell("line\nbreak", "\"line\nbreak\"");
	expect_cell("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
}

static void test_numbers_are_verbatim(void **state)
{
	struct buf b = {0};
	csv_write_number(&b, "-0.030000", 9);
	assert_string_equal(b.data, "-0.030000");
	buf_free(&b);
}

struct collected {
	char rows[8][4][64];
	size_t count;
};

static int collect(void *ctx, const struct csv_record *header, const struct csv_record *r)
{
	struct collected *c = ctx;
	assert_int_equal(csv_record_find(header, "name"), 1);
	assert_int_equal(csv_record_find(header, "amount"), 2);
	assert_int_equal(csv_record_find(header, "missing"), -1);
	assert_int_equal(csv_record_find(header, "id"), 0); /* behind a byte-order mark */
	for (size_t i = 0; i < r->count && i < 4; i++)
		snprintf(c->rows[c->count][i], 64, "%s", r->fields[i]);
	c->count++;
	return 0;
}

static void test_round_trip_through_libcsv(void **state)
{
	const char *names[] = {"plain", "a,b", "say \"hi\"", "line\nbreak", "=cmd"};
	char path[] = "/tmp/cntraudit-test-csv-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct buf b = {0};
	buf_puts(&b, "\xEF\xBB\xBFid,Name, Amount \n");
	for (int i = 0; i < 5; i++) {
		buf_printf(&b, "%d,", i);
		csv_write_text(&b, names[i], strlen(names[i]));
		buf_puts(&b, ",0.030000\n");
	}
	buf_puts(&b, "\n"); /* a blank line is skipped */
	fwrite(b.data, 1, b.len, f);
	fclose(f);
	buf_free(&b);

	struct collected c = {0};
	assert_int_equal(csv_read_file(path, collect, &c), 0);
	assert_int_equal(c.count, 5);
	assert_string_equal(c.rows[1][1], "a,b");
	assert_string_equal(c.rows[2][1], "say \"hi\"");
	assert_string_equal(c.rows[3][1], "line\nbreak");
	assert_string_equal(c.rows[4][1], "'=cmd"); /* the guard survives: it is data now */
	assert_string_equal(c.rows[4][2], "0.030000");
	unlink(path);
}

static void test_malformed_and_missing(void **state)
{
	char path[] = "/tmp/cntraudit-test-csv-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("id,name,amount\n1,\"unterminated,0.1\n", f);
	fclose(f);
	struct collected c = {0};
	assert_int_equal(csv_read_file(path, collect, &c), -1);
	assert_non_null(strstr(error_message(), "malformed CSV"));
	error_clear();
	unlink(path);
	assert_int_equal(csv_read_file("/nonexistent/x.csv", collect, &c), -1);
	assert_non_null(strstr(error_message(), "cannot open /nonexistent/x.csv"));
	error_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_formula_guard),         cmocka_unit_test(test_quoting),
	    cmocka_unit_test(test_numbers_are_verbatim),  cmocka_unit_test(test_round_trip_through_libcsv),
	    cmocka_unit_test(test_malformed_and_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
