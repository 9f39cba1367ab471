/* SQL files (sql/ and reports/: migrations, the store's statements, the
 * audit's, the evidence's, the report queries) compiled into the binary by
 * cmake/embed_sql.cmake; every statement cntraudit runs is one of them, or
 * a part of one. Strings are static and NUL-terminated. */
#ifndef CNTRAUDIT_EMBEDDED_SQL_H
#define CNTRAUDIT_EMBEDDED_SQL_H

#include <stddef.h>

struct embedded_sql {
	const char *path; /* relative to the source root, e.g. "reports/threads.sql" */
	const char *text; /* the file's bytes */
};

/* Sorted by path; terminated by an entry whose path is NULL. */
extern const struct embedded_sql embedded_sql_files[];

/* The text of the embedded file at path, or NULL. */
const char *embedded_sql_find(const char *path);
/* A statement by reference: "PATH" (the whole file) or "PATH#NAME", the
 * part of the file after its line "-- name: NAME" up to the next such line
 * (sql/store/upserts.sql#container). 0 and *text, *len (not NUL-terminated
 * at len for a part), or -1 with the error set. */
int embedded_sql_part(const char *ref, const char **text, size_t *len);

#endif
