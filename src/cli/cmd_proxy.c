/* cntraudit proxy: records every response as it happens. Applications point
 * OPENAI_BASE_URL at it; it forwards their traffic unchanged (src/proxy/)
 * and stores the API objects it carries, as import would. Its start and
 * stop, with what it forwarded, recorded and lost, are in runs. */
#include "cli.h"

#include "error.h"
#include "log.h"
#include "proxy.h"
#include "recorder.h"
#include "runs.h"
#include "store.h"
#include "xalloc.h"

#include <curl/curl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char proxy_usage[] =
    "usage: cntraudit proxy [--listen HOST:PORT] [--upstream URL] [--allow-remote] [--port-file FILE]\n\n"
    "Forwards every request under /v1 to the API unchanged, with the client's own key, and streams\n"
    "every reply back unchanged (server-sent events included), recording on the way the responses,\n"
    "conversations and containers it carries. Point applications at it:\n"
    "  OPENAI_BASE_URL=http://127.0.0.1:8788/v1\n"
    "Ctrl-C or SIGTERM stops it, storing what was recorded.\n\n"
    "  --listen HOST:PORT  where to listen (default 127.0.0.1:8788; port 0 picks a free one)\n"
    "  --upstream URL      the API root to forward to (default: --base-url)\n"
    "  --allow-remote      listen on an address that is not loopback\n"
    "  --port-file FILE    write the port listened on to FILE once listening\n";

static enum outcome parse(int argc, char **argv, const struct global_options *global, struct proxy_config *cfg,
                          int *help)
{
	static const struct option options[] = {
	    {"listen", required_argument, NULL, 'l'}, {"upstream", required_argument, NULL, 'u'},
	    {"allow-remote", no_argument, NULL, 'r'}, {"port-file", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	int c;
	cfg->listen = "127.0.0.1:8788";
	cfg->upstream = global->base_url;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'l':
			cfg->listen = optarg;
			break;
		case 'u':
			cfg->upstream = optarg;
			break;
		case 'r':
			cfg->allow_remote = 1;
			break;
		case 'P':
			cfg->port_file = optarg;
			break;
		case 'h':
			fputs(proxy_usage, stdout);
			*help = 1;
			return OUTCOME_OK;
		case ':':
		default:
			return usage_bad_option("proxy", argc, argv, optopt, c == ':');
		}
	}
	if (optind < argc)
		return usage_error("proxy", "unexpected argument '%s'", argv[optind]);
	if (options_api_url("proxy", "--upstream", cfg->upstream, global->allow_insecure_http))
		return OUTCOME_USAGE;
	if (proxy_listen_valid(cfg->listen, cfg->allow_remote))
		return usage_error("proxy", "%s", error_message());
	return OUTCOME_OK;
}

/* The upstream must not be the proxy itself: OPENAI_BASE_URL pointed at the
 * proxy, in the shell that starts it, would send every request round. */
static int upstream_is_self(const struct proxy_config *cfg)
{
	char *port = NULL;
	const char *colon = strrchr(cfg->listen, ':');
	int self = options_loopback_url(cfg->upstream, &port) && colon && port && !strcmp(port, colon + 1);
	free(port);
	return self;
}

enum outcome cmd_proxy(const struct global_options *global, int argc, char **argv)
{
	struct proxy_config cfg = {0};
	int help = 0;
	enum outcome parsed = parse(argc, argv, global, &cfg, &help);
	if (parsed != OUTCOME_OK || help)
		return parsed;
	if (upstream_is_self(&cfg))
		return usage_error("proxy", "--upstream %s is the proxy itself (is OPENAI_BASE_URL set to the proxy?)",
		                   cfg.upstream);
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return error_set("cannot initialise libcurl"), OUTCOME_FAILED;

	/* Every thread started from here inherits the mask: only proxy_serve
	 * takes the stop signals, in this thread, so it can stop cleanly. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct store *store;
	int64_t run_id;
	if (store_open(global->db_path, STORE_CREATE, &store))
		return OUTCOME_FAILED;
	if (run_begin(store, "proxy", argc, argv, &run_id)) {
		store_free(store);
		return OUTCOME_FAILED;
	}
	store_set_run(store, run_id);
	struct recorder *recorder;
	if (recorder_start(store, global->project, run_id, &recorder)) {
		run_finish(store, run_id, "failed", &(struct run_counts){0}, error_message());
		store_free(store);
		return OUTCOME_FAILED;
	}
	cfg.recorder = recorder;
	struct proxy_counts traffic = {0};
	int served = proxy_serve(&cfg, &stop, &traffic);
	char *listen_error = served ? xstrdup(error_message()) : NULL;

	struct recorder_counts rec;
	char *errors;
	recorder_stop(recorder, &rec, &errors);
	struct run_counts counts = {.objects = rec.objects,
	                            .changed = rec.changed,
	                            .failed = rec.lost + rec.failed,
	                            .requests = traffic.requests};
	const char *status = served ? "failed" : counts.failed ? "partial" : "ok";
	run_finish(store, run_id, status, &counts, listen_error ? listen_error : errors);
	store_free(store);
	if (counts.changed)
		cli_store_facts(global->db_path);
	free(errors);
	if (served) {
		error_set("%s", listen_error);
		free(listen_error);
		return OUTCOME_FAILED;
	}
	log_notice(
	    "proxy: %llu requests forwarded (%llu answered 502: upstream unreachable; %llu replies cut short); "
	    "%llu documents recorded, %llu API objects (%llu rows new or changed); %llu not recorded, %llu refused",
	    (unsigned long long)traffic.requests, (unsigned long long)traffic.upstream_failures,
	    (unsigned long long)traffic.cut, (unsigned long long)rec.documents, (unsigned long long)rec.objects,
	    (unsigned long long)rec.changed, (unsigned long long)rec.lost, (unsigned long long)rec.failed);
	return counts.failed ? OUTCOME_PARTIAL : OUTCOME_OK;
}
