/* Global options, and the usage errors every command shares. */
#include "cli.h"

#include "error.h"
#include "log.h"
#include "render.h"
#include "store.h"
#include "timestamp.h"
#include "xalloc.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

extern const struct command commands[];

static void print_help(void)
{
	printf("usage: cntraudit [global options] <command> [command options] [args]\n\n"
	       "Audits OpenAI Code Interpreter containers: what was created and billed, what was used.\n\n"
	       "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		printf("  %-9s %s\n", c->name, c->summary);
	printf("\nGlobal options:\n"
	       "  --db PATH        the SQLite database (CNTRAUDIT_DB; default ./cntraudit.db)\n"
	       "  --base-url URL   API root (OPENAI_BASE_URL; default https://api.openai.com/v1)\n"
	       "  --project ID     project label stored on what is imported or collected\n"
	       "                   (OPENAI_PROJECT_ID; default 'default')\n"
	       "  --org ID         organization sent as OpenAI-Organization (OPENAI_ORG_ID); it names\n"
	       "                   the organization in evidence's REQUEST.txt and focus's BillingAccountId\n"
	       "  --now TIME       the audit's now: YYYY-MM-DD, YYYYMMDD, YYYY-MM, ISO 8601 or Unix\n"
	       "                   seconds (CNTRAUDIT_NOW)\n"
	       "  --allow-insecure-http  let --base-url be http:// to another machine (keys in clear)\n"
	       "  -q, -v, -vv      quieter / more verbose logs on stderr (CNTRAUDIT_LOG)\n"
	       "  --help, --version\n\n"
	       "Exit codes: 0 ok, 1 failure, 2 usage error, 3 partial (errors listed), 4 check threshold exceeded.\n"
	       "'cntraudit COMMAND --help' describes a command.\n");
}

enum outcome usage_error(const char *command, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (command)
		error_set("%s: %s (see 'cntraudit %s --help')", command, b.data, command);
	else
		error_set("%s (see 'cntraudit --help')", b.data);
	buf_free(&b);
	return OUTCOME_USAGE;
}

enum outcome usage_bad_option(const char *command, int argc, char **argv, int optopt_value, int missing_value)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	if (arg[0] == '-' && arg[1] == '-') { /* "--name" or "--name=value" */
		size_t len = strcspn(arg, "=");
		return usage_error(command, "option '%.*s' %s", (int)len, arg,
		                   missing_value ? "needs a value" : "is unknown");
	}
	if (optopt_value)
		return usage_error(command, "option '-%c' %s", optopt_value,
		                   missing_value ? "needs a value" : "is unknown");
	return usage_error(command, "unknown option '%s'", arg);
}

/* Parses a TIME option value into *out; a usage error when malformed. */
static int options_time(const char *command, const char *option, const char *value, int64_t *out)
{
	if (timestamp_parse(value, out)) {
		usage_error(command, "%s: %s", option, error_message());
		return -1;
	}
	return 0;
}

int options_listing(const char *command, int c, const char *value, int *format, int *wide)
{
	if (c == 'w')
		*wide = 1;
	else if (c == 'j')
		*format = RENDER_JSON;
	else if ((*format = render_format_parse(value)) < 0 || *format == RENDER_HTML)
		return usage_error(command, "--format: '%s' is not text, csv or json", value), -1;
	return 0;
}

int options_window(const char *command, int c, const char *value, struct window *w)
{
	(void)command;
	*(c == 's' ? &w->since_text : &w->until_text) = value;
	return 0;
}

int options_window_valid(const char *command, struct window *w)
{
	if ((w->since_text && options_time(command, "--since", w->since_text, &w->since)) ||
	    (w->until_text && options_time(command, "--until", w->until_text, &w->until)))
		return -1;
	w->has_since = w->since_text != NULL;
	w->has_until = w->until_text != NULL;
	if (w->has_since && w->has_until && w->until <= w->since) {
		usage_error(command, "--until must be later than --since");
		return -1;
	}
	return 0;
}

int options_loopback_url(const char *url, char **port)
{
	CURLU *u = curl_url();
	char *host = NULL, *p = NULL;
	int loopback = 0;
	if (u && !curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_get(u, CURLUPART_HOST, &host, 0))
		loopback = !strncmp(host, "127.", 4) || !strcmp(host, "[::1]") || !strcasecmp(host, "localhost");
	if (port && loopback && !curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT))
		*port = xstrdup(p);
	curl_free(p);
	curl_free(host);
	curl_url_cleanup(u);
	return loopback;
}

int options_api_url(const char *command, const char *option, const char *url, int insecure)
{
	if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
		return usage_error(command, "%s: '%s' is not an http:// or https:// URL", option, url), -1;
	if (!strncmp(url, "http://", 7) && !insecure && !options_loopback_url(url, NULL))
		return usage_error(command,
		                   "%s: '%s' would carry the keys unencrypted: use https://, or "
		                   "--allow-insecure-http",
		                   option, url),
		       -1;
	return 0;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

/* The environment's settings: the defaults the options then override. -1
 * with a usage error when one is not valid. */
static int read_environment(struct global_options *g, const char **now)
{
	const char *log = env_or("CNTRAUDIT_LOG", NULL), *busy = env_or("CNTRAUDIT_BUSY_TIMEOUT", NULL);
	*now = env_or("CNTRAUDIT_NOW", NULL);
	g->db_path = env_or("CNTRAUDIT_DB", "./cntraudit.db");
	g->base_url = env_or("OPENAI_BASE_URL", "https://api.openai.com/v1");
	g->project = env_or("OPENAI_PROJECT_ID", "default");
	g->org = env_or("OPENAI_ORG_ID", NULL);
	if (busy) {
		char *end;
		long seconds = strtol(busy, &end, 10);
		if (*end || seconds < 1 || seconds > 86400)
			return usage_error(NULL,
			                   "CNTRAUDIT_BUSY_TIMEOUT='%s' is not a number of seconds from 1 to 86400",
			                   busy),
			       -1;
		store_set_busy_timeout(seconds);
	}
	if (log) {
		int level = log_level_parse(log);
		if (level < 0)
			return usage_error(NULL, "CNTRAUDIT_LOG='%s' is not quiet, warn, info or debug", log), -1;
		log_set_level(level);
	}
	return 0;
}

/* What the options and the environment say together. -1 with a usage error. */
static int check_global(struct global_options *g, int insecure, const char *now)
{
	if (!*g->db_path)
		return usage_error(NULL, "--db: empty path"), -1;
	g->allow_insecure_http = insecure;
	if (options_api_url(NULL, "--base-url", g->base_url, insecure))
		return -1;
	if (g->org && !*g->org)
		return usage_error(NULL, "--org: empty organization ID"), -1;
	if (!*g->project)
		return usage_error(NULL, "--project: empty label"), -1;
	if (!now) {
		g->now = (int64_t)time(NULL);
		return 0;
	}
	if (timestamp_parse(now, &g->now))
		return usage_error(NULL, "--now: %s", error_message()), -1;
	return 0;
}

int options_parse_global(int argc, char **argv, struct global_options *g)
{
	static const struct option long_options[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"base-url", required_argument, NULL, 'b'},
	    {"project", required_argument, NULL, 'p'},
	    {"org", required_argument, NULL, 'o'},
	    {"now", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"allow-insecure-http", no_argument, NULL, 'I'},
	    {NULL, 0, NULL, 0},
	};
	const char *now;
	int insecure = 0, verbosity = 0, quiet = 0, c;
	if (read_environment(g, &now))
		return -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:qvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			g->db_path = optarg;
			break;
		case 'b':
			g->base_url = optarg;
			break;
		case 'p':
			g->project = optarg;
			break;
		case 'o':
			g->org = optarg;
			break;
		case 'n':
			now = optarg;
			break;
		case 'I':
			insecure = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbosity++;
			break;
		case 'h':
			print_help();
			return -2;
		case 'V':
			printf("cntraudit %s\n", CNTRAUDIT_VERSION);
			return -2;
		case ':':
		default:
			usage_bad_option(NULL, argc, argv, optopt, c == ':');
			return -1;
		}
	}
	if (quiet)
		log_set_level(LOG_QUIET);
	else if (verbosity)
		log_set_level(verbosity >= 2 ? LOG_DEBUG : LOG_INFO);
	return check_global(g, insecure, now) ? -1 : optind;
}
