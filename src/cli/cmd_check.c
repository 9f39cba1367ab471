/* cntraudit check: for cron and CI. Runs the audit over the containers
 * created in the window and exits 4, printing the offending figures, when a
 * threshold is exceeded: more orphans than --max-orphans, an orphan share of
 * the estimated container cost above --max-orphan-share, a coverage below
 * --min-coverage. An audit that saw nothing never passes: a database with no
 * containers, or a window none of whose containers could be judged, fails
 * whatever the thresholds. 0 (and one line) otherwise. */
#include "cli.h"

#include "audit.h"
#include "error.h"
#include "money.h"
#include "render.h"
#include "rows.h"
#include "store.h"
#include "xalloc.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char check_usage[] =
    "usage: cntraudit check [--max-orphan-share PCT] [--max-orphans N] [--min-coverage PCT]\n"
    "                       [--since TIME] [--until TIME] [--format text|json] [--json]\n\n"
    "Exits 4 and prints the offending figures when, among the containers created in the\n"
    "window, the orphans exceed N, their share of the estimated container cost exceeds PCT\n"
    "percent, or the share judged (not outside coverage) is below --min-coverage percent\n"
    "by count or by estimated cost; exits 0 otherwise. At least one threshold is needed.\n"
    "Whatever the thresholds, a database with no containers, or a window none of whose\n"
    "containers could be judged (no response collected near them), fails.\n";

/* A percentage 0-100 with at most two decimals, as basis points. */
static int parse_percent(const char *s, long *basis_points)
{
	char *end;
	double v = strtod(s, &end);
	if (*end == '%' && end != s) /* "10%" is 10 */
		end++;
	if (*end || end == s || !(v >= 0 && v <= 100) || fabs(v * 100 - round(v * 100)) > 1e-6)
		return -1;
	*basis_points = lround(v * 100);
	return 0;
}

struct figures {
	int64_t containers, orphans, orphan_cost, total_cost, judged, judged_cost, stored;
};

struct thresholds {
	long max_share_bp, max_orphans, min_coverage_bp; /* -1 when not given */
};

/* One threshold a figure broke, for the text and JSON outputs. */
struct failure {
	const char *check; /* the option, or "coverage" for the built-in rule */
	double value, limit;
	char *message;
};

struct verdict {
	struct failure failures[5];
	int count;
};

static void fail_with(struct verdict *v, const char *check, double value, double limit, char *message)
{
	v->failures[v->count++] = (struct failure){check, value, limit, message};
}

static void judge(const struct figures *f, const struct thresholds *t, struct verdict *v)
{
	char a[MONEY_MAX], b[MONEY_MAX];
	if (f->stored == 0) {
		fail_with(v, "coverage", 0, 0,
		          xasprintf("nothing was audited: the database holds no containers (collect or import them "
		                    "first)"));
		return;
	}
	if (f->containers > 0 && f->judged == 0)
		fail_with(v, "coverage", 0, 0,
		          xasprintf("coverage 0.00%%: none of the %lld containers could be judged (no response was "
		                    "collected within 10 minutes of any of them), so orphans cannot be detected; "
		                    "supply response IDs with 'cntraudit collect responses --from FILE' or --scan LOG",
		                    (long long)f->containers));
	if (t->max_orphans >= 0 && f->orphans > t->max_orphans)
		fail_with(v, "max_orphans", (double)f->orphans, (double)t->max_orphans,
		          xasprintf("orphans: %lld, more than the maximum %ld", (long long)f->orphans, t->max_orphans));
	/* Compared exactly, in integers: orphan/total > max_bp/10000. */
	if (t->max_share_bp >= 0 && f->total_cost > 0 &&
	    f->orphan_cost * 10000 > (int64_t)t->max_share_bp * f->total_cost) {
		money_format(f->orphan_cost, a);
		money_format(f->total_cost, b);
		fail_with(v, "max_orphan_share", money_percent(f->orphan_cost, f->total_cost),
		          (double)t->max_share_bp / 100,
		          xasprintf("orphan share of estimated container cost: %.2f%% ($%s of $%s), more than the "
		                    "maximum %.2f%%",
		                    money_percent(f->orphan_cost, f->total_cost), a, b, (double)t->max_share_bp / 100));
	}
	if (t->min_coverage_bp >= 0 && f->containers > 0 && f->judged > 0) {
		if (f->judged * 10000 < (int64_t)t->min_coverage_bp * f->containers)
			fail_with(v, "min_coverage", money_percent(f->judged, f->containers),
			          (double)t->min_coverage_bp / 100,
			          xasprintf("coverage by count: %.2f%% (%lld of %lld containers judged), less than the "
			                    "minimum %.2f%%",
			                    money_percent(f->judged, f->containers), (long long)f->judged,
			                    (long long)f->containers, (double)t->min_coverage_bp / 100));
		if (f->total_cost > 0 && f->judged_cost * 10000 < (int64_t)t->min_coverage_bp * f->total_cost) {
			money_format(f->judged_cost, a);
			money_format(f->total_cost, b);
			fail_with(v, "min_coverage", money_percent(f->judged_cost, f->total_cost),
			          (double)t->min_coverage_bp / 100,
			          xasprintf("coverage by estimated cost: %.2f%% ($%s of $%s judged), less than the "
			                    "minimum %.2f%%",
			                    money_percent(f->judged_cost, f->total_cost), a, b,
			                    (double)t->min_coverage_bp / 100));
		}
	}
}

static void print_text(const struct figures *f, const struct verdict *v)
{
	char orphan_usd[MONEY_MAX], total_usd[MONEY_MAX];
	money_format(f->orphan_cost, orphan_usd);
	money_format(f->total_cost, total_usd);
	if (v->count) {
		printf("cntraudit check: threshold exceeded (%lld containers in the window)\n",
		       (long long)f->containers);
		for (int i = 0; i < v->count; i++)
			printf("  %s\n", v->failures[i].message);
	} else if (f->containers == 0) {
		printf("cntraudit check: ok: no containers were created in the window\n");
	} else {
		printf("cntraudit check: ok: %lld orphans of %lld containers, orphan share %.2f%% ($%s of $%s); "
		       "coverage %.2f%% of containers, %.2f%% of estimated cost\n",
		       (long long)f->orphans, (long long)f->containers, money_percent(f->orphan_cost, f->total_cost),
		       orphan_usd, total_usd, money_percent(f->judged, f->containers),
		       money_percent(f->judged_cost, f->total_cost));
	}
}

static json_t *usd_json(int64_t micros)
{
	char out[MONEY_MAX];
	money_format(micros, out);
	return json_string(out);
}

static json_t *optional_limit(long value, int percent_bp)
{
	if (value < 0)
		return json_null();
	return percent_bp ? json_real((double)value / 100) : json_integer(value);
}

/* Money as exact strings and counts as numbers, as in the JSON reports. */
static void print_json(const struct figures *f, const struct thresholds *t, const struct verdict *v,
                       const struct audit_params *params)
{
	json_t *failures = json_array();
	for (int i = 0; i < v->count; i++)
		json_array_append_new(failures, json_pack("{s:s, s:f, s:f, s:s}", "check", v->failures[i].check,
		                                          "value", v->failures[i].value, "limit", v->failures[i].limit,
		                                          "message", v->failures[i].message));
	json_t *out = json_pack(
	    "{s:i, s:s, s:s, s:o, s:{s:o, s:o}, s:I, s:I, s:o, s:o, s:f, s:{s:I, s:f, s:o, s:f}, s:{s:o, s:o, s:o},"
	    " s:o}",
	    "schema_version", 1, "report", "check", "status", v->count ? "exceeded" : "ok", "now",
	    render_json_time(&params->now), "window", "since", render_json_time(params->since), "until",
	    render_json_time(params->until), "containers", (json_int_t)f->containers, "orphans", (json_int_t)f->orphans,
	    "orphan_cost_usd", usd_json(f->orphan_cost), "estimated_cost_usd", usd_json(f->total_cost),
	    "orphan_share_percent", money_percent(f->orphan_cost, f->total_cost), "coverage", "judged_containers",
	    (json_int_t)f->judged, "by_count_percent", money_percent(f->judged, f->containers), "judged_cost_usd",
	    usd_json(f->judged_cost), "by_cost_percent", money_percent(f->judged_cost, f->total_cost), "thresholds",
	    "max_orphans", optional_limit(t->max_orphans, 0), "max_orphan_share_percent",
	    optional_limit(t->max_share_bp, 1), "min_coverage_percent", optional_limit(t->min_coverage_bp, 1),
	    "failures", failures);
	char *text = json_dumps(out, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	puts(text);
	free(text);
	json_decref(out);
}

static int read_figures(struct store *store, struct figures *f)
{
	int64_t v[7];
	if (store_figures(store, "sql/commands/check.sql", "the check", v, 7))
		return -1;
	*f = (struct figures){v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
	return 0;
}

/* What the command line asks the check for. */
struct request {
	struct thresholds t;
	struct window window;
	int json, help;
};

static enum outcome parse(int argc, char **argv, struct request *r)
{
	static const struct option options[] = {{"max-orphan-share", required_argument, NULL, 'p'},
	                                        {"max-orphans", required_argument, NULL, 'n'},
	                                        {"min-coverage", required_argument, NULL, 'c'},
	                                        {"since", required_argument, NULL, 's'},
	                                        {"until", required_argument, NULL, 'u'},
	                                        {"format", required_argument, NULL, 'f'},
	                                        {"json", no_argument, NULL, 'j'},
	                                        {"help", no_argument, NULL, 'h'},
	                                        {NULL, 0, NULL, 0}};
	struct thresholds *t = &r->t;
	int c;
	char *end;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_percent(optarg, &t->max_share_bp))
				return usage_error(
				    "check", "--max-orphan-share: '%s' is not a percentage from 0 to 100", optarg);
			break;
		case 'c':
			if (parse_percent(optarg, &t->min_coverage_bp))
				return usage_error("check", "--min-coverage: '%s' is not a percentage from 0 to 100",
				                   optarg);
			break;
		case 'n':
			t->max_orphans = strtol(optarg, &end, 10);
			if (*end || end == optarg || t->max_orphans < 0)
				return usage_error("check", "--max-orphans: '%s' is not a count", optarg);
			break;
		case 's':
		case 'u':
			if (options_window("check", c, optarg, &r->window))
				return OUTCOME_USAGE;
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return usage_error("check", "--format: '%s' is not text or json", optarg);
			r->json = !strcmp(optarg, "json");
			break;
		case 'j':
			r->json = 1;
			break;
		case 'h':
			fputs(check_usage, stdout);
			r->help = 1;
			return OUTCOME_OK;
		case ':':
		default:
			return usage_bad_option("check", argc, argv, optopt, c == ':');
		}
	}
	if (optind < argc)
		return usage_error("check", "unexpected argument '%s'", argv[optind]);
	if (options_window_valid("check", &r->window))
		return OUTCOME_USAGE;
	if (t->max_share_bp < 0 && t->max_orphans < 0 && t->min_coverage_bp < 0)
		return usage_error("check", "give --max-orphan-share, --max-orphans, --min-coverage or several");
	return OUTCOME_OK;
}

enum outcome cmd_check(const struct global_options *global, int argc, char **argv)
{
	struct request r = {.t = {-1, -1, -1}};
	enum outcome outcome = parse(argc, argv, &r);
	if (outcome != OUTCOME_OK || r.help)
		return outcome;
	struct store *store = NULL;
	struct figures f;
	struct verdict v = {0};
	struct audit_params params = {
	    .now = global->now, .since = WINDOW_SINCE(&r.window), .until = WINDOW_UNTIL(&r.window), .period = "day"};
	outcome = OUTCOME_FAILED;
	if (!store_open(global->db_path, STORE_EXISTING, &store) && !audit_run(store, &params) &&
	    !read_figures(store, &f)) {
		judge(&f, &r.t, &v);
		if (r.json)
			print_json(&f, &r.t, &v, &params);
		else
			print_text(&f, &v);
		outcome = v.count ? OUTCOME_THRESHOLD : OUTCOME_OK;
		for (int i = 0; i < v.count; i++)
			free(v.failures[i].message);
	}
	store_free(store);
	return outcome;
}
