#include "source_reader.h"

#include "error.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", s[i]))
			return 0;
	return 1;
}

/* Delivers a parsed value: the elements of a top-level array, or itself. */
static int deliver(const struct source_callbacks *cb, void *ctx, const json_t *value, size_t line, const char *text,
                   size_t len)
{
	if (!json_is_array(value))
		return cb->document(ctx, value, line, text, len);
	size_t i;
	const json_t *element;
	json_array_foreach (value, i, element) {
		int rc = cb->document(ctx, element, line, NULL, 0);
		if (rc)
			return rc;
	}
	return 0;
}

/* Parses one line of JSON Lines. */
static int parse_line(const struct source_callbacks *cb, void *ctx, const char *text, size_t len, size_t line)
{
	json_error_t err;
	if (is_blank(text, len))
		return 0;
	json_t *value = json_loadb(text, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (!value) {
		cb->malformed(ctx, line, err.text);
		return 0;
	}
	int rc = deliver(cb, ctx, value, line, text, len);
	json_decref(value);
	return rc;
}

/* Whether a line holds a complete JSON object by itself: the mark of JSON
 * Lines, never of a pretty-printed document. */
static int line_is_object(const char *text, size_t len)
{
	while (len && strchr(" \t\r\n", *text)) {
		text++;
		len--;
	}
	if (!len || *text != '{')
		return 0;
	json_t *value = json_loadb(text, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL);
	json_decref(value);
	return value != NULL;
}

/* Steps *p over one line of [*p, end): returns its length without the
 * newline, and leaves *p at the next line. */
static size_t next_line(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p += len + (nl != NULL);
	return len;
}

/* The whole buffered rest of a file, starting at first_line: one document,
 * or JSON Lines after all when it is not one document but its lines are. */
static int parse_buffered(const struct source_callbacks *cb, void *ctx, const char *path, struct buf *b,
                          size_t first_line)
{
	json_error_t err;
	json_t *value = json_loadb(b->data, b->len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (value) {
		int rc = deliver(cb, ctx, value, first_line, b->data, b->len);
		json_decref(value);
		return rc;
	}
	/* Is this JSON Lines whose first line was bad? */
	int objects = 0;
	const char *end = b->data + b->len;
	for (const char *p = b->data; p < end;) {
		const char *line = p;
		objects += line_is_object(line, next_line(&p, end));
	}
	if (objects > 0 || str_ends_with(path, ".jsonl") || str_ends_with(path, ".ndjson")) {
		size_t number = first_line;
		for (const char *p = b->data; p < end; number++) {
			const char *line = p;
			int rc = parse_line(cb, ctx, line, next_line(&p, end), number);
			if (rc)
				return rc;
		}
		return 0;
	}
	cb->malformed(ctx, first_line + (err.line > 0 ? (size_t)err.line - 1 : 0), err.text);
	return 0;
}

int source_read(const char *path, const struct source_callbacks *cb, void *ctx)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *line = NULL;
	size_t cap = 0, number = 0, first_line = 0;
	ssize_t len;
	struct buf rest = {0};
	enum { UNDECIDED, LINES, BUFFERED } mode = UNDECIDED;
	int rc = 0;

	if (!f)
		return error_set("cannot open %s: %s", path, strerror(errno));
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		number++;
		if (mode == UNDECIDED) {
			if (is_blank(line, (size_t)len))
				continue;
			first_line = number;
			mode = line_is_object(line, (size_t)len) ? LINES : BUFFERED;
		}
		if (mode == LINES)
			rc = parse_line(cb, ctx, line, (size_t)len, number);
		else
			buf_append(&rest, line, (size_t)len);
	}
	if (!rc && ferror(f))
		rc = error_set("cannot read %s: %s", path, strerror(errno));
	else if (!rc && mode == BUFFERED)
		rc = parse_buffered(cb, ctx, path, &rest, first_line);
	free(line);
	buf_free(&rest);
	if (f != stdin)
		fclose(f);
	return rc;
}
