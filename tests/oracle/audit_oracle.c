/* Differential test of the audit engine: runs the C engine (audit_run) and
 * the reference SQL audit (tests/oracle/audit.sql) over the same database
 * and --now, and requires them to agree on every column of every
 * container, thread and response row, and on the orders the engine's
 * tables serve without sorting.
 *   audit_oracle DB ORACLE_SQL NOW_UNIX_SECONDS
 * Exit 0 when they agree; 1 with the first differences printed. */
#include "audit.h"
#include "error.h"
#include "pricing.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sql_billable_units(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *name = (const char *)sqlite3_value_text(argv[0]);
	int rule = name ? pricing_rule_parse(name) : -1;
	if (rule < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int64(ctx, pricing_billable_units(rule, sqlite3_value_int64(argv[1])));
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(s);
		return NULL;
	}
	s[n] = '\0';
	fclose(f);
	return s;
}

static int differences;

/* A cell as type:text, so 1 and '1' and NULL and '' all differ. */
static void cell(sqlite3_stmt *st, int i, char *out, size_t size)
{
	int type = sqlite3_column_type(st, i);
	const char *text = (const char *)sqlite3_column_text(st, i);
	snprintf(out, size, "%d:%s", type, text ? text : "");
}

/* Both queries must return the same rows, cell for cell, in order. */
static void compare(sqlite3 *db, const char *what, const char *engine_sql, const char *oracle_sql)
{
	sqlite3_stmt *e = NULL, *o = NULL;
	if (sqlite3_prepare_v2(db, engine_sql, -1, &e, NULL) || sqlite3_prepare_v2(db, oracle_sql, -1, &o, NULL)) {
		printf("%s: cannot prepare: %s\n", what, sqlite3_errmsg(db));
		differences++;
		goto done;
	}
	int columns = sqlite3_column_count(e);
	for (long row = 0;; row++) {
		int re = sqlite3_step(e), ro = sqlite3_step(o);
		if (re != ro) {
			printf("%s: row %ld: the %s has more rows\n", what, row,
			       re == SQLITE_ROW ? "engine" : "oracle");
			differences++;
			break;
		}
		if (re != SQLITE_ROW)
			break;
		for (int i = 0; i < columns; i++) {
			char a[4096], b[4096];
			cell(e, i, a, sizeof a);
			cell(o, i, b, sizeof b);
			if (strcmp(a, b)) {
				char key[512];
				cell(o, 0, key, sizeof key);
				printf("%s: row %ld (%s) column %s: engine %s, oracle %s\n", what, row, key,
				       sqlite3_column_name(e, i), a, b);
				if (++differences >= 20)
					goto done;
			}
		}
	}
done:
	sqlite3_finalize(e);
	sqlite3_finalize(o);
}

static const char container_columns[] =
    "container_id, project_id, name, memory_limit, status, created_at, last_active_at, ci_calls, shell_calls,"
    " responses, thread_id, classification, reason, attributed_response_id, attribution, billable_units,"
    " pricing_rule, estimated_cost_usd, unit_price_micros, price_version, tier, accruing, alive_until, unpriced";
static const char thread_columns[] =
    "thread_id, kind, first_response_at, last_response_at, responses, ci_calls, shell_calls, containers, flags,"
    " latest_container_id, repetitive, expired_recreated, at_risk, first_seen_at, last_seen_at,"
    " estimated_cost_usd, orphan_cost_usd";

int main(int argc, char **argv)
{
	if (argc != 4) {
		fputs("usage: audit_oracle DB ORACLE_SQL NOW_UNIX_SECONDS\n", stderr);
		return 2;
	}
	char *oracle = read_file(argv[2]);
	struct store *store = NULL;
	struct audit_params params = {.now = strtoll(argv[3], NULL, 10), .period = "day"};
	if (!oracle || store_open(argv[1], STORE_CREATE, &store) || audit_run(store, &params)) {
		printf("cannot run the audit: %s\n", oracle ? error_message() : "cannot read the oracle SQL");
		return 2;
	}
	sqlite3 *db = store_db(store);
	char *err = NULL;
	if (sqlite3_create_function(db, "billable_units", 2, SQLITE_UTF8, NULL, sql_billable_units, NULL, NULL) ||
	    sqlite3_exec(db, oracle, NULL, NULL, &err)) {
		printf("cannot run the oracle: %s\n", err ? err : sqlite3_errmsg(db));
		return 2;
	}
	char a[1024], b[1024];
	snprintf(a, sizeof a, "SELECT %s FROM audit_container ORDER BY container_id", container_columns);
	snprintf(b, sizeof b, "SELECT %s FROM oracle_container ORDER BY container_id", container_columns);
	compare(db, "containers", a, b);
	snprintf(a, sizeof a, "SELECT %s FROM audit_thread ORDER BY thread_id", thread_columns);
	snprintf(b, sizeof b, "SELECT %s FROM oracle_thread ORDER BY thread_id", thread_columns);
	compare(db, "threads", a, b);
	compare(db, "ran_code", "SELECT response_id, ran_code FROM audit_response ORDER BY response_id",
	        "SELECT id, id IN (SELECT id FROM oracle_ran_code) FROM responses ORDER BY id");
	/* The orders the engine serves without a sort (orderByConsumed). */
	compare(db, "container order", "SELECT container_id FROM audit_container ORDER BY created_at, container_id",
	        "SELECT container_id FROM oracle_container ORDER BY created_at, container_id");
	compare(db, "response order", "SELECT response_id FROM audit_response ORDER BY created_at, response_id",
	        "SELECT id FROM responses ORDER BY created_at, id");
	compare(db, "thread order", "SELECT thread_id FROM audit_thread ORDER BY seq",
	        "SELECT thread_id FROM oracle_thread ORDER BY first_seen_at, thread_id");
	compare(db, "pricing groups",
	        "SELECT pricing_rule, tier, unpriced, count(*), sum(estimated_cost_usd) FROM audit_container"
	        " GROUP BY 1, 2, 3",
	        "SELECT pricing_rule, tier, unpriced, count(*), sum(estimated_cost_usd) FROM oracle_container"
	        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
	store_free(store);
	free(oracle);
	if (differences)
		printf("%d difference%s between the engine and the oracle\n", differences, differences == 1 ? "" : "s");
	return differences ? 1 : 0;
}
