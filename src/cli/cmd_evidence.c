/* cntraudit evidence --out DIR: the refund-request evidence pack (evidence.h). */
#include "cli.h"

#include "audit.h"
#include "error.h"
#include "evidence.h"
#include "log.h"
#include "store.h"
#include "timestamp.h"

#include <getopt.h>
#include <stdio.h>

static const char evidence_usage[] =
    "usage: cntraudit evidence --out DIR [--since TIME] [--until TIME] [--force] [--archive FILE.tar.gz]\n\n"
    "Writes a folder a support engineer can verify: REQUEST.txt (the refund request, ready to\n"
    "paste into a ticket), SUMMARY.txt (one page), orphans.csv, containers.csv, threads.csv,\n"
    "reconcile.csv, raw/ (the API objects cited, as stored), MANIFEST.json and SHA256SUMS\n"
    "(check with: sha256sum -c SHA256SUMS). DIR must be new or empty; --force replaces a\n"
    "previous pack's files in it. --archive also writes the pack as one .tar.gz to attach.\n"
    "The global --org ID names the organization in the request. Same database, options and\n"
    "--now: identical files.\n";

enum outcome cmd_evidence(const struct global_options *global, int argc, char **argv)
{
	static const struct option options[] = {{"out", required_argument, NULL, 'o'},
	                                        {"since", required_argument, NULL, 's'},
	                                        {"until", required_argument, NULL, 'u'},
	                                        {"force", no_argument, NULL, 'f'},
	                                        {"archive", required_argument, NULL, 'a'},
	                                        {"help", no_argument, NULL, 'h'},
	                                        {NULL, 0, NULL, 0}};
	struct evidence_options o = {.now = global->now, .organization = global->org};
	struct window window = {0};
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.dir = optarg;
			break;
		case 's':
		case 'u':
			if (options_window("evidence", c, optarg, &window))
				return OUTCOME_USAGE;
			break;
		case 'f':
			o.force = 1;
			break;
		case 'a':
			if (!*optarg)
				return usage_error("evidence", "--archive: empty file name");
			o.archive = optarg;
			break;
		case 'h':
			fputs(evidence_usage, stdout);
			return OUTCOME_OK;
		case ':':
		default:
			return usage_bad_option("evidence", argc, argv, optopt, c == ':');
		}
	}
	if (optind < argc)
		return usage_error("evidence", "unexpected argument '%s'", argv[optind]);
	if (!o.dir || !*o.dir)
		return usage_error("evidence", "--out DIR is required");
	if (options_window_valid("evidence", &window))
		return OUTCOME_USAGE;
	o.since = WINDOW_SINCE(&window);
	o.until = WINDOW_UNTIL(&window);

	struct store *store = NULL;
	struct audit_params params = {.now = global->now, .since = o.since, .until = o.until, .period = "day"};
	timestamp_zone_set("UTC");
	enum outcome outcome = OUTCOME_FAILED;
	if (!store_open(global->db_path, STORE_EXISTING, &store) && !audit_run(store, &params) &&
	    !evidence_write(store, &o)) {
		log_notice("evidence written to %s%s%s (check it with: cd %s && sha256sum -c SHA256SUMS)", o.dir,
		           o.archive ? " and " : "", o.archive ? o.archive : "", o.dir);
		outcome = OUTCOME_OK;
	}
	store_free(store);
	return outcome;
}
