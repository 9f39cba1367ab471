#include "render.h"
#include "render_formats.h"

#include "error.h"
#include "money.h"
#include "output_file.h"
#include "timestamp.h"

#include "xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int render_format_parse(const char *name)
{
	if (!strcmp(name, "text"))
		return RENDER_TEXT;
	if (!strcmp(name, "csv"))
		return RENDER_CSV;
	if (!strcmp(name, "json"))
		return RENDER_JSON;
	if (!strcmp(name, "html"))
		return RENDER_HTML;
	return -1;
}

int render_report(FILE *out, enum render_format format, struct store_rows *st, const struct render_meta *meta)
{
	switch (format) {
	case RENDER_CSV:
		return render_csv(out, st, meta);
	case RENDER_JSON:
		return render_json(out, st, meta);
	case RENDER_HTML:
		return error_set("the html format is the html report's only");
	default:
		return render_text(out, st, meta);
	}
}

int render_to_path(const char *path, enum render_format format, struct store_rows *st, const struct render_meta *meta)
{
	if (!path) {
		if (render_report(stdout, format, st, meta))
			return -1;
		if (fflush(stdout) || ferror(stdout))
			return error_set("cannot write the report to standard output: %s", strerror(errno));
		return 0;
	}
	struct output_file out;
	if (output_file_open(&out, path))
		return -1;
	if (render_report(out.fp, format, st, meta)) {
		output_file_abort(&out);
		return -1;
	}
	return output_file_commit(&out);
}

int render_query(struct store *store, const char *query_path, const struct store_param *params, size_t n,
                 const char *path, enum render_format format, const struct render_meta *meta)
{
	struct store_rows *rows;
	if (store_rows_open(store, query_path, params, n, "report", &rows))
		return -1;
	int rc = render_to_path(path, format, rows, meta);
	store_rows_close(rows);
	return rc;
}
