/* The audit: reads the store once, classifies every container, attributes
 * orphans, prices them and flags threads in memory (audit_*.c), and hands
 * the results to the report queries on the store's connection, once per
 * audit_run and never changed after: virtual tables (audit_container,
 * audit_thread, audit_response), the window views (sql/audit/views.sql),
 * SQL functions (iso_time, local_day, local_month, usd, in_window,
 * active_in_window) and temp.audit_params (now, since, until, period).
 * Reports never touch the network; the same database, --now and options
 * give the same output. */
#ifndef CNTRAUDIT_AUDIT_H
#define CNTRAUDIT_AUDIT_H

#include "store.h"

#include <stdint.h>

struct audit_params {
	int64_t now;                  /* the audit's "now": which containers are expired */
	const int64_t *since, *until; /* the report window on created_at; NULL = open */
	const char *period;           /* "day" or "month" (daily report) */
};

/* Runs the audit (times in the zone set with timestamp_zone_set). 0, or -1
 * with the error set. */
int audit_run(struct store *store, const struct audit_params *params);

#endif
