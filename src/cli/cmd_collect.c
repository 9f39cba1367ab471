/* cntraudit collect containers|responses|conversations|usage|all: pulls from
 * the API into the store, through the same decoding as import. Keys come
 * from the environment only: OPENAI_API_KEY (a project key) and
 * OPENAI_ADMIN_KEY (an admin key, for usage). */
#include "cli.h"

#include "collect.h"
#include "error.h"
#include "log.h"
#include "timestamp.h"
#include "xalloc.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char collect_usage_text[] =
    "usage: cntraudit collect containers [--since TIME] [--with-files]\n"
    "       cntraudit collect responses [RESPONSE_ID...] [--from FILE] [--scan FILE]... [--no-chain]\n"
    "       cntraudit collect conversations [CONV_ID...] [--from FILE] [--scan FILE]...\n"
    "       cntraudit collect usage --since TIME [--until TIME]\n"
    "       cntraudit collect all [--since TIME] [--until TIME] [--from FILE] [--scan FILE]... [--no-chain]\n"
    "                            [--with-files]\n"
    "  every form: [--jobs N] (concurrent requests, default 8) [--no-progress]\n\n"
    "Keys come from the environment only: OPENAI_API_KEY (project key) for containers,\n"
    "responses and conversations; OPENAI_ADMIN_KEY (admin key) for usage and costs, and to\n"
    "learn which project the project key belongs to (for reconcile).\n"
    "--from FILE: one ID per line, a CSV with a response_id/conversation_id/id column, or\n"
    "JSON Lines objects with an id ('-' = stdin). --scan FILE: every resp_/conv_ token in any text.\n"
    "Containers are only ever listed: retrieving a live container, or its files, refreshes it\n"
    "(and its cost); --with-files does that on purpose and says so.\n";

static volatile int interrupted;

static void on_interrupt(int sig)
{
	interrupted = 1;
}

enum what { WHAT_CONTAINERS, WHAT_RESPONSES, WHAT_CONVERSATIONS, WHAT_USAGE, WHAT_ALL };

/* The earliest day a container was created, for `collect all` without --since. */
static int earliest_container_day(struct store *store, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (sqlite3_prepare_v2(store_db(store), "SELECT min(created_at) FROM containers", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		int64_t t = sqlite3_column_int64(st, 0);
		*out = t - t % 86400;
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

enum outcome cmd_collect(const struct global_options *global, int argc, char **argv)
{
	static const struct option options[] = {
	    {"since", required_argument, NULL, 's'}, {"until", required_argument, NULL, 'u'},
	    {"from", required_argument, NULL, 'f'},  {"scan", required_argument, NULL, 'S'},
	    {"no-chain", no_argument, NULL, 'n'},    {"with-files", no_argument, NULL, 'w'},
	    {"jobs", required_argument, NULL, 'j'},  {"no-progress", no_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	static const char *const names[] = {"containers", "responses", "conversations", "usage", "all"};
	struct collect_options o = {.jobs = 8, .chain = 1, .progress = isatty(STDERR_FILENO)};
	struct collect_keys keys = {0};
	struct window window = {0};
	int64_t since = 0;
	int c, what = -1;
	enum outcome outcome = OUTCOME_USAGE;
	const char *from = NULL;
	char command[64];

	/* getopt permutes argv: keep the arguments as given for the runs record. */
	char **given = xcalloc((size_t)argc + 1, sizeof *given);
	memcpy(given, argv, (size_t)argc * sizeof *given);

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'u':
			if (options_window("collect", c, optarg, &window))
				goto done;
			break;
		case 'f':
			from = optarg;
			break;
		case 'S':
			if (id_sources_scan(optarg, &o.responses, &o.conversations)) {
				usage_error("collect", "--scan: %s", error_message());
				goto done;
			}
			break;
		case 'n':
			o.chain = 0;
			break;
		case 'w':
			o.with_files = 1;
			break;
		case 'j': {
			char *end;
			long jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				usage_error("collect", "--jobs: '%s' is not a number from 1 to 256", optarg);
				goto done;
			}
			o.jobs = (int)jobs;
			break;
		}
		case 'P':
			o.progress = 0;
			break;
		case 'h':
			fputs(collect_usage_text, stdout);
			outcome = OUTCOME_OK;
			goto done;
		default:
			usage_bad_option("collect", argc, argv, optopt);
			goto done;
		}
	}
	if (optind >= argc) {
		usage_error("collect", "say what to collect: containers, responses, conversations, usage or all");
		goto done;
	}
	for (int i = 0; i < 5; i++)
		if (!strcmp(argv[optind], names[i]))
			what = i;
	if (what < 0) {
		usage_error("collect", "unknown collection '%s' (containers, responses, conversations, usage, all)",
		            argv[optind]);
		goto done;
	}
	for (int i = optind + 1; i < argc; i++) {
		int ok = (what == WHAT_RESPONSES && id_is_response(argv[i])) ||
		         (what == WHAT_CONVERSATIONS && id_is_conversation(argv[i]));
		if (!ok) {
			usage_error("collect", "'%s' is not a %s", argv[i],
			            what == WHAT_RESPONSES       ? "resp_ ID"
			            : what == WHAT_CONVERSATIONS ? "conv_ ID"
			                                         : "valid argument here");
			goto done;
		}
		id_set_add(what == WHAT_RESPONSES ? &o.responses : &o.conversations, argv[i]);
	}
	if (from && id_sources_read_from(from, &o.responses, &o.conversations)) {
		usage_error("collect", "--from: %s", error_message());
		goto done;
	}
	o.since = WINDOW_SINCE(&window);
	o.until = WINDOW_UNTIL(&window);
	if (what == WHAT_USAGE && !o.since) {
		usage_error("collect", "collect usage needs --since");
		goto done;
	}
	if (options_window_valid("collect", &window))
		goto done;
	if ((what == WHAT_RESPONSES || what == WHAT_CONVERSATIONS) &&
	    !(what == WHAT_RESPONSES ? o.responses.count : o.conversations.count)) {
		usage_error("collect", "no %s IDs: give them as arguments, with --from or with --scan",
		            what == WHAT_RESPONSES ? "response" : "conversation");
		goto done;
	}
	if (collect_keys_read(&keys)) {
		usage_error("collect", "%s", error_message());
		goto done;
	}
	o.keys = &keys;
	if (!(what == WHAT_USAGE ? keys.admin : keys.api)) {
		error_set("collect %s needs %s in the environment (%s)", names[what],
		          what == WHAT_USAGE ? "OPENAI_ADMIN_KEY" : "OPENAI_API_KEY",
		          what == WHAT_USAGE ? "an admin key" : "a project key");
		outcome = OUTCOME_FAILED;
		goto done;
	}

	snprintf(command, sizeof command, "collect %s", names[what]);
	o.target = (struct collect_target){global->db_path, global->base_url, global->project, global->org};
	struct collector col;
	if (collector_open(&col, &o, command, argc - 1, given + 1)) {
		outcome = OUTCOME_FAILED;
		goto done;
	}
	struct sigaction sa = {.sa_handler = on_interrupt}, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	int rc = 0;
	if (what == WHAT_CONTAINERS || what == WHAT_ALL)
		rc = collect_containers(&col, &interrupted);
	if (!rc && !interrupted && o.with_files && (what == WHAT_CONTAINERS || what == WHAT_ALL))
		rc = collect_container_files(&col, &interrupted);
	if (!rc && !interrupted && o.responses.count && (what == WHAT_RESPONSES || what == WHAT_ALL))
		rc = collect_responses(&col, &interrupted);
	if (!rc && !interrupted && o.conversations.count && (what == WHAT_CONVERSATIONS || what == WHAT_ALL))
		rc = collect_conversations(&col, &interrupted);
	int admin = keys.admin != NULL;
	if (!rc && !interrupted && what == WHAT_ALL && admin) {
		if (!o.since && earliest_container_day(col.store, &since))
			o.since = &since;
		if (o.since)
			rc = collect_usage(&col, &interrupted);
	}
	if (!rc && !interrupted && what == WHAT_USAGE)
		rc = collect_usage(&col, &interrupted);
	if (!rc && !interrupted && admin && (what == WHAT_USAGE || what == WHAT_ALL))
		rc = collect_key_project(&col, &interrupted);
	static const enum outcome outcomes[] = {
	    [COLLECT_OK] = OUTCOME_OK, [COLLECT_FAILED] = OUTCOME_FAILED, [COLLECT_PARTIAL] = OUTCOME_PARTIAL};
	outcome = outcomes[collector_close(&col, command, interrupted)];
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
done:
	collect_keys_free(&keys);
	free(given);
	id_set_free(&o.responses);
	id_set_free(&o.conversations);
	return outcome;
}
