/* SQL files (the migrations and the report queries) compiled into the binary by
 * cmake/embed_sql.cmake. Strings are static and NUL-terminated. */
#ifndef CNTRAUDIT_EMBEDDED_SQL_H
#define CNTRAUDIT_EMBEDDED_SQL_H

struct embedded_sql {
	const char *path; /* relative to the source root, e.g. "reports/threads.sql" */
	const char *text; /* the file's bytes */
};

/* Sorted by path; terminated by an entry whose path is NULL. */
extern const struct embedded_sql embedded_sql_files[];

/* The text of the embedded file at path, or NULL. */
const char *embedded_sql_find(const char *path);

#endif
