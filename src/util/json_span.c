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

static size_t skip_space(const char *text, size_t len, size_t i);
static size_t skip_value(const char *text, size_t len, size_t i);

/* Where the value of top-level key `key` starts, or len when there is none. */
static size_t find_member(const char *text, size_t len, const char *key)
{
	size_t key_len = strlen(key), i = 0, depth = 0;
	while (i < len) {
		char c = text[i];
		if (c == '"') {
			size_t end = skip_string(text, len, i);
			if (depth == 1 && end - i - 2 == key_len && !memcmp(text + i + 1, key, key_len)) {
				size_t j = skip_space(text, len, end);
				if (j < len && text[j] == ':')
					return skip_space(text, len, j + 1);
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
	return len;
}

struct json_span json_span_member(const char *text, size_t len, const char *key)
{
	size_t start = find_member(text, len, key), end = skip_value(text, len, start);
	if (start >= len || !end || (text[start] != '{' && text[start] != '['))
		return (struct json_span){NULL, 0};
	return (struct json_span){text + start, end - start};
}

size_t json_span_array_elements(const char *text, size_t len, const char *key, struct json_span *out, size_t max)
{
	size_t i = find_member(text, len, key);
	if (i >= len || text[i] != '[')
		return 0;
	i++;
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

size_t json_span_values(const char *text, size_t len)
{
	size_t values = 1;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '"')
			i = skip_string(text, len, i) - 1;
		else if (strchr(",:[{", text[i]))
			values++;
	}
	return values;
}

static size_t skip_space(const char *text, size_t len, size_t i)
{
	while (i < len && is_space(text[i]))
		i++;
	return i;
}

/* The index just past the value starting at text[i], or 0 when it does not
 * end inside text. Strings and nesting only: the parser checks the rest. */
static size_t skip_value(const char *text, size_t len, size_t i)
{
	if (i >= len)
		return 0;
	if (text[i] == '"') {
		size_t end = skip_string(text, len, i);
		return end <= len && text[end - 1] == '"' && end > i + 1 ? end : 0;
	}
	if (text[i] == '{' || text[i] == '[') {
		size_t depth = 0;
		for (; i < len; i++) {
			char c = text[i];
			if (c == '"') {
				i = skip_string(text, len, i) - 1;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth == 0)
					return i + 1;
			}
		}
		return 0;
	}
	size_t start = i;
	while (i < len && !is_space(text[i]) && !strchr(",]}:", text[i]))
		i++;
	return i > start ? i : 0;
}

int json_split_begin(struct json_split *s, const char *text, size_t len)
{
	*s = (struct json_split){.text = text, .len = len};
	size_t i = skip_space(text, len, 0), end;
	if (i < len && text[i] == '[') {
		if (!(end = skip_value(text, len, i)) || text[end - 1] != ']' || skip_space(text, len, end) != len)
			return -1;
		*s = (struct json_split){text, len, 1, i, end - 1, i + 1};
		return 0;
	}
	if (i >= len || text[i] != '{')
		return -1;
	int found = 0;
	i = skip_space(text, len, i + 1);
	if (i < len && text[i] == '}')
		return -1; /* {}: no "data" */
	for (;;) {
		size_t key = i;
		if (i >= len || text[i] != '"' || !(i = skip_value(text, len, i)))
			return -1;
		int is_data = i - key == 6 && !memcmp(text + key, "\"data\"", 6);
		i = skip_space(text, len, i);
		if (i >= len || text[i] != ':')
			return -1;
		size_t value = skip_space(text, len, i + 1);
		if (!(i = skip_value(text, len, value)))
			return -1;
		if (is_data) {
			if (found++ || text[value] != '[')
				return -1; /* a second "data", or one that is not an array */
			s->open = value;
			s->close = i - 1;
		}
		i = skip_space(text, len, i);
		if (i < len && text[i] == ',') {
			i = skip_space(text, len, i + 1);
			continue;
		}
		if (i < len && text[i] == '}' && skip_space(text, len, i + 1) == len)
			break;
		return -1;
	}
	if (!found)
		return -1;
	s->next = s->open + 1;
	return 0;
}

int json_split_next(struct json_split *s, struct json_span *out)
{
	size_t i = skip_space(s->text, s->close, s->next);
	if (i == s->close) {
		s->next = s->close;
		return 0;
	}
	if (s->next > s->open + 1) { /* after an element: a comma first */
		if (s->text[i] != ',')
			return -1;
		i = skip_space(s->text, s->close, i + 1);
	}
	size_t end = skip_value(s->text, s->close, i);
	if (!end)
		return -1;
	*out = (struct json_span){s->text + i, end - i};
	s->next = end;
	return 1;
}
