/* cntraudit runs: the record of every collect, import and proxy run (sql/commands/runs.sql). */
#include "cli.h"

#include "render.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>

enum outcome cmd_runs(const struct global_options *global, int argc, char **argv)
{
	static const struct option options[] = {{"format", required_argument, NULL, 'f'},
	                                        {"json", no_argument, NULL, 'j'},
	                                        {"wide", no_argument, NULL, 'w'},
	                                        {"help", no_argument, NULL, 'h'},
	                                        {NULL, 0, NULL, 0}};
	int format = RENDER_TEXT, wide = 0, c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
		case 'j':
		case 'w':
			if (options_listing("runs", c, optarg, &format, &wide))
				return OUTCOME_USAGE;
			break;
		case 'h':
			fputs("usage: cntraudit runs [--format text|csv|json] [--json] [--wide]\n\n"
			      "Lists every collect, import and proxy run: when, what, options, counts, status, first "
			      "errors.\n"
			      "--json is --format json; --wide shows every column of the text table, whole.\n",
			      stdout);
			return OUTCOME_OK;
		case ':':
		default:
			return usage_bad_option("runs", argc, argv, optopt, c == ':');
		}
	}
	if (optind < argc)
		return usage_error("runs", "unexpected argument '%s'", argv[optind]);
	struct store *store = NULL;
	struct render_meta meta = {.report = "runs", .now = global->now, .zone = "UTC", .wide = wide};
	if (store_open(global->db_path, STORE_EXISTING, &store))
		return OUTCOME_FAILED;
	int rc = render_query(store, "sql/commands/runs.sql", NULL, 0, NULL, (enum render_format)format, &meta);
	store_free(store);
	return rc ? OUTCOME_FAILED : OUTCOME_OK;
}
