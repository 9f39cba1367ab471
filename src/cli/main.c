/* cntraudit: finds the global options and the command, runs it, and turns
 * its outcome into the exit code (the only place that does). */
#include "cli.h"

#include "error.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

const struct command commands[] = {
    {"check", cmd_check, "exit 4 when orphans exceed a threshold (for cron and CI)"},
    {"collect", cmd_collect, "pull containers, responses, conversations, usage and costs from the API"},
    {"evidence", cmd_evidence, "write a verifiable evidence folder for a refund request"},
    {"import", cmd_import, "store API objects from JSON or JSONL files, offline"},
    {"proxy", cmd_proxy, "record every response as it happens: a pass-through proxy for applications"},
    {"raw", cmd_raw, "print stored API objects byte for byte, as they were received"},
    {"report", cmd_report, "summary, containers, orphans, threads, daily, reconcile, focus, html"},
    {"prices", cmd_prices, "list the effective-dated price table, or --import overrides"},
    {"runs", cmd_runs, "the record of every collect, import and proxy run"},
    {NULL, NULL, NULL},
};

static int exit_code(enum outcome outcome)
{
	switch (outcome) {
	case OUTCOME_OK:
		return 0;
	case OUTCOME_USAGE:
		return 2;
	case OUTCOME_PARTIAL:
		return 3;
	case OUTCOME_THRESHOLD:
		return 4;
	default:
		return 1;
	}
}

int main(int argc, char **argv)
{
	struct global_options global;
	/* Past a file-size limit (ulimit -f) writes fail with EFBIG and the
	 * store says so in one line; the signal would kill the process silently. */
	signal(SIGXFSZ, SIG_IGN);
	enum outcome outcome = OUTCOME_USAGE;
	int at = options_parse_global(argc, argv, &global);

	if (at == -2)
		return fflush(stdout) || ferror(stdout) ? 1 : 0;
	if (at >= 0 && at >= argc) {
		usage_error(NULL, "no command given");
	} else if (at >= 0) {
		const struct command *c = commands;
		while (c->name && strcmp(c->name, argv[at]))
			c++;
		if (c->name)
			outcome = c->run(&global, argc - at, argv + at);
		else
			usage_error(NULL, "unknown command '%s'", argv[at]);
	}
	if (outcome == OUTCOME_FAILED || outcome == OUTCOME_USAGE)
		error_print();
	if (fflush(stdout) || ferror(stdout)) {
		if (outcome == OUTCOME_OK || outcome == OUTCOME_PARTIAL)
			fprintf(stderr, "cntraudit: cannot write to standard output\n");
		return outcome == OUTCOME_OK ? 1 : exit_code(outcome);
	}
	return exit_code(outcome);
}
