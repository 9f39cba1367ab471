/* JSON: one object, {"schema_version":3, "report", "generated_by", "now",
 * "since", "until", "time_zone", "columns":[names, in order], "rows":[...]},
 * one row object per line (an empty report still names its columns).
 * Money is a string with six decimals (exact; never a float), but a FOCUS
 * cost is that decimal written as a number (still exact: the digits, not a
 * double); times are ISO 8601 strings, counts are numbers, NULL is null. */
#include "render_cell.h"
#include "render_formats.h"

#include "timestamp.h"
#include "xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define JSON_SCHEMA_VERSION 3

json_t *render_json_time(const int64_t *t)
{
	char out[TIMESTAMP_MAX];
	if (!t)
		return json_null();
	timestamp_format(*t, out);
	return json_string(out);
}

/* JSON text of one value (jansson's, so strings are escaped as it does). */
static void put_value(struct buf *b, json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	buf_puts(b, text ? text : "null");
	free(text);
	json_decref(value);
}

static void put_cell(struct buf *b, const struct store_rows *st, int i, enum column_kind named)
{
	char scratch[RENDER_CELL_MAX];
	enum cell_type type = store_rows_type(st, i);
	enum column_kind kind = render_column_kind(named, type);
	size_t len;
	const char *text = render_cell(st, i, kind, scratch, &len);
	if (!text)
		buf_puts(b, "null");
	else if (kind == COLUMN_DECIMAL && type == CELL_INTEGER)
		buf_append(b, text, len); /* "0.030000": a JSON number as it is */
	else if (kind == COLUMN_NUMBER && type == CELL_INTEGER)
		put_value(b, json_integer(store_rows_int(st, i)));
	else if (kind == COLUMN_NUMBER)
		put_value(b, json_real(store_rows_real(st, i)));
	else
		put_value(b, json_stringn(text, len)); /* NULL (null) when not valid UTF-8: cannot be represented */
}

int render_json(FILE *out, struct store_rows *st, const struct render_meta *meta)
{
	json_t *head = json_object();
	json_object_set_new(head, "schema_version", json_integer(JSON_SCHEMA_VERSION));
	json_object_set_new(head, "report", json_string(meta->report));
	json_object_set_new(head, "generated_by", json_string("cntraudit " CNTRAUDIT_VERSION));
	json_object_set_new(head, "now", render_json_time(&meta->now));
	json_object_set_new(head, "since", render_json_time(meta->since));
	json_object_set_new(head, "until", render_json_time(meta->until));
	json_object_set_new(head, "time_zone", json_string(meta->zone ? meta->zone : "UTC"));
	json_t *names = json_array();
	for (int i = 0; i < store_rows_columns(st); i++)
		json_array_append_new(names, json_string(store_rows_name(st, i)));
	json_object_set_new(head, "columns", names);
	char *text = json_dumps(head, JSON_COMPACT);
	json_decref(head);
	/* Reopen the object to stream the rows into it. */
	fprintf(out, "%.*s,\"rows\":[", (int)strlen(text) - 1, text);
	free(text);

	int columns = store_rows_columns(st), rc, first = 1;
	enum column_kind *named = xcalloc((size_t)columns + 1, sizeof *named);
	char **keys = xcalloc((size_t)columns + 1, sizeof *keys);
	for (int i = 0; i < columns; i++) {
		named[i] = render_name_kind(store_rows_name(st, i));
		json_t *key = json_string(store_rows_name(st, i));
		keys[i] = key ? json_dumps(key, JSON_ENCODE_ANY) : xstrdup("\"\"");
		json_decref(key);
	}
	struct buf row = {0};
	while ((rc = store_rows_next(st)) == 1) {
		buf_reset(&row);
		buf_puts(&row, first ? "\n{" : ",\n{");
		for (int i = 0; i < columns; i++) {
			if (i)
				buf_putc(&row, ',');
			buf_puts(&row, keys[i]);
			buf_putc(&row, ':');
			put_cell(&row, st, i, named[i]);
		}
		buf_putc(&row, '}');
		fwrite(row.data, 1, row.len, out);
		first = 0;
	}
	fputs("\n]}\n", out);
	buf_free(&row);
	for (int i = 0; i < columns; i++)
		free(keys[i]);
	free(keys);
	free(named);
	return rc;
}
