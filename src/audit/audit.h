/* The audit: reads the store once, classifies every container, attributes
 * orphans, prices them and flags threads in memory (src/audit_*.c), and
 * shows the results to the report queries as SQL tables (audit_container,
 * audit_thread) and views (reports/audit.sql). Reports never touch the
 * network; the same database, --now and options give the same output. */
#ifndef CNTRAUDIT_AUDIT_H
#define CNTRAUDIT_AUDIT_H

#include "store.h"

#include <stdint.h>

struct audit_params {
	int64_t now;                     /* the audit's "now": which containers are expired */
	const int64_t *since, *until;    /* the report window on created_at; NULL = open */
	const char *period;              /* "day" or "month" (daily report) */
	const char *only_classification; /* restricts container rows (orphans report); NULL = all */
};

/* SQL functions: iso_time(t), local_day(t),
 * local_month(t), usd(micros). Times use the zone set with
 * timestamp_zone_set. */
int audit_register_functions(sqlite3 *db);
/* Runs the audit. 0, or -1 with the error set. */
int audit_run(struct store *store, const struct audit_params *params);

#endif
