/* Splits an input file into JSON documents, each with the line it starts on:
 * a single JSON value (pretty-printed or not; a top-level array yields each
 * element), or JSON Lines (one value per line, read as a stream so a file of
 * any size takes constant memory). A malformed line of JSON Lines is reported
 * and the next line is read; so is one too large to parse. A long document is
 * read in parts (see page below), so memory stays near twice its size. A UTF-8 byte-order
 * mark at the start of a file is skipped. Documents are borrowed for the callback:
 * they may live in a parse arena (json_arena.h), so a callback that keeps
 * one (or any part of one) keeps a json_deep_copy, never a reference. */
#ifndef CNTRAUDIT_SOURCE_READER_H
#define CNTRAUDIT_SOURCE_READER_H

#include <jansson.h>
#include <stddef.h>

enum source_page { SOURCE_PAGE_BEGIN, SOURCE_PAGE_END, SOURCE_PAGE_ABANDON };

struct source_callbacks {
	/* A document and its bytes (NULL for the elements of a top-level
	 * array); a nonzero return stops reading. */
	int (*document)(void *ctx, const json_t *doc, size_t line, const char *text, size_t len);
	/* A document that cannot be read (not valid JSON, or too large), and
	 * why, in words ("malformed JSON: ..."). */
	void (*malformed)(void *ctx, size_t line, const char *why);
	/* JSON Lines only: the next line has not come for 200 ms (a silent
	 * pipe), called once per silence: the place to commit what is stored.
	 * A nonzero return stops reading. May be NULL. */
	int (*idle)(void *ctx);
	/* A document longer than 16 MiB is never parsed whole: a list page (an
	 * object whose "data" is an array) comes as documents of the same
	 * envelope holding about 1 MiB of its elements each, an array one
	 * element at a time, between SOURCE_PAGE_BEGIN and SOURCE_PAGE_END — or
	 * SOURCE_PAGE_ABANDON, then malformed, when a later part is bad. The
	 * caller stores them as one document. Anything else that long is
	 * refused (malformed). A nonzero return stops reading. May be NULL. */
	int (*page)(void *ctx, enum source_page event);
};

/* Reads path ("-" for stdin). 0, or -1 with the error set when the file
 * cannot be read at all, or a callback's nonzero result. */
int source_read(const char *path, const struct source_callbacks *cb, void *ctx);

/* The largest document (a JSON Lines line, or a whole JSON file) read, in
 * bytes: a larger one is refused with a line naming its size, read through
 * without being held. 0: the default, 128 MiB. */
void source_read_set_max_document(size_t bytes);

/* How many threads parse JSON Lines beside the caller's, which parses too
 * while it waits: 0 (the default) for one per core but the caller's, at
 * most 4. Tests set it to run the pipeline's many-thread paths anywhere. */
void source_read_set_parsers(int n);

#endif
