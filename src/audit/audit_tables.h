/* The audit's virtual tables (audit_tables.c: the SQLite plumbing) and what
 * each shows (audit_columns.c: its columns, their names and values).
 * Internal to the stage. */
#ifndef CNTRAUDIT_AUDIT_TABLES_H
#define CNTRAUDIT_AUDIT_TABLES_H

#include "audit_engine.h"
#include "xalloc.h"

#include <sqlite3.h>

/* A column: its name and SQL type in the table's declaration. Tables list
 * them with designated initializers, [C_ID] = {...}, so a column's number
 * and its name are said together. */
struct table_column {
	const char *name, *type;
};

#define TABLE_ORDER_COLUMNS 3

/* An order a table can serve rows in, by column numbers (-1 ends it). */
struct table_order {
	int columns[TABLE_ORDER_COLUMNS];
};

#define TABLE_ORDERS 4

struct table_def {
	const char *name;   /* the engine's virtual table */
	const char *stored; /* the stored copy (audit_facts.c) */
	/* orders[0] is a key (unique, never NULL): the stored copy is kept in
	 * it (WITHOUT ROWID), not in an index beside the rows. */
	int keyed;
	/* The orders its stored copy keeps an index for (bit k: orders[k]),
	 * besides its key: those a report reads the whole copy in; a report
	 * that groups by another order reads the stored groups (or sorts). */
	unsigned indexed;
	/* The order whose columns identify a row of the stored copy, so a
	 * writer rewrites only the rows that changed (audit_facts.c); -1: none,
	 * the copy is written whole. */
	int key;
	const struct table_column *columns;
	int ncolumns;
	/* [0]: the order rows are stored in; the others, when their first
	 * column is not -1, orders the matching permutation serves. */
	struct table_order orders[TABLE_ORDERS];
	size_t (*count)(const struct audit *a);
	void (*column)(const struct audit *a, size_t row, int col, sqlite3_context *ctx);
	const uint32_t *(*permutations[TABLE_ORDERS])(struct audit *a); /* [0] NULL: stored order */
};

/* audit_container_engine, audit_thread_engine, audit_response_engine, and
 * their stored copies audit_container_facts, ... */
extern const struct table_def audit_table_defs[];
extern const size_t audit_table_count;

/* How many columns order o has (0: none). */
int audit_order_length(const struct table_order *o);

/* "name TYPE, ..." of def's columns: the one place they are declared, for
 * the virtual table and its stored copy alike. */
void audit_table_columns(const struct table_def *def, struct buf *out);

#endif
