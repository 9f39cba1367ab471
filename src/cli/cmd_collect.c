/* cntraudit collect containers|responses|conversations|usage|all: pulls from
 * the API into the store, through the same decoding as import. Keys come
 * from the environment only: OPENAI_API_KEY (a project key) and
 * OPENAI_ADMIN_KEY (an admin key, for usage). */
#include "cli.h"

#include "collect.h"
#include "collect_state.h"
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
    "                                  [--with-input-items]\n"
    "       cntraudit collect conversations [CONV_ID...] [--from FILE] [--scan FILE]...\n"
    "       cntraudit collect usage --since TIME [--until TIME]\n"
    "       cntraudit collect all [--since TIME] [--until TIME] [--from FILE] [--scan FILE]... [--no-chain]\n"
    "                            [--with-files] [--with-input-items]\n"
    "  every form: [--jobs N] (concurrent requests, default 8) [--no-progress]\n\n"
    "Keys come from the environment only: OPENAI_API_KEY (project key) for containers,\n"
    "responses and conversations; OPENAI_ADMIN_KEY (admin key) for usage and costs, and to\n"
    "learn which project the project key belongs to (for reconcile).\n"
    "--from FILE: one ID per line, a CSV with a response_id/conversation_id/id column, or\n"
    "JSON Lines objects with an id ('-' = stdin). --scan FILE: every resp_/conv_ token in any text.\n"
    "Containers are only ever listed: retrieving a live container, or its files, refreshes it\n"
    "(and its cost); --with-files does that on purpose and says so. --with-input-items also\n"
    "lists every response's input items (the calls a manual-context chain replays).\n";

static volatile int interrupted;

static void on_interrupt(int sig)
{
	interrupted = 1;
}

enum what { WHAT_CONTAINERS, WHAT_RESPONSES, WHAT_CONVERSATIONS, WHAT_USAGE, WHAT_ALL };
static const char *const what_names[] = {"containers", "responses", "conversations", "usage", "all"};
#define FOR(w) (1u << (w))

/* A collect being run: what was asked, its options and keys, its collector. */
struct run {
	enum what what;
	struct collect_options o;
	struct collect_keys keys;
	struct collector c;
	struct window window; /* --since/--until: o.since and o.until point into it */
	int64_t since;        /* collect all's --since when none was given: the oldest container's day */
	int help;             /* --help was answered */
};

static int usage_since(struct run *r)
{
	if (r->o.since)
		return 1;
	int64_t t;
	int found = store_earliest_container(r->c.store, &t);
	if (found < 0)
		return collector_fatal(&r->c, "cannot read the store: %s", error_message()), -1;
	if (found) {
		r->since = t - t % 86400;
		r->o.since = &r->since;
	}
	return found;
}

static int wants_files(struct run *r)
{
	return r->o.with_files;
}
static int has_responses(struct run *r)
{
	return r->o.responses.count > 0;
}
static int wants_input_items(struct run *r)
{
	return r->o.with_input_items && r->o.responses.count > 0;
}
static int has_conversations(struct run *r)
{
	return r->o.conversations.count > 0;
}
static int has_admin(struct run *r)
{
	return r->keys.admin != NULL;
}
static int wants_usage(struct run *r)
{
	return r->what == WHAT_USAGE || (has_admin(r) && usage_since(r));
}

/* The collect, step by step: each runs for the collections in its mask
 * when its condition holds (NULL: always), until one fails or Ctrl-C. */
static const struct step {
	unsigned what;
	int (*when)(struct run *r);
	int (*collect)(struct collector *c, volatile int *interrupted);
} steps[] = {
    {FOR(WHAT_CONTAINERS) | FOR(WHAT_ALL), NULL, collect_containers},
    {FOR(WHAT_CONTAINERS) | FOR(WHAT_ALL), wants_files, collect_container_files},
    {FOR(WHAT_RESPONSES) | FOR(WHAT_ALL), has_responses, collect_responses},
    {FOR(WHAT_RESPONSES) | FOR(WHAT_ALL), wants_input_items, collect_input_items},
    {FOR(WHAT_CONVERSATIONS) | FOR(WHAT_ALL), has_conversations, collect_conversations},
    {FOR(WHAT_USAGE) | FOR(WHAT_ALL), wants_usage, collect_usage},
    {FOR(WHAT_USAGE) | FOR(WHAT_ALL), has_admin, collect_key_project},
};

/* Runs every step that applies; how the collect ended. */
static enum outcome run_steps(struct run *r, const char *command, int argc, char **argv)
{
	r->o.keys = &r->keys;
	if (collector_open(&r->c, &r->o, command, argc, argv))
		return OUTCOME_FAILED;
	struct sigaction sa = {.sa_handler = on_interrupt}, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	for (size_t i = 0; i < sizeof steps / sizeof *steps && !interrupted && !r->c.fatal; i++) {
		const struct step *s = &steps[i];
		if ((s->what & FOR(r->what)) && (!s->when || s->when(r) > 0) && !r->c.fatal &&
		    s->collect(&r->c, &interrupted))
			break;
	}
	static const enum outcome outcomes[] = {
	    [COLLECT_OK] = OUTCOME_OK, [COLLECT_FAILED] = OUTCOME_FAILED, [COLLECT_PARTIAL] = OUTCOME_PARTIAL};
	enum outcome outcome = outcomes[collector_close(&r->c, command, interrupted)];
	if (!interrupted)
		cli_store_facts(r->o.target.db_path);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return outcome;
}

/* The command line into r. OUTCOME_OK to go on (r->help: --help was
 * answered), else the usage error. */
static enum outcome parse(int argc, char **argv, struct run *r)
{
	static const struct option options[] = {{"since", required_argument, NULL, 's'},
	                                        {"until", required_argument, NULL, 'u'},
	                                        {"from", required_argument, NULL, 'f'},
	                                        {"scan", required_argument, NULL, 'S'},
	                                        {"no-chain", no_argument, NULL, 'n'},
	                                        {"with-files", no_argument, NULL, 'w'},
	                                        {"with-input-items", no_argument, NULL, 'I'},
	                                        {"jobs", required_argument, NULL, 'j'},
	                                        {"no-progress", no_argument, NULL, 'P'},
	                                        {"help", no_argument, NULL, 'h'},
	                                        {NULL, 0, NULL, 0}};
	struct window *window = &r->window;
	const char *from = NULL;
	int c, what = -1;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'u':
			if (options_window("collect", c, optarg, window))
				return OUTCOME_USAGE;
			break;
		case 'f':
			from = optarg;
			break;
		case 'S':
			if (id_sources_scan(optarg, &r->o.responses, &r->o.conversations))
				return usage_error("collect", "--scan: %s", error_message());
			break;
		case 'n':
			r->o.chain = 0;
			break;
		case 'I':
			r->o.with_input_items = 1;
			break;
		case 'w':
			r->o.with_files = 1;
			break;
		case 'j': {
			char *end;
			long jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256)
				return usage_error("collect", "--jobs: '%s' is not a number from 1 to 256", optarg);
			r->o.jobs = (int)jobs;
			break;
		}
		case 'P':
			r->o.progress = 0;
			break;
		case 'h':
			fputs(collect_usage_text, stdout);
			r->help = 1;
			return OUTCOME_OK;
		case ':':
		default:
			return usage_bad_option("collect", argc, argv, optopt, c == ':');
		}
	}
	if (optind >= argc)
		return usage_error("collect",
		                   "say what to collect: containers, responses, conversations, usage or all");
	for (int i = 0; i < 5; i++)
		if (!strcmp(argv[optind], what_names[i]))
			what = i;
	if (what < 0)
		return usage_error("collect",
		                   "unknown collection '%s' (containers, responses, conversations, usage, all)",
		                   argv[optind]);
	r->what = (enum what)what;
	for (int i = optind + 1; i < argc; i++) {
		int ok = (what == WHAT_RESPONSES && id_is_response(argv[i])) ||
		         (what == WHAT_CONVERSATIONS && id_is_conversation(argv[i]));
		if (!ok)
			return usage_error("collect", "'%s' is not a %s", argv[i],
			                   what == WHAT_RESPONSES       ? "resp_ ID"
			                   : what == WHAT_CONVERSATIONS ? "conv_ ID"
			                                                : "valid argument here");
		id_set_add(what == WHAT_RESPONSES ? &r->o.responses : &r->o.conversations, argv[i]);
	}
	if (from && id_sources_read_from(from, &r->o.responses, &r->o.conversations))
		return usage_error("collect", "--from: %s", error_message());
	if (options_window_valid("collect", window))
		return OUTCOME_USAGE;
	r->o.since = WINDOW_SINCE(window);
	r->o.until = WINDOW_UNTIL(window);
	if (what == WHAT_USAGE && !r->o.since)
		return usage_error("collect", "collect usage needs --since");
	if ((what == WHAT_RESPONSES || what == WHAT_CONVERSATIONS) &&
	    !(what == WHAT_RESPONSES ? r->o.responses.count : r->o.conversations.count))
		return usage_error("collect", "no %s IDs: give them as arguments, with --from or with --scan",
		                   what == WHAT_RESPONSES ? "response" : "conversation");
	return OUTCOME_OK;
}

/* The keys this collect needs, from the environment. OUTCOME_OK, or why not. */
static enum outcome read_keys(struct run *r)
{
	if (collect_keys_read(&r->keys))
		return usage_error("collect", "%s", error_message());
	int usage = r->what == WHAT_USAGE;
	if (!(usage ? r->keys.admin : r->keys.api))
		return error_set("collect %s needs %s in the environment (%s)", what_names[r->what],
		                 usage ? "OPENAI_ADMIN_KEY" : "OPENAI_API_KEY",
		                 usage ? "an admin key" : "a project key"),
		       OUTCOME_FAILED;
	return OUTCOME_OK;
}

enum outcome cmd_collect(const struct global_options *global, int argc, char **argv)
{
	struct run r = {.o = {.jobs = 8, .chain = 1, .progress = isatty(STDERR_FILENO)}};
	r.o.target = (struct collect_target){global->db_path, global->base_url, global->project, global->org};
	/* getopt permutes argv: keep the arguments as given for the runs record. */
	char **given = xcalloc((size_t)argc + 1, sizeof *given);
	memcpy(given, argv, (size_t)argc * sizeof *given);
	enum outcome outcome = parse(argc, argv, &r);
	if (outcome == OUTCOME_OK && !r.help && (outcome = read_keys(&r)) == OUTCOME_OK) {
		char command[64];
		snprintf(command, sizeof command, "collect %s", what_names[r.what]);
		outcome = run_steps(&r, command, argc - 1, given + 1);
	}
	collect_keys_free(&r.keys);
	free(given);
	id_set_free(&r.o.responses);
	id_set_free(&r.o.conversations);
	return outcome;
}
