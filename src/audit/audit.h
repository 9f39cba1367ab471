/* The audit: reads the store once, classifies every container, attributes
 * orphans, prices them and flags threads in memory (audit_*.c); the writers
 * keep those facts in the store (audit_store_facts). It hands them to the
 * report queries on the store's connection, once per audit_run and never
 * changed after: views (audit_container, audit_thread, audit_response, audit_call,
 * over the stored facts or the engine's tables), the window views
 * (sql/audit/views.sql),
 * SQL functions (iso_time, local_day, local_month, usd, in_window,
 * active_in_window, span_whole) and temp.audit_params (now, since, until, period).
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

/* Runs the audit (times in the zone set with timestamp_zone_set): reads
 * the facts the store keeps when they are current, else decides them in
 * memory. 0, or -1 with the error set. */
int audit_run(struct store *store, const struct audit_params *params);

/* For the writers (import, collect, proxy, prices), after their changes:
 * stores the audit's facts in the store when what they were decided from
 * changed (or another engine decided them), in one write transaction, so
 * reports need not audit in memory. 0, or -1 with the error set (the
 * facts stay as they were: not current). */
int audit_store_facts(struct store *store);

#endif
