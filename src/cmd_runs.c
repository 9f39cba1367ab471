/* cntraudit runs: the record of every collect and import (reports/runs.sql). */
#include "cli.h"

#include "embedded_sql.h"
#include "error.h"
#include "render.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>

enum outcome cmd_runs(const struct global_options *global, int argc, char **argv)
{
	static const struct option options[] = {
	    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int format = RENDER_TEXT, c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((format = render_format_parse(optarg)) < 0)
				return usage_error("runs", "--format: '%s' is not text, csv or json", optarg);
			break;
		case 'h':
			fputs("usage: cntraudit runs [--format text|csv|json]\n\n"
			      "Lists every collect and import: when, what, options, counts, status, first errors.\n",
			      stdout);
			return OUTCOME_OK;
		default:
			return usage_bad_option("runs", argc, argv, optopt);
		}
	}
	if (optind < argc)
		return usage_error("runs", "unexpected argument '%s'", argv[optind]);
	struct store *store = NULL;
	sqlite3_stmt *st = NULL;
	enum outcome outcome = OUTCOME_FAILED;
	struct render_meta meta = {.report = "runs", .now = global->now, .zone = "UTC"};
	if (store_open(global->db_path, STORE_EXISTING, &store))
		return OUTCOME_FAILED;
	if (sqlite3_prepare_v2(store_db(store), embedded_sql_find("reports/runs.sql"), -1, &st, NULL))
		store_error(store, "cannot list runs");
	else if (!render_to_path(NULL, (enum render_format)format, st, &meta))
		outcome = OUTCOME_OK;
	sqlite3_finalize(st);
	store_free(store);
	return outcome;
}
