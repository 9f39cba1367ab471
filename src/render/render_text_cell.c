#include "render_text_cell.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define ID_MIN_BODY 16 /* letters and digits after the prefix for a word to be an ID */
#define ID_HEAD     8  /* of them kept before the "…" */
#define ID_TAIL     6  /* and after */

size_t text_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The length of the API ID at s (a lower-case prefix, '_', then at least
 * ID_MIN_BODY letters and digits), or 0. */
static size_t id_at(const char *s, size_t *prefix)
{
	size_t p = 0, body = 0;
	while (s[p] >= 'a' && s[p] <= 'z')
		p++;
	if (p == 0 || p > 8 || s[p] != '_')
		return 0;
	while (isalnum((unsigned char)s[p + 1 + body]))
		body++;
	if (body < ID_MIN_BODY)
		return 0;
	*prefix = p + 1;
	return p + 1 + body;
}

char *text_display(const char *s, int wide)
{
	struct buf b = {0};
	buf_puts(&b, "");
	for (const char *p = s; *p;) {
		size_t prefix, len = wide || (p > s && isalnum((unsigned char)p[-1])) ? 0 : id_at(p, &prefix);
		if (len) {
			buf_append(&b, p, prefix + ID_HEAD);
			buf_puts(&b, "…");
			buf_append(&b, p + len - ID_TAIL, ID_TAIL);
			p += len;
			continue;
		}
		buf_putc(&b, (unsigned char)*p < 0x20 || *p == 0x7F ? ' ' : *p);
		p++;
	}
	return buf_detach(&b);
}

char *text_cut(const char *s, size_t width)
{
	if (text_width(s) <= width)
		return xstrdup(s);
	struct buf b = {0};
	size_t chars = 0;
	for (const char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80 && ++chars > width - 1)
			break;
		buf_putc(&b, *p);
	}
	buf_puts(&b, "…");
	return buf_detach(&b);
}

void text_pad(FILE *out, const char *s, size_t width, int right)
{
	size_t w = text_width(s);
	int gap = w < width ? (int)(width - w) : 0;
	if (right)
		fprintf(out, "%*s%s", gap, "", s);
	else
		fprintf(out, "%s%*s", s, gap, "");
}

void text_wrap(struct buf *b, const char *words, int indent)
{
	size_t room = TEXT_COLUMNS - (size_t)indent, used = 0;
	const char *p = words;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *end = p;
		while (*end && *end != ' ')
			end++;
		if (end == p)
			break;
		char *word = xstrndup(p, (size_t)(end - p));
		size_t w = text_width(word);
		if (used && used + 1 + w > room) {
			buf_putc(b, '\n');
			used = 0;
		}
		if (!used)
			buf_printf(b, "%*s", indent, "");
		else
			buf_putc(b, ' ');
		buf_puts(b, word);
		used += (used ? 1 : 0) + w;
		free(word);
		p = end;
	}
	if (used)
		buf_putc(b, '\n');
}
