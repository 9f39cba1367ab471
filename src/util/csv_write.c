#include "csv_write.h"

#include <string.h>

int csv_cell_is_formula(const char *text, size_t len)
{
	return len > 0 && strchr("=+-@\t\r", text[0]) != NULL;
}

void csv_write_text(struct buf *out, const char *text, size_t len)
{
	int guard = csv_cell_is_formula(text, len);
	int quote = 0;
	for (size_t i = 0; i < len && !quote; i++)
		quote = text[i] == ',' || text[i] == '"' || text[i] == '\n' || text[i] == '\r';
	if (!quote) {
		if (guard)
			buf_putc(out, '\'');
		buf_append(out, text, len);
		return;
	}
	buf_putc(out, '"');
	if (guard)
		buf_putc(out, '\'');
	const char *start = text, *end = text + len, *q;
	while ((q = memchr(start, '"', (size_t)(end - start))) != NULL) {
		buf_append(out, start, (size_t)(q - start) + 1);
		buf_putc(out, '"');
		start = q + 1;
	}
	buf_append(out, start, (size_t)(end - start));
	buf_putc(out, '"');
}

void csv_write_number(struct buf *out, const char *text, size_t len)
{
	buf_append(out, text, len);
}
