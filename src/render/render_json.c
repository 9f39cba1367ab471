/* JSON: one object, {"schema_version":2, "report", "generated_by", "now",
 * "since", "until", "time_zone", "rows":[...]}, one row object per line.
 * Money is a string with six decimals (exact; never a float), times are ISO
 * 8601 strings, counts are numbers, NULL is null. */
#include "render_cell.h"
#include "render_formats.h"

#include "timestamp.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define JSON_SCHEMA_VERSION 2

json_t *render_json_time(const int64_t *t)
{
	char out[TIMESTAMP_MAX];
	if (!t)
		return json_null();
	timestamp_format(*t, out);
	return json_string(out);
}

static json_t *cell_value(const struct store_rows *st, int i)
{
	char scratch[RENDER_CELL_MAX];
	enum cell_type type = store_rows_type(st, i);
	enum column_kind kind = render_column_kind(render_name_kind(store_rows_name(st, i)), type);
	size_t len;
	const char *text = render_cell(st, i, kind, scratch, &len);
	if (!text)
		return json_null();
	if (kind == COLUMN_NUMBER && type == CELL_INTEGER)
		return json_integer(store_rows_int(st, i));
	if (kind == COLUMN_NUMBER)
		return json_real(store_rows_real(st, i));
	json_t *s = json_stringn(text, len);
	return s ? s : json_null(); /* not valid UTF-8: cannot be represented */
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
	char *text = json_dumps(head, JSON_COMPACT);
	json_decref(head);
	/* Reopen the object to stream the rows into it. */
	fprintf(out, "%.*s,\"rows\":[", (int)strlen(text) - 1, text);
	free(text);

	int columns = store_rows_columns(st), rc, first = 1;
	while ((rc = store_rows_next(st)) == 1) {
		json_t *row = json_object();
		for (int i = 0; i < columns; i++)
			json_object_set_new(row, store_rows_name(st, i), cell_value(st, i));
		fputs(first ? "\n" : ",\n", out);
		json_dumpf(row, out, JSON_COMPACT | JSON_REAL_PRECISION(15));
		json_decref(row);
		first = 0;
	}
	fputs("\n]}\n", out);
	return rc;
}
