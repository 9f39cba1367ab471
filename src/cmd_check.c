/* cntraudit check: for cron and CI. Runs the audit and exits 4, printing the
 * offending figures, when the orphans or their share of the estimated
 * container cost exceed the thresholds; 0 (and one line) otherwise. */
#include "cli.h"

#include "audit.h"
#include "embedded_sql.h"
#include "error.h"
#include "money.h"
#include "store.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char check_usage[] = "usage: cntraudit check [--max-orphan-share PCT] [--max-orphans N] [--since TIME]\n"
                                  "                       [--until TIME]\n\n"
                                  "Exits 4 and prints the offending figures when the orphan containers created in\n"
                                  "the window exceed N, or their share of the estimated container cost exceeds PCT\n"
                                  "percent; exits 0 otherwise. At least one threshold is needed.\n";

/* A percentage 0-100 with at most two decimals, as basis points. */
static int parse_percent(const char *s, long *basis_points)
{
	char *end;
	double v = strtod(s, &end);
	if (*end || end == s || !(v >= 0 && v <= 100) || fabs(v * 100 - round(v * 100)) > 1e-6)
		return -1;
	*basis_points = lround(v * 100);
	return 0;
}

enum outcome cmd_check(const struct global_options *global, int argc, char **argv)
{
	static const struct option options[] = {{"max-orphan-share", required_argument, NULL, 'p'},
	                                        {"max-orphans", required_argument, NULL, 'n'},
	                                        {"since", required_argument, NULL, 's'},
	                                        {"until", required_argument, NULL, 'u'},
	                                        {"help", no_argument, NULL, 'h'},
	                                        {NULL, 0, NULL, 0}};
	long max_share_bp = -1, max_orphans = -1;
	struct window window = {0};
	int c;
	char *end;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_percent(optarg, &max_share_bp))
				return usage_error(
				    "check", "--max-orphan-share: '%s' is not a percentage from 0 to 100", optarg);
			break;
		case 'n':
			max_orphans = strtol(optarg, &end, 10);
			if (*end || end == optarg || max_orphans < 0)
				return usage_error("check", "--max-orphans: '%s' is not a count", optarg);
			break;
		case 's':
		case 'u':
			if (options_window("check", c, optarg, &window))
				return OUTCOME_USAGE;
			break;
		case 'h':
			fputs(check_usage, stdout);
			return OUTCOME_OK;
		default:
			return usage_bad_option("check", argc, argv, optopt);
		}
	}
	if (optind < argc)
		return usage_error("check", "unexpected argument '%s'", argv[optind]);
	if (options_window_valid("check", &window))
		return OUTCOME_USAGE;
	if (max_share_bp < 0 && max_orphans < 0)
		return usage_error("check", "give --max-orphan-share, --max-orphans or both");

	struct store *store = NULL;
	sqlite3_stmt *st = NULL;
	enum outcome outcome = OUTCOME_FAILED;
	struct audit_params params = {
	    .now = global->now, .since = WINDOW_SINCE(&window), .until = WINDOW_UNTIL(&window), .period = "day"};
	if (store_open(global->db_path, STORE_EXISTING, &store) || audit_run(store, &params))
		goto done;
	if (sqlite3_prepare_v2(store_db(store), embedded_sql_find("reports/check.sql"), -1, &st, NULL) ||
	    sqlite3_step(st) != SQLITE_ROW) {
		store_error(store, "cannot run the check");
		goto done;
	}
	int64_t containers = sqlite3_column_int64(st, 0), orphans = sqlite3_column_int64(st, 1);
	int64_t orphan_cost = sqlite3_column_int64(st, 2), total = sqlite3_column_int64(st, 3);
	char orphan_usd[MONEY_MAX], total_usd[MONEY_MAX];
	money_format(orphan_cost, orphan_usd);
	money_format(total, total_usd);
	double share = total ? 100.0 * (double)orphan_cost / (double)total : 0;
	/* Compared exactly, in integers: orphan/total > max_bp/10000. */
	int share_over = max_share_bp >= 0 && total > 0 && orphan_cost * 10000 > (int64_t)max_share_bp * total;
	int count_over = max_orphans >= 0 && orphans > max_orphans;
	if (share_over || count_over) {
		printf("cntraudit check: threshold exceeded (%lld containers in the window)\n", (long long)containers);
		if (count_over)
			printf("  orphans: %lld, more than the maximum %ld\n", (long long)orphans, max_orphans);
		if (share_over)
			printf("  orphan share of estimated container cost: %.2f%% ($%s of $%s), more than the "
			       "maximum %.2f%%\n",
			       share, orphan_usd, total_usd, (double)max_share_bp / 100);
		outcome = OUTCOME_THRESHOLD;
	} else {
		printf("cntraudit check: ok: %lld orphans of %lld containers, orphan share %.2f%% ($%s of $%s)\n",
		       (long long)orphans, (long long)containers, share, orphan_usd, total_usd);
		outcome = OUTCOME_OK;
	}
done:
	sqlite3_finalize(st);
	store_free(store);
	return outcome;
}
