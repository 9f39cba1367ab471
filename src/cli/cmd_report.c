/* cntraudit report NAME: runs the audit and renders one report query
 * (reports/NAME.sql). Never touches the network. */
#include "cli.h"

#include "audit.h"
#include "error.h"
#include "log.h"
#include "render.h"
#include "store.h"
#include "timestamp.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

struct report {
	const char *name;
	const char *query; /* embedded file */
	enum render_format default_format;
	const char *only_classification;
};

static const struct report reports[] = {
    {"summary", "reports/summary.sql", RENDER_TEXT, NULL},
    {"containers", "reports/containers.sql", RENDER_CSV, NULL},
    {"orphans", "reports/containers.sql", RENDER_CSV, "orphan"},
    {"threads", "reports/threads.sql", RENDER_CSV, NULL},
    {"daily", "reports/daily.sql", RENDER_CSV, NULL},
    {"reconcile", "reports/reconcile.sql", RENDER_CSV, NULL},
    {"focus", "reports/focus.sql", RENDER_CSV, NULL},
    {"html", "reports/html.sql", RENDER_HTML, NULL},
    {NULL, NULL, 0, NULL},
};

/* report focus --dataset: which FOCUS dataset (each counts a dollar once). */
static const struct report focus_datasets[] = {
    {"estimates", "reports/focus.sql", RENDER_CSV, NULL},
    {"billed", "reports/focus_billed.sql", RENDER_CSV, NULL},
    {NULL, NULL, 0, NULL},
};

static const char report_usage[] =
    "usage: cntraudit report NAME [--format text|csv|json] [--since TIME] [--until TIME]\n"
    "                             [--tz ZONE] [--by day|month] [--dataset estimates|billed] [--json]\n"
    "                             [--wide] [--spreadsheet-times] [-o FILE]\n\n"
    "Reports (default format):\n"
    "  summary     one-page overview: classification, orphan share, threads, pricing (text)\n"
    "  containers  one row per container, with classification, attribution and cost (csv)\n"
    "  orphans     the containers classified orphan, same columns (csv)\n"
    "  threads     one row per conversation or previous_response_id chain, with flags (csv)\n"
    "  daily       containers and estimated cost per day and project; --by month (csv)\n"
    "  reconcile   per UTC day and project: estimated vs Usage API sessions vs Costs API dollars (csv)\n"
    "  focus       container charges as a FOCUS 1.2 dataset: --dataset estimates (default:\n"
    "              this audit's estimate per container) or billed (OpenAI's Costs API results) (csv)\n"
    "  html        one self-contained page: the summary, charts of daily cost and orphan share, the\n"
    "              threads that cost most, the orphan table; prints to PDF from a browser (html)\n\n"
    "  --since/--until TIME  show containers created in [since, until): --until is exclusive; a\n"
    "                        date (YYYY-MM-DD, YYYYMMDD) or month (YYYY-MM) is midnight in --tz\n"
    "                        (--since 2025-11 --until 2025-12 is November)\n"
    "  --spreadsheet-times   CSV: times as YYYY-MM-DD HH:MM:SS in --tz, for spreadsheets\n"
    "  --tz ZONE             UTC (default), an offset like +02:00, or a name like Europe/Paris\n"
    "  --json                --format json\n"
    "  --wide                text: every column, every cell whole (the default fits 80 columns)\n"
    "  -o FILE               write to FILE instead of standard output\n";

/* A report asked for on the command line. */
struct request {
	const struct report *report;
	const char *output, *zone, *period;
	const struct report *dataset; /* focus: estimates or billed; NULL for the others */
	int format;                   /* -1: the report's default */
	int wide;                     /* --wide */
	int spreadsheet_times;        /* --spreadsheet-times */
	struct window window;
	int help; /* --help was answered */
};

static enum outcome parse(int argc, char **argv, struct request *r)
{
	static const struct option options[] = {
	    {"format", required_argument, NULL, 'f'},  {"since", required_argument, NULL, 's'},
	    {"until", required_argument, NULL, 'u'},   {"tz", required_argument, NULL, 'z'},
	    {"by", required_argument, NULL, 'b'},      {"output", required_argument, NULL, 'o'},
	    {"dataset", required_argument, NULL, 'd'}, {"json", no_argument, NULL, 'j'},
	    {"wide", no_argument, NULL, 'w'},          {"spreadsheet-times", no_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((r->format = render_format_parse(optarg)) < 0)
				return usage_error("report", "--format: '%s' is not text, csv, json or html", optarg);
			break;
		case 's':
		case 'u':
			if (options_window("report", c, optarg, &r->window))
				return OUTCOME_USAGE;
			break;
		case 'z':
			r->zone = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "day") && strcmp(optarg, "month"))
				return usage_error("report", "--by: '%s' is not day or month", optarg);
			r->period = optarg;
			break;
		case 'o':
			r->output = optarg;
			break;
		case 'j':
			r->format = RENDER_JSON;
			break;
		case 'w':
			r->wide = 1;
			break;
		case 'T':
			r->spreadsheet_times = 1;
			break;
		case 'd':
			for (r->dataset = focus_datasets; r->dataset->name && strcmp(r->dataset->name, optarg);)
				r->dataset++;
			if (!r->dataset->name)
				return usage_error("report", "--dataset: '%s' is not estimates or billed", optarg);
			break;
		case 'h':
			fputs(report_usage, stdout);
			r->help = 1;
			return OUTCOME_OK;
		case ':':
		default:
			return usage_bad_option("report", argc, argv, optopt, c == ':');
		}
	}
	if (optind >= argc)
		return usage_error("report", "no report NAME given");
	if (optind + 1 < argc)
		return usage_error("report", "unexpected argument '%s'", argv[optind + 1]);
	r->report = reports;
	while (r->report->name && strcmp(r->report->name, argv[optind]))
		r->report++;
	if (!r->report->name)
		return usage_error(
		    "report",
		    "unknown report '%s' (summary, containers, orphans, threads, daily, reconcile, focus, html)",
		    argv[optind]);
	if (r->period && strcmp(r->report->name, "daily"))
		return usage_error("report", "--by applies to the daily report only");
	int html = !strcmp(r->report->name, "html");
	if (r->format >= 0 && (r->format == RENDER_HTML) != html)
		return usage_error("report",
		                   html ? "the html report is html only" : "--format html is for report html");
	if (html && (r->wide || r->spreadsheet_times))
		return usage_error("report", "--wide and --spreadsheet-times are not for report html");
	if (r->wide && r->format >= 0 && r->format != RENDER_TEXT)
		return usage_error("report", "--wide is for the text format");
	if (r->spreadsheet_times && (r->format >= 0 ? r->format : (int)r->report->default_format) != RENDER_CSV)
		return usage_error("report", "--spreadsheet-times is for the CSV format");
	if (r->wide)
		r->format = RENDER_TEXT; /* a wide table is a text table, whatever the report's default */
	if (r->dataset && strcmp(r->report->name, "focus"))
		return usage_error("report", "--dataset applies to the focus report only");
	if (!strcmp(r->report->name, "focus") && !r->dataset)
		r->dataset = focus_datasets; /* estimates */
	if (timestamp_zone_set(r->zone))
		return usage_error("report", "--tz: %s", error_message());
	if (options_window_valid("report", &r->window)) /* after the zone: its midnight */
		return OUTCOME_USAGE;
	return OUTCOME_OK;
}

/* What a FOCUS dataset had to leave out (its costs may not be null), and a
 * billing account it could not name, said on stderr: the dataset itself
 * stays conformant. */
static int focus_notes(struct store *store, const struct global_options *global, const struct report *dataset)
{
	int64_t left_out[2];
	if (store_figures(store, "sql/commands/focus.sql#left_out", "what the FOCUS dataset leaves out", left_out, 2))
		return -1;
	int billed = !strcmp(dataset->name, "billed");
	if (!billed && left_out[0])
		log_warn("report focus: %lld unpriced container%s left out (FOCUS costs may not be empty): "
		         "report containers lists them",
		         (long long)left_out[0], left_out[0] == 1 ? "" : "s");
	if (billed && left_out[1])
		log_warn("report focus: %lld Costs API result%s without an amount left out (FOCUS costs may not be "
		         "empty): report reconcile counts them",
		         (long long)left_out[1], left_out[1] == 1 ? "" : "s");
	if (!global->org)
		log_warn(
		    "report focus: BillingAccountId is 'unknown-organization': give the organization ID with --org "
		    "(or OPENAI_ORG_ID)");
	return 0;
}

enum outcome cmd_report(const struct global_options *global, int argc, char **argv)
{
	struct request r = {.zone = "UTC", .format = -1};
	enum outcome outcome = parse(argc, argv, &r);
	if (outcome != OUTCOME_OK || r.help)
		return outcome;
	const struct report *report = r.report;
	int focus = r.dataset != NULL;
	const struct report *query = focus ? r.dataset : report;
	struct audit_params params = {
	    .now = global->now,
	    .since = WINDOW_SINCE(&r.window),
	    .until = WINDOW_UNTIL(&r.window),
	    .period = r.period ? r.period : "day",
	};
	struct render_meta meta = {.report = report->name,
	                           .now = global->now,
	                           .since = params.since,
	                           .until = params.until,
	                           .zone = r.zone,
	                           .wide = r.wide,
	                           .spreadsheet_times = r.spreadsheet_times};
	/* The orphans report is the containers report of one classification;
	 * FOCUS names the organization as the billing account. */
	struct store_param param = focus ? (struct store_param){":billing_account", global->org}
	                                 : (struct store_param){":only", report->only_classification};
	size_t n_params = focus || report->only_classification ? 1 : 0;
	struct store *store = NULL;
	outcome = OUTCOME_FAILED;
	if (!store_open(global->db_path, STORE_EXISTING, &store) && !audit_run(store, &params) &&
	    (!focus || !focus_notes(store, global, r.dataset)) &&
	    !(report->default_format == RENDER_HTML
	          ? render_html(store, r.output, &meta)
	          : render_query(store, query->query, &param, n_params, r.output,
	                         r.format < 0 ? report->default_format : (enum render_format)r.format, &meta)))
		outcome = OUTCOME_OK;
	store_free(store);
	return outcome;
}
