#include "csv_read.h"

#include "error.h"
#include "xalloc.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct reader {
	struct csv_record header;
	struct csv_record current;
	size_t cap;
	size_t records;
	csv_record_fn fn;
	void *ctx;
	int result;
};

static void record_clear(struct csv_record *r)
{
	for (size_t i = 0; i < r->count; i++)
		free(r->fields[i]);
	r->count = 0;
}

static void on_field(void *data, size_t len, void *ctx)
{
	struct reader *rd = ctx;
	if (rd->result)
		return;
	if (rd->current.count == rd->cap) {
		rd->cap = rd->cap ? rd->cap * 2 : 16;
		rd->current.fields = xrealloc(rd->current.fields, rd->cap * sizeof(char *));
	}
	rd->current.fields[rd->current.count++] = data ? xstrndup(data, len) : xstrdup("");
}

static void on_record(int terminator, void *ctx)
{
	struct reader *rd = ctx;
	if (rd->result) {
		record_clear(&rd->current);
		return;
	}
	rd->current.number = ++rd->records;
	if (rd->records == 1) {
		rd->header = rd->current;
		rd->current = (struct csv_record){0};
		rd->cap = 0;
		return;
	}
	/* A blank line is one empty field: skip it. */
	if (!(rd->current.count == 1 && rd->current.fields[0][0] == '\0'))
		rd->result = rd->fn(rd->ctx, &rd->header, &rd->current);
	record_clear(&rd->current);
}

int csv_read_stream(FILE *f, const char *path, csv_record_fn fn, void *ctx)
{
	struct csv_parser parser;
	struct reader rd = {.fn = fn, .ctx = ctx};
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return error_set("cannot read %s: csv parser setup failed", path);
	while (!rd.result && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (csv_parse(&parser, chunk, n, on_field, on_record, &rd) != n) {
			rc = error_set("%s: malformed CSV after record %zu: %s", path, rd.records,
			               csv_strerror(csv_error(&parser)));
			goto done;
		}
	}
	if (!rd.result && ferror(f)) {
		rc = error_set("cannot read %s: %s", path, strerror(errno));
		goto done;
	}
	if (!rd.result && csv_fini(&parser, on_field, on_record, &rd)) {
		rc = error_set("%s: malformed CSV at the end of the file (unterminated quote?)", path);
		goto done;
	}
	if (!rd.result && rd.records == 0)
		rc = error_set("%s: empty file, expected a header row", path);
	else
		rc = rd.result;
done:
	csv_free(&parser);
	record_clear(&rd.header);
	record_clear(&rd.current);
	free(rd.header.fields);
	free(rd.current.fields);
	return rc;
}

int csv_read_file(const char *path, csv_record_fn fn, void *ctx)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return error_set("cannot open %s: %s", path, strerror(errno));
	int rc = csv_read_stream(f, path, fn, ctx);
	if (f != stdin)
		fclose(f);
	return rc;
}

int csv_record_find(const struct csv_record *header, const char *name)
{
	for (size_t i = 0; i < header->count; i++) {
		const char *f = header->fields[i];
		if (!strncmp(f, "\xEF\xBB\xBF", 3)) /* a byte-order mark, as spreadsheets write */
			f += 3;
		while (*f == ' ')
			f++;
		size_t len = strlen(f);
		while (len && f[len - 1] == ' ')
			len--;
		if (len == strlen(name) && !strncasecmp(f, name, len))
			return (int)i;
	}
	return -1;
}
