#include "json_span.h"

#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct json_span json_span_trim(const char *text, size_t len)
{
	while (len && is_space(*text)) {
		text++;
		len--;
	}
	while (len && is_space(text[len - 1]))
		len--;
	return (struct json_span){text, len};
}

/* The index just past the string starting at text[i] == '"'. */
static size_t skip_string(const char *text, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (text[i] == '\\')
			i++;
		else if (text[i] == '"')
			return i + 1;
	}
	return len;
}

size_t json_span_array_elements(const char *text, size_t len, const char *key, struct json_span *out, size_t max)
{
	size_t key_len = strlen(key), i = 0, depth = 0;
	/* Find "key": at depth 1, followed by '['. */
	while (i < len) {
		char c = text[i];
		if (c == '"') {
			size_t end = skip_string(text, len, i);
			if (depth == 1 && end - i - 2 == key_len && !memcmp(text + i + 1, key, key_len)) {
				size_t j = end;
				while (j < len && is_space(text[j]))
					j++;
				if (j < len && text[j] == ':') {
					j++;
					while (j < len && is_space(text[j]))
						j++;
					if (j < len && text[j] == '[') {
						i = j + 1;
						goto elements;
					}
				}
			}
			i = end;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		i++;
	}
	return 0;
elements:;
	size_t count = 0, start = i, inner = 0;
	for (; i < len; i++) {
		char c = text[i];
		if (c == '"') {
			i = skip_string(text, len, i) - 1;
		} else if (c == '{' || c == '[') {
			inner++;
		} else if ((c == '}' || c == ']') && inner > 0) {
			inner--;
		} else if ((c == ',' || c == ']') && inner == 0) {
			struct json_span s = json_span_trim(text + start, i - start);
			if (s.len && count < max)
				out[count] = s;
			if (s.len)
				count++;
			if (c == ']')
				break;
			start = i + 1;
		}
	}
	return count;
}
