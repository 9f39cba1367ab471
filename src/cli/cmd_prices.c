/* cntraudit prices: lists the effective-dated price table, or loads
 * overrides from a CSV file with the columns it lists. An import is all or
 * nothing: one bad row and the table is left as it was. */
#include "cli.h"

#include "error.h"
#include "log.h"
#include "prices.h"
#include "render.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>

static const char prices_usage[] = "usage: cntraudit prices [--format text|csv|json] [--json] [--wide] [-o FILE]\n"
                                   "       cntraudit prices --import FILE.csv\n\n"
                                   "Lists the price table, or loads rows from a CSV file with a header row and the\n"
                                   "columns the listing has: version, rule, memory_limit, effective_from,\n"
                                   "effective_until, unit, unit_price_usd (rule, memory_limit, effective_from and\n"
                                   "unit_price_usd are required). A row replaces the row of the same memory_limit and\n"
                                   "effective_from, and closes the day before it an earlier open row of its tier.\n"
                                   "--json is --format json; --wide shows every column of the text table.\n";

enum outcome cmd_prices(const struct global_options *global, int argc, char **argv)
{
	static const struct option options[] = {{"format", required_argument, NULL, 'f'},
	                                        {"import", required_argument, NULL, 'i'},
	                                        {"output", required_argument, NULL, 'o'},
	                                        {"json", no_argument, NULL, 'j'},
	                                        {"wide", no_argument, NULL, 'w'},
	                                        {"help", no_argument, NULL, 'h'},
	                                        {NULL, 0, NULL, 0}};
	const char *import = NULL, *output = NULL;
	int format = RENDER_TEXT, wide = 0, c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
		case 'j':
		case 'w':
			if (options_listing("prices", c, optarg, &format, &wide))
				return OUTCOME_USAGE;
			break;
		case 'i':
			import = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(prices_usage, stdout);
			return OUTCOME_OK;
		case ':':
		default:
			return usage_bad_option("prices", argc, argv, optopt, c == ':');
		}
	}
	if (optind < argc)
		return usage_error("prices", "unexpected argument '%s'", argv[optind]);
	if (import && output)
		return usage_error("prices", "--import and -o do not go together");
	if (import) {
		struct store *store = NULL;
		size_t rows = 0;
		if (store_open(global->db_path, STORE_CREATE, &store))
			return OUTCOME_FAILED;
		int rc = prices_import(store, import, &rows);
		store_free(store);
		if (rc)
			return OUTCOME_FAILED;
		cli_store_facts(global->db_path);
		log_notice("imported %zu price row%s from %s", rows, rows == 1 ? "" : "s", import);
		return OUTCOME_OK;
	}

	struct store *store = NULL;
	struct render_meta meta = {.report = "prices", .now = global->now, .zone = "UTC", .wide = wide};
	if (store_open(global->db_path, STORE_CREATE, &store))
		return OUTCOME_FAILED;
	int rc = render_query(store, "sql/commands/prices.sql", NULL, 0, output, (enum render_format)format, &meta);
	store_free(store);
	return rc ? OUTCOME_FAILED : OUTCOME_OK;
}
