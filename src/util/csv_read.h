/* Reading CSV files with a header row (libcsv, strict RFC 4180 parsing).
 * Records passed to callbacks are borrowed and live only for the call. */
#ifndef CNTRAUDIT_CSV_READ_H
#define CNTRAUDIT_CSV_READ_H

#include <stddef.h>
#include <stdio.h>

struct csv_record {
	char **fields; /* NUL-terminated field texts */
	size_t count;  /* number of fields */
	size_t number; /* 1-based record number in the file; the header is 1 */
};

/* Called once per data record; a nonzero return stops reading and becomes
 * csv_read_file's result (set the error first). */
typedef int (*csv_record_fn)(void *ctx, const struct csv_record *header, const struct csv_record *record);

/* Reads path ("-" for stdin). 0, the callback's nonzero result, or -1 with
 * the error set (cannot open, malformed CSV, empty file). */
int csv_read_file(const char *path, csv_record_fn fn, void *ctx);

/* The same from an open stream; name is used in messages. */
int csv_read_stream(FILE *f, const char *name, csv_record_fn fn, void *ctx);

/* Index of the header column named name (case-insensitive, trimmed), or -1. */
int csv_record_find(const struct csv_record *header, const char *name);

#endif
