/* The command line: global options, the outcome every command returns, and
 * the commands (one cmd_*.c file each). main.c alone turns an outcome into
 * an exit code. */
#ifndef CNTRAUDIT_CLI_H
#define CNTRAUDIT_CLI_H

#include <stdint.h>

enum outcome {
	OUTCOME_OK,        /* exit 0 */
	OUTCOME_FAILED,    /* exit 1: the error is set */
	OUTCOME_USAGE,     /* exit 2: the error is set to the usage problem */
	OUTCOME_PARTIAL,   /* exit 3: some items failed and were listed; the rest is stored */
	OUTCOME_THRESHOLD, /* exit 4: a check threshold was exceeded */
};

struct global_options {
	const char *db_path;  /* --db / CNTRAUDIT_DB */
	const char *base_url; /* --base-url / OPENAI_BASE_URL (http:// only to loopback, or --allow-insecure-http) */
	const char *project;  /* --project / OPENAI_PROJECT_ID: the label stored on collected objects */
	const char *org;      /* --org / OPENAI_ORG_ID */
	int64_t now;          /* --now / CNTRAUDIT_NOW, else the clock */
	int allow_insecure_http;
};

struct command {
	const char *name;
	enum outcome (*run)(const struct global_options *global, int argc, char **argv);
	const char *summary; /* one line for --help */
};

enum outcome cmd_import(const struct global_options *global, int argc, char **argv);
enum outcome cmd_report(const struct global_options *global, int argc, char **argv);
enum outcome cmd_prices(const struct global_options *global, int argc, char **argv);
enum outcome cmd_collect(const struct global_options *global, int argc, char **argv);
enum outcome cmd_runs(const struct global_options *global, int argc, char **argv);
enum outcome cmd_check(const struct global_options *global, int argc, char **argv);
enum outcome cmd_evidence(const struct global_options *global, int argc, char **argv);
enum outcome cmd_proxy(const struct global_options *global, int argc, char **argv);
enum outcome cmd_raw(const struct global_options *global, int argc, char **argv);

/* Parses the global options at the front of argv (stopping at the command),
 * reading the environment first. Returns the index of the command word,
 * argc when there is none, or -1 with the error set to a usage problem;
 * -2 when --help or --version was answered. */
/* After a writer's changes (import, collect, proxy, prices --import): the
 * audit's facts stored in the database at db_path (audit_store_facts). A
 * failure is a warning, never the command's: what it stored stays, and
 * reports audit in memory until a writer stores the facts. */
void cli_store_facts(const char *db_path);

int options_parse_global(int argc, char **argv, struct global_options *global);

/* Whether a URL's host is this machine (127.0.0.0/8, ::1, localhost); then
 * *port (when port is not NULL) is its port, owned by the caller. */
int options_loopback_url(const char *url, char **port);
/* Checks an API root URL given with OPTION: https://, or http:// to this
 * machine unless insecure (--allow-insecure-http). 0, or -1 with a usage
 * error for COMMAND (NULL: a global option). */
int options_api_url(const char *command, const char *option, const char *url, int insecure);

/* Sets the error to "COMMAND: problem (see 'cntraudit COMMAND --help')" and
 * returns OUTCOME_USAGE. */
enum outcome usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The usage error for getopt's last complaint about argv (an optstring that
 * starts with ':' tells a missing value, ':', from an unknown option, '?'). */
enum outcome usage_bad_option(const char *command, int argc, char **argv, int optopt_value, int missing_value);
/* --since/--until, for the commands that take a window. */
struct window {
	const char *since_text, *until_text; /* as given, parsed by options_window_valid */
	int64_t since, until;
	int has_since, has_until;
};
#define WINDOW_SINCE(w) ((w)->has_since ? &(w)->since : NULL)
#define WINDOW_UNTIL(w) ((w)->has_until ? &(w)->until : NULL)
/* In a listing command's getopt loop (prices, runs): c is 'f' (--format),
 * 'j' (--json) or 'w' (--wide). 0, or -1 with a usage error set. */
int options_listing(const char *command, int c, const char *value, int *format, int *wide);
/* In a command's getopt loop: c is 's' (--since) or 'u' (--until). 0. */
int options_window(const char *command, int c, const char *value, struct window *w);
/* After the loop, once the report zone is set (a bare date or month is that
 * zone's midnight): parses the window; -1 with a usage error when a time is
 * not valid or --until is not after --since. */
int options_window_valid(const char *command, struct window *w);

#endif
