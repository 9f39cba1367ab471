#include "embedded_sql.h"

#include "error.h"

#include <string.h>

#define PART_MARK "-- name: "

/* The line after the marker of part name in text, or NULL. */
static const char *find_part(const char *text, const char *name, size_t name_len)
{
	for (const char *p = text; (p = strstr(p, PART_MARK)); p += strlen(PART_MARK)) {
		const char *n = p + strlen(PART_MARK);
		if ((p == text || p[-1] == '\n') && !strncmp(n, name, name_len) &&
		    (n[name_len] == '\n' || n[name_len] == '\0'))
			return n[name_len] ? n + name_len + 1 : n + name_len;
	}
	return NULL;
}

int embedded_sql_part(const char *ref, const char **text, size_t *len)
{
	const char *hash = strchr(ref, '#');
	char path[256];
	size_t path_len = hash ? (size_t)(hash - ref) : strlen(ref);
	if (path_len >= sizeof path)
		return error_set("no SQL %s in this build", ref);
	memcpy(path, ref, path_len);
	path[path_len] = '\0';
	const char *file = embedded_sql_find(path);
	if (!file)
		return error_set("no SQL %s in this build", ref);
	if (!hash) {
		*text = file;
		*len = strlen(file);
		return 0;
	}
	const char *start = find_part(file, hash + 1, strlen(hash + 1));
	if (!start)
		return error_set("no SQL %s in this build", ref);
	const char *end = strstr(start, "\n" PART_MARK);
	*text = start;
	*len = end ? (size_t)(end - start) + 1 : strlen(start);
	return 0;
}
