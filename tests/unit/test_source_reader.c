#define _GNU_SOURCE /* memmem */
/* Splitting files into documents: shapes, errors, and the JSON Lines
 * pipeline (every line once, in file order, with its own text, whatever the
 * number of parsing threads, and nothing more once the caller stops). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "source_reader.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	struct source_callbacks cb = {on_document, on_malformed, NULL, NULL};
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
	struct source_callbacks cb = {on_document, on_malformed, NULL, NULL};
	assert_int_equal(source_read("/nonexistent/file.json", &cb, &s), -1);
	assert_non_null(strstr(error_message(), "cannot open /nonexistent/file.json"));
	error_clear();
}

/* Line i (from 1) of the pipeline's file, without its newline: blank every
 * 97th, malformed every 101st, else {"n":i,"pad":"x..."} of varied sizes. */
static size_t make_line(size_t i, char *out)
{
	if (i % 97 == 0)
		return (size_t)sprintf(out, " \t");
	if (i % 101 == 0)
		return (size_t)sprintf(out, "{\"n\":%zu,", i);
	size_t pad = i * 37 % 3001, k = (size_t)sprintf(out, "{\"n\":%zu,\"pad\":\"", i);
	memset(out + k, 'x', pad);
	return k + pad + (size_t)sprintf(out + k + pad, "\"}");
}

struct in_order {
	size_t expect; /* the next line that should arrive */
	size_t documents, malformed, mismatches;
	size_t stop_after; /* return 5 after this many documents (0: never) */
	size_t first_mismatch;
	char line[4096];
};

static void next_expected(struct in_order *o)
{
	while (o->expect % 97 == 0)
		o->expect++;
}

static void mismatch(struct in_order *o, size_t line)
{
	if (!o->mismatches++)
		o->first_mismatch = line;
}

static int in_order_document(void *ctx, const json_t *doc, size_t line, const char *text, size_t len)
{
	struct in_order *o = ctx;
	next_expected(o);
	size_t want = make_line(o->expect, o->line);
	json_t *n = json_object_get(doc, "n");
	if (line != o->expect || o->expect % 101 == 0 || !json_is_integer(n) || (size_t)json_integer_value(n) != line ||
	    len != want + 1 || memcmp(text, o->line, want) || text[want] != '\n')
		mismatch(o, line);
	o->expect++;
	return ++o->documents == o->stop_after ? 5 : 0;
}

static void in_order_malformed(void *ctx, size_t line, const char *why)
{
	struct in_order *o = ctx;
	next_expected(o);
	if (line != o->expect || o->expect % 101 != 0 || !*why)
		mismatch(o, line);
	o->expect++;
	o->malformed++;
}

/* Writes lines 1..n to a temporary .jsonl file; its path goes to path. */
static void write_lines(size_t n, char path[64])
{
	snprintf(path, 64, "/tmp/cntraudit-test-lines-XXXXXX.jsonl");
	int fd = mkstemps(path, 6);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	char line[4096];
	for (size_t i = 1; i <= n; i++) {
		fwrite(line, 1, make_line(i, line), f);
		fputc('\n', f);
	}
	assert_int_equal(fclose(f), 0);
}

#define LINES 5000

static void test_pipeline_order(void **state)
{
	char path[64];
	write_lines(LINES, path);
	const int parsers[] = {0, 1, 2, 4};
	for (size_t k = 0; k < sizeof parsers / sizeof *parsers; k++) {
		source_read_set_parsers(parsers[k]);
		struct in_order o = {.expect = 1};
		struct source_callbacks cb = {in_order_document, in_order_malformed, NULL, NULL};
		assert_int_equal(source_read(path, &cb, &o), 0);
		print_message("parsers %d: %zu documents, %zu malformed, %zu out of place (first: line %zu)\n",
		              parsers[k], o.documents, o.malformed, o.mismatches, o.first_mismatch);
		assert_int_equal(o.mismatches, 0);
		next_expected(&o);
		assert_int_equal(o.expect, LINES + 1);
		assert_int_equal(o.malformed, LINES / 101 - LINES / (97 * 101));
		assert_int_equal(o.documents, LINES - LINES / 97 - o.malformed);
	}
	source_read_set_parsers(0);
	unlink(path);
}

/* A callback's nonzero result ends the reading at once, with that result;
 * the lines parsed ahead are dropped (and freed: ASan's leak check). */
static void test_pipeline_stop(void **state)
{
	char path[64];
	write_lines(LINES, path);
	const int parsers[] = {1, 4};
	for (size_t k = 0; k < sizeof parsers / sizeof *parsers; k++) {
		source_read_set_parsers(parsers[k]);
		struct in_order o = {.expect = 1, .stop_after = 1234};
		struct source_callbacks cb = {in_order_document, in_order_malformed, NULL, NULL};
		assert_int_equal(source_read(path, &cb, &o), 5);
		assert_int_equal(o.mismatches, 0);
		assert_int_equal(o.documents, 1234);
	}
	source_read_set_parsers(0);
	unlink(path);
}

/* A pipe that goes silent: the lines before the silence are delivered as
 * they arrive, then the caller is told once that the input is idle (the
 * importer commits there), then the rest comes; an idle callback's nonzero
 * result stops the reading with it. */
struct silence {
	char events[16]; /* 'd' a document, 'i' idle */
	size_t n;
	int idle_result;
};

static int silence_document(void *ctx, const json_t *doc, size_t line, const char *text, size_t len)
{
	struct silence *s = ctx;
	if (s->n < sizeof s->events - 1)
		s->events[s->n++] = 'd';
	return 0;
}

static void silence_malformed(void *ctx, size_t line, const char *why)
{
	struct silence *s = ctx;
	if (s->n < sizeof s->events - 1)
		s->events[s->n++] = 'm';
}

static int silence_idle(void *ctx)
{
	struct silence *s = ctx;
	if (s->n < sizeof s->events - 1)
		s->events[s->n++] = 'i';
	return s->idle_result;
}

static void *slow_writer(void *arg)
{
	int fd = *(int *)arg;
	static const char first[] = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", rest[] = "{\"a\":4}\n{\"a\":5}\n";
	ssize_t w = write(fd, first, sizeof first - 1);
	usleep(700 * 1000);
	w += write(fd, rest, sizeof rest - 1);
	(void)w;
	close(fd);
	return NULL;
}

static void test_pipe_silence(void **state)
{
	const int idle_results[] = {0, 9};
	for (size_t k = 0; k < 2; k++) {
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		pthread_t writer;
		assert_int_equal(pthread_create(&writer, NULL, slow_writer, &fds[1]), 0);
		char path[32];
		snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
		struct silence s = {.idle_result = idle_results[k]};
		struct source_callbacks cb = {silence_document, silence_malformed, silence_idle, NULL};
		int rc = source_read(path, &cb, &s);
		pthread_join(writer, NULL);
		close(fds[0]);
		s.events[s.n] = 0;
		print_message("idle result %d: events %s, result %d\n", idle_results[k], s.events, rc);
		assert_string_equal(s.events, idle_results[k] ? "dddi" : "dddidd");
		assert_int_equal(rc, idle_results[k]);
	}
}

/* Long documents (over 16 MiB): a list page comes in parts of the same
 * envelope, every element once, in order, byte for byte, between page
 * events; a bad element abandons the page; an array comes element by
 * element; anything else that long is refused. */
struct parts {
	char events[64]; /* 'b' begin, 'p' a part, 'e' end, 'a' abandon, 'm' malformed */
	size_t n, elements, next_id, out_of_order, max_part;
	char why[256];
};

static void event(struct parts *p, char e)
{
	if (p->n < sizeof p->events - 1 && (p->n == 0 || p->events[p->n - 1] != e || e != 'p'))
		p->events[p->n++] = e; /* a run of parts is one 'p' */
}

static int parts_document(void *ctx, const json_t *doc, size_t line, const char *text, size_t len)
{
	struct parts *p = ctx;
	event(p, 'p');
	if (len > p->max_part)
		p->max_part = len;
	const json_t *data = json_is_array(json_object_get(doc, "data")) ? json_object_get(doc, "data") : NULL;
	size_t n = data ? json_array_size(data) : 1;
	for (size_t i = 0; i < n; i++) {
		const json_t *e = data ? json_array_get(data, i) : doc;
		/* The element's own bytes are in the part's text, as written. */
		char want[64];
		snprintf(want, sizeof want, "{\"id\": \"e%zu\", \"pad\": \"", p->next_id);
		if (json_integer_value(json_object_get(e, "n")) != (json_int_t)p->next_id ||
		    !memmem(text, len, want, strlen(want)))
			p->out_of_order++;
		p->next_id++;
		p->elements++;
	}
	return 0;
}

static void parts_malformed(void *ctx, size_t line, const char *why)
{
	struct parts *p = ctx;
	event(p, 'm');
	snprintf(p->why, sizeof p->why, "%s", why);
}

static int parts_page(void *ctx, enum source_page e)
{
	event(ctx, e == SOURCE_PAGE_BEGIN ? 'b' : e == SOURCE_PAGE_END ? 'e' : 'a');
	return 0;
}

/* A file: a short line, then a long one of n elements (a list page, or an
 * array when array), then a short line. */
static void write_long(const char *path, size_t n, int array, const char *tail)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"object\":\"list\",\"data\":[]}\n", f);
	fputs(array ? "[" : "{\"object\": \"list\", \"data\": [", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s{\"id\": \"e%zu\", \"pad\": \"%0200d\", \"n\": %zu}", i ? ", " : "", i, 0, i);
	fputs(tail, f);
	fputs(array ? "]\n" : "], \"has_more\": false}\n", f);
	fputs("{\"object\":\"list\",\"data\":[]}\n", f);
	assert_int_equal(fclose(f), 0);
}

static struct parts read_parts(const char *path)
{
	struct parts p = {0};
	struct source_callbacks cb = {parts_document, parts_malformed, NULL, parts_page};
	assert_int_equal(source_read(path, &cb, &p), 0);
	p.events[p.n] = 0;
	print_message("events %s, %zu elements, %zu out of order, largest part %zu bytes %s\n", p.events, p.elements,
	              p.out_of_order, p.max_part, p.why);
	return p;
}

#define LONG_ELEMENTS 100000 /* about 24 MB */

static void test_long_documents(void **state)
{
	char path[] = "/tmp/cntraudit-test-long-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);

	write_long(path, LONG_ELEMENTS, 0, "");
	struct parts p = read_parts(path);
	assert_string_equal(p.events, "pbpep"); /* short line, begin, parts, end, short line */
	assert_int_equal(p.elements, LONG_ELEMENTS + 0);
	assert_int_equal(p.out_of_order, 0);
	assert_true(p.max_part < 2 * 1024 * 1024);

	/* A bad element at the very end: the page is abandoned, then reported. */
	write_long(path, LONG_ELEMENTS, 0, ", {\"id\": oops}");
	p = read_parts(path);
	assert_string_equal(p.events, "pbpamp");
	assert_non_null(strstr(p.why, "malformed JSON"));

	/* Elements not separated by commas. */
	write_long(path, LONG_ELEMENTS, 0, " {\"id\": \"x\"}");
	p = read_parts(path);
	assert_string_equal(p.events, "pbpamp");

	/* An array: its elements are the parts. */
	write_long(path, LONG_ELEMENTS, 1, "");
	p = read_parts(path);
	assert_string_equal(p.events, "pbpep");
	assert_int_equal(p.out_of_order, 0);
	assert_int_equal(p.elements, LONG_ELEMENTS + 0);

	/* Not a list page, mostly one long string: parsed whole (it takes about
	 * twice its size), no page. */
	FILE *f = fopen(path, "w");
	fputs("{\"object\": \"response\", \"output\": \"", f);
	for (int i = 0; i < 20 * 1024; i++)
		fprintf(f, "%01024d", 0);
	fputs("\"}\n", f);
	fclose(f);
	p = read_parts(path);
	assert_string_equal(p.events, "p");
	assert_string_equal(p.why, "");

	/* Not a list page, and dense with values: refused, with its size. */
	f = fopen(path, "w");
	fputs("{\"object\": \"response\", \"output\": [0", f);
	for (int i = 0; i < 10 * 1024 * 1024; i++)
		fputs(",1", f);
	fputs("]}\n{\"object\":\"list\",\"data\":[]}\n", f);
	fclose(f);
	p = read_parts(path);
	assert_string_equal(p.events, "mp");
	assert_non_null(strstr(p.why, "a document of 20971558 bytes and 10485766 values is too long to parse whole"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_source_shapes),  cmocka_unit_test(test_source_unreadable),
	    cmocka_unit_test(test_pipeline_order), cmocka_unit_test(test_pipeline_stop),
	    cmocka_unit_test(test_pipe_silence),   cmocka_unit_test(test_long_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
