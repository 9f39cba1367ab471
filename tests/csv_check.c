/* csv_check FILE...: re-parses CSV with libcsv in strict RFC 4180 mode and
 * fails when a record has a different number of fields than the header, or
 * when a cell could be taken for a formula by a spreadsheet: one starting
 * with '=', '+', '@', tab or carriage return, or with '-' unless it is a
 * number. Prints one line per problem; exit 1 when there is any. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct state {
	const char *path;
	size_t record, fields, header_fields;
	int problems;
};

static int is_number(const char *s, size_t len)
{
	size_t i = s[0] == '-' ? 1 : 0, digits = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	return digits > 0 && i == len;
}

static void on_field(void *data, size_t len, void *ctx)
{
	struct state *st = ctx;
	const char *s = data;
	st->fields++;
	if (len && (strchr("=+@\t\r", s[0]) || (s[0] == '-' && !is_number(s, len)))) {
		printf("%s: record %zu field %zu starts with a formula character: %.40s\n", st->path, st->record + 1,
		       st->fields, s);
		st->problems++;
	}
}

static void on_record(int c, void *ctx)
{
	struct state *st = ctx;
	st->record++;
	if (st->record == 1)
		st->header_fields = st->fields;
	else if (st->fields != st->header_fields) {
		printf("%s: record %zu has %zu fields, the header %zu\n", st->path, st->record, st->fields,
		       st->header_fields);
		st->problems++;
	}
	st->fields = 0;
}

int main(int argc, char **argv)
{
	int problems = 0;
	for (int i = 1; i < argc; i++) {
		struct csv_parser p;
		struct state st = {.path = argv[i]};
		FILE *f = fopen(argv[i], "rb");
		char buf[65536];
		size_t n;
		if (!f || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
			printf("%s: cannot read\n", argv[i]);
			return 1;
		}
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			if (csv_parse(&p, buf, n, on_field, on_record, &st) != n) {
				printf("%s: not RFC 4180 after record %zu: %s\n", argv[i], st.record,
				       csv_strerror(csv_error(&p)));
				st.problems++;
				break;
			}
		if (csv_fini(&p, on_field, on_record, &st)) {
			printf("%s: unterminated quote\n", argv[i]);
			st.problems++;
		}
		if (st.record < 1) {
			printf("%s: no header\n", argv[i]);
			st.problems++;
		}
		csv_free(&p);
		fclose(f);
		problems += st.problems;
	}
	return problems > 0;
}
